import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSyncMerge } from '../../../src/core/memory/syncMerge.ts';

describe('isSyncMerge', () => {
  it('recognizes tag merges and branch syncs', () => {
    for (const subject of [
      "Merge tag '4.11.1'",
      "Merge tag 'v2.0.0' into main",
      "Merge remote-tracking branch 'origin/2.1.x'",
      "Merge remote-tracking branch 'upstream/feature-x'",
      "Merge branch 'master' into fix-cookies",
      "Merge branch 'main' into feature/streams",
      "Merge branch 'master' of github.com:koajs/koa",
      "Merge branch 'master' of ssh://github.com/koajs/koa",
      "Merge branch '2.1.x'",
      "Merge branch 'stable'",
      "Merge branch 'origin/develop' into next",
      "Merge branch 'release-1.4' into main",
    ]) assert.equal(isSyncMerge(subject), true, subject);
  });

  it('keeps merges that deliver a change, and ordinary commits', () => {
    for (const subject of [
      'Merge pull request #255 from dead-horse/stream-body',
      "Merge branch 'fix-redirect'",
      "Merge branch 'feature/tags' into main",
      "Merge branch 'streams' of github.com:someone/koa",
      'Merge commit from fork',
      'fix: merge tag handling in the router',
      "Revert \"Merge tag '1.0'\"",
      'merge',
    ]) assert.equal(isSyncMerge(subject), false, subject);
  });
});
