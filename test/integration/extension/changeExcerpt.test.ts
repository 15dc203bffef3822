// The memory browser's card asks its host for a past change's hunks: read from git, redacted, in the
// shape the protocol allows; none for a forgotten commit; a typed error for one memory does not hold.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { memoryPanelHandlers } from '../../../src/extension/memoryPanelHandlers.ts';
import { parseResult } from '../../../src/protocol/memoryPanel.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { forgetExperience } from '../../../src/core/memory/forgetExperience.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';

describe('the memory browser\'s change excerpt', () => {
  it('returns the hunks of a past change, nothing for a forgotten one, and refuses an unknown sha', async () => {
    const repo = GitRepo.create('coevolve-excerpt-');
    try {
      repo.commit('feat: tokenizer', { 'src/parser.ts': 'export function tokenize(input: string): string[] {\n  return input.split(/\\s+/);\n}\n' });
      const fix = repo.commit('fix: tokenize empty input', { 'src/parser.ts': 'export function tokenize(input: string): string[] {\n  if (!input.trim()) return [];\n  return input.trim().split(/\\s+/);\n}\n' });
      const storeDir = join(repo.dir, '.coevolve');
      await mineHistory(repo.dir, { storeDir });
      const workspace = await resolveWorkspace(repo.dir, storeDir);
      const handlers = memoryPanelHandlers(async () => workspace, {
        runs: { live: () => new Set(), confirmFeedback: async () => false },
        skills: { approver: 'tester', confirmSkill: async () => false },
        confirmForget: async () => true,
      });
      const excerpt = await handlers.changeExcerpt({ sha: fix });
      assert.ok(parseResult('changeExcerpt', excerpt).ok);
      assert.deepEqual(excerpt.hunks.map((h) => [h.path, h.header, h.lines]), [
        ['src/parser.ts', '@@ -1,3 +1,4 @@', [' export function tokenize(input: string): string[] {', '-  return input.split(/\\s+/);', '+  if (!input.trim()) return [];', '+  return input.trim().split(/\\s+/);', ' }']],
      ]);
      await assert.rejects(handlers.changeExcerpt({ sha: 'abcdef1234' }), (error: unknown) => CoevolveError.is(error, 'bad-input'));
      await forgetExperience(storeDir, fix);
      assert.deepEqual(await handlers.changeExcerpt({ sha: fix }), { hunks: [], omittedLines: 0, sourceCut: false });
    } finally {
      repo.remove();
    }
  });
});
