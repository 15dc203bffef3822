import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Sandbox } from '../../../src/core/sandbox/sandbox.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import { repoWithScript, resetSandbox } from '../../helpers/sandboxFixtures.ts';

// Starting over (resetToBase after a checkpoint) leaves what a checkout of the start state would
// give, byte for byte (line-ending attributes included), index and files alike.

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function project(): GitRepo {
  return repoWithScript(
    'coevolve-startover-',
    {
      '.gitattributes': '*.crlf text eol=crlf\n',
      'a.txt': 'alpha\n',
      'b.txt': 'bravo\n',
      'lines.crlf': 'one\ntwo\n',
      'src/keep.ts': 'export const keep = 1;\n',
      'src/old/name.ts': 'export const name = 1;\n',
      'bin.dat': Buffer.from([0, 1, 2, 3, 255]),
    },
    cleanup,
  );
}

function sandboxOf(repo: GitRepo): Promise<Sandbox> {
  return resetSandbox(repo, cleanup);
}

/** Every file of the tree (not .git): path, mode bits git cares about, bytes. */
function snapshot(root: string): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (path === '.git') continue;
      if (entry.isDirectory()) {
        out.push(`${path}/`);
        walk(path);
      } else if (entry.isSymbolicLink()) out.push(`${path} -> link`);
      else out.push(`${path} ${statSync(join(root, path)).mode & 0o100 ? 'x' : '-'} ${readFileSync(join(root, path)).toString('hex')}`);
    }
  };
  walk('');
  return out.join('\n');
}

function status(root: string): string {
  return execFileSync('git', ['status', '--porcelain', '-uall'], { cwd: root, encoding: 'utf8' });
}

describe('starting over after a checkpoint', () => {
  it('leaves exactly the start state: edits, additions in new folders, deletions, renames, modes, line endings', async () => {
    const repo = project();
    const sandbox = await sandboxOf(repo);
    try {
      const start = snapshot(sandbox.root);
      writeFileSync(join(sandbox.root, 'a.txt'), 'alpha, changed\n');
      writeFileSync(join(sandbox.root, 'lines.crlf'), 'one\r\nTWO\r\n');
      writeFileSync(join(sandbox.root, 'bin.dat'), Buffer.from([9, 9]));
      rmSync(join(sandbox.root, 'b.txt'));
      renameSync(join(sandbox.root, 'src/old/name.ts'), join(sandbox.root, 'src/renamed.ts'));
      chmodSync(join(sandbox.root, 'tool.sh'), 0o644);
      mkdirSync(join(sandbox.root, 'lib/deep/er'), { recursive: true });
      writeFileSync(join(sandbox.root, 'lib/deep/er/new.ts'), 'export const fresh = 1;\n');
      const checkpoint = await sandbox.checkpoint();
      assert.equal((await sandbox.diff(undefined, checkpoint)).files.length, 7);
      assert.equal(await sandbox.restore(checkpoint), false);

      await sandbox.resetToBase();
      assert.equal(snapshot(sandbox.root), start);
      assert.equal(existsSync(join(sandbox.root, 'lib')), false, 'folders the change made are gone');
      assert.deepEqual((await sandbox.diff()).files, []);
      assert.equal(status(sandbox.root), '', 'index and files agree with the start state');
    } finally {
      await sandbox.dispose();
    }
  });

  it('measures the next round from the start state', async () => {
    const repo = project();
    const sandbox = await sandboxOf(repo);
    try {
      writeFileSync(join(sandbox.root, 'a.txt'), 'first approach\n');
      writeFileSync(join(sandbox.root, 'first.ts'), 'export const first = 1;\n');
      const first = await sandbox.checkpoint();
      await sandbox.restore(first);
      await sandbox.resetToBase();
      assert.equal(readFileSync(join(sandbox.root, 'a.txt'), 'utf8'), 'alpha\n');
      assert.equal(existsSync(join(sandbox.root, 'first.ts')), false);
      assert.equal(status(sandbox.root), '', 'the index holds the start state too');

      // The second approach touches another file only: the first one's paths must not linger.
      writeFileSync(join(sandbox.root, 'b.txt'), 'second approach\n');
      const second = await sandbox.checkpoint();
      assert.deepEqual((await sandbox.diff(undefined, second)).files, [{ path: 'b.txt', status: 'modified' }]);
      assert.equal(await sandbox.restore(second), false);
      assert.deepEqual((await sandbox.diff()).files, [{ path: 'b.txt', status: 'modified' }]);
      assert.equal(status(sandbox.root), 'M  b.txt\n');

      // And starting over twice in a row, or with nothing changed, is fine.
      await sandbox.resetToBase();
      await sandbox.resetToBase();
      assert.deepEqual((await sandbox.diff()).files, []);
      assert.equal(status(sandbox.root), '');
    } finally {
      await sandbox.dispose();
    }
  });

  it('copes with links, and with a check that changed files after the checkpoint', async () => {
    const repo = project();
    const sandbox = await sandboxOf(repo);
    try {
      const start = snapshot(sandbox.root);
      symlinkSync('a.txt', join(sandbox.root, 'link'));
      rmSync(join(sandbox.root, 'b.txt'));
      symlinkSync('a.txt', join(sandbox.root, 'b.txt'));
      const checkpoint = await sandbox.checkpoint();
      writeFileSync(join(sandbox.root, 'stray.txt'), 'left by a check\n');
      await sandbox.resetToBase();
      assert.equal(snapshot(sandbox.root), start);
      assert.ok(!lstatSync(join(sandbox.root, 'b.txt')).isSymbolicLink());
      assert.equal(status(sandbox.root), '');
      void checkpoint;
    } finally {
      await sandbox.dispose();
    }
  });
});
