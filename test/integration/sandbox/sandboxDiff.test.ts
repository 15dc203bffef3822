import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function repoWith(files: Record<string, string>): GitRepo {
  const repo = GitRepo.create('coevolve-diff-');
  cleanup.push(() => repo.remove());
  repo.commit('start', files);
  return repo;
}

describe('a sandbox diff', () => {
  it('lists renames, binaries and odd names as git diff --name-status does, from one git process', async () => {
    const repo = repoWith({ 'old.txt': 'same content, long enough to be a rename\n'.repeat(5), 'bin.dat': '\0\x01\x02', 'keep.txt': 'keep\n' });
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch('coevolve-helpers-base-') });
    try {
      execFileSync('git', ['mv', 'old.txt', 'new name ü.txt'], { cwd: sandbox.root });
      writeFileSync(join(sandbox.root, 'bin.dat'), Buffer.from([0, 9, 9]));
      writeFileSync(join(sandbox.root, 'tab\there.txt'), 'tab\n');
      const diff = await sandbox.diff();
      assert.deepEqual(diff.files, [
        { path: 'bin.dat', status: 'modified' },
        { path: 'new name ü.txt', status: 'renamed', from: 'old.txt' },
        { path: 'tab\there.txt', status: 'added' },
      ]);
      assert.match(diff.patch, /^diff --git a\/bin\.dat b\/bin\.dat\n/);
      assert.match(diff.patch, /GIT binary patch/);
      assert.equal(diff.patch, diff.patchBytes.toString('utf8'));
      // The patch is exactly git's own.
      const tree = execFileSync('git', ['write-tree'], { cwd: sandbox.root, encoding: 'utf8' }).trim();
      const own = execFileSync('git', ['-c', 'diff.renames=true', 'diff', '--binary', '--full-index', '--no-color', '--src-prefix=a/', '--dst-prefix=b/', sandbox.baseCommit, tree], { cwd: sandbox.root });
      assert.ok(own.equals(diff.patchBytes));
    } finally {
      await sandbox.dispose();
    }
  });
});
