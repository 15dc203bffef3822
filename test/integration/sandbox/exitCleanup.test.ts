import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { sandboxOfChild, worktreePaths } from '../../helpers/sandboxFixtures.ts';

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function setup(): { repo: GitRepo; baseDir: string } {
  const repo = GitRepo.create('coevolve-exit-user-');
  repo.commit('start', { 'a.txt': 'a\n' });
  const baseDir = tempDir('coevolve-exit-base-');
  cleanup.push(() => repo.remove(), () => rmSync(baseDir, { recursive: true, force: true }));
  return { repo, baseDir };
}

describe('a process that ends without disposing its sandbox', () => {
  for (const end of ['SIGTERM', 'SIGINT', 'exit'] as const) {
    it(`removes it on ${end}`, async () => {
      const { repo, baseDir } = setup();
      const child = await sandboxOfChild(repo.dir, baseDir, end);
      assert.equal(existsSync(child.dir), false, 'the sandbox folder is gone');
      assert.deepEqual(worktreePaths(repo), [repo.dir], 'git no longer lists the worktree');
      // The signal still ends the process the way it would have without the cleanup.
      if (end === 'exit') assert.equal(child.code, 0);
      else assert.equal(child.signal, end);
    });
  }

  // signal-exit (loaded by the store's lock library) acts only when it is the sole listener; the
  // sandbox's handler once deferred to it, and each waited for the other: the signal was swallowed.
  for (const end of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    it(`removes it on ${end} and ends, with the lock library's signal listeners loaded`, { timeout: 30_000 }, async () => {
      const { repo, baseDir } = setup();
      const child = await sandboxOfChild(repo.dir, baseDir, end, { loadLockfile: true });
      assert.equal(child.signal, end, 'the process ended by the signal');
      assert.equal(existsSync(child.dir), false, 'the sandbox folder is gone');
    });
  }
});
