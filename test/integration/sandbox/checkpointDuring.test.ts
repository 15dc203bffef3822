import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { Sandbox } from '../../../src/core/sandbox/sandbox.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import { repoWithScript, resetSandbox } from '../../helpers/sandboxFixtures.ts';

// checkpointDuring stages the round's change while the checks run. Whatever the checks do to the
// files meanwhile (rewrite the very files being staged, remove their folder, hold git's index lock,
// fail), the checkpoint must be the change as it stood when they started, and restore must bring
// exactly that back.

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function project(): GitRepo {
  return repoWithScript('coevolve-cpduring-', { 'a.txt': 'alpha\n', 'b.txt': 'bravo\n', 'src/keep.ts': 'export const keep = 1;\n' }, cleanup);
}

function sandboxOf(repo: GitRepo, watchFiles: boolean): Promise<Sandbox> {
  return resetSandbox(repo, watchFiles, cleanup);
}

/** The agent's change, as the file tools would make it; returns the paths they would report. */
function makeChange(root: string): string[] {
  writeFileSync(join(root, 'a.txt'), 'alpha, changed\n');
  mkdirSync(join(root, 'src/fresh'), { recursive: true });
  writeFileSync(join(root, 'src/fresh/new.ts'), 'export const fresh = 1;\n');
  rmSync(join(root, 'b.txt'));
  writeFileSync(join(root, 'tool.sh'), '#!/bin/sh\necho changed\n');
  return ['a.txt', 'src/fresh/new.ts', 'b.txt', 'tool.sh'];
}

/** What a tree holds: `mode path:content` per file. */
function treeListing(root: string, tree: string): string[] {
  const entries = execFileSync('git', ['ls-tree', '-r', tree], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  return entries.map((line) => {
    const [meta, path] = line.split('\t') as [string, string];
    const [mode, , oid] = meta.split(' ') as [string, string, string];
    return `${mode} ${path}:${execFileSync('git', ['cat-file', 'blob', oid], { cwd: root, encoding: 'utf8' })}`;
  });
}

const CHANGED_TREE = [
  '100644 a.txt:alpha, changed\n',
  '100644 src/fresh/new.ts:export const fresh = 1;\n',
  '100644 src/keep.ts:export const keep = 1;\n',
  '100755 tool.sh:#!/bin/sh\necho changed\n',
];

function assertFilesAreTheChange(root: string): void {
  assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'alpha, changed\n');
  assert.equal(readFileSync(join(root, 'src/fresh/new.ts'), 'utf8'), 'export const fresh = 1;\n');
  assert.equal(readFileSync(join(root, 'src/keep.ts'), 'utf8'), 'export const keep = 1;\n');
  assert.equal(existsSync(join(root, 'b.txt')), false);
  assert.equal(readFileSync(join(root, 'tool.sh'), 'utf8'), '#!/bin/sh\necho changed\n');
  assert.ok(statSync(join(root, 'tool.sh')).mode & 0o100, 'the executable bit is kept');
}

function gitDir(root: string): string {
  const dir = execFileSync('git', ['rev-parse', '--git-dir'], { cwd: root, encoding: 'utf8' }).trim();
  return isAbsolute(dir) ? dir : join(root, dir);
}

for (const watchFiles of [true, false]) {
  describe(`a checkpoint made while the checks run (${watchFiles ? 'watched tree' : 'full scans'})`, () => {
    it('is the change as it stood, and hands back what the checks returned', async () => {
      const repo = project();
      const sandbox = await sandboxOf(repo, watchFiles);
      try {
        const paths = makeChange(sandbox.root);
        // The check sees the change in the files while git records it.
        const { tree, result } = await sandbox.checkpointDuring(async () => readFileSync(join(sandbox.root, 'a.txt'), 'utf8'), undefined, paths);
        assert.equal(result, 'alpha, changed\n');
        assert.deepEqual(treeListing(sandbox.root, tree), CHANGED_TREE);
        assert.equal(tree, await sandbox.checkpoint(undefined, []), 'a checkpoint right after gives the same tree');
        assert.equal(await sandbox.restore(tree), false, 'the checks wrote nothing');
        assertFilesAreTheChange(sandbox.root);
        assert.deepEqual((await sandbox.diff(undefined, tree)).files.map((file) => `${file.status} ${file.path}`), ['modified a.txt', 'deleted b.txt', 'added src/fresh/new.ts', 'modified tool.sh']);
      } finally {
        await sandbox.dispose();
      }
    });

    it('keeps a check\'s writes to the very files being staged out of it, and restore puts them back', async () => {
      const repo = project();
      const sandbox = await sandboxOf(repo, watchFiles);
      try {
        const paths = makeChange(sandbox.root);
        const { tree } = await sandbox.checkpointDuring(
          async () => {
            // At once, before git can have read them: a rewrite, a removed folder, a new file where one was deleted, a mode change.
            writeFileSync(join(sandbox.root, 'a.txt'), 'a check rewrote it\n');
            rmSync(join(sandbox.root, 'src/fresh'), { recursive: true });
            writeFileSync(join(sandbox.root, 'b.txt'), 'a check made it\n');
            chmodSync(join(sandbox.root, 'tool.sh'), 0o644);
            writeFileSync(join(sandbox.root, 'src/keep.ts'), 'a check changed a file the agent did not\n');
            await sleep(20);
          },
          undefined,
          paths,
        );
        assert.deepEqual(treeListing(sandbox.root, tree), CHANGED_TREE);
        assert.equal(await sandbox.restore(tree), true, 'the checks changed files');
        assertFilesAreTheChange(sandbox.root);
        const git = (...args: string[]) => execFileSync('git', args, { cwd: sandbox.root, encoding: 'utf8' });
        assert.equal(git('diff', '--name-only') + git('ls-files', '--others', '--exclude-standard'), '', 'the files are what the index holds');
        assert.equal(git('write-tree').trim(), tree, 'and the index holds the checkpoint');
      } finally {
        await sandbox.dispose();
      }
    });

    it('still records the change when the checks\' own git holds the index lock meanwhile', async () => {
      const repo = project();
      const sandbox = await sandboxOf(repo, watchFiles);
      try {
        const paths = makeChange(sandbox.root);
        const lock = join(gitDir(sandbox.root), 'index.lock');
        const { tree } = await sandbox.checkpointDuring(
          async () => {
            writeFileSync(lock, '');
            await sleep(150);
            unlinkSync(lock);
            return 'checked';
          },
          undefined,
          paths,
        );
        assert.deepEqual(treeListing(sandbox.root, tree), CHANGED_TREE);
        await sandbox.restore(tree);
        assertFilesAreTheChange(sandbox.root);
      } finally {
        await sandbox.dispose();
      }
    });

    it('passes a failing check\'s error on, with the files back at the checkpoint', async () => {
      const repo = project();
      const sandbox = await sandboxOf(repo, watchFiles);
      try {
        const paths = makeChange(sandbox.root);
        await assert.rejects(
          sandbox.checkpointDuring(
            async () => {
              writeFileSync(join(sandbox.root, 'src/keep.ts'), 'half-written by a crashing check\n');
              writeFileSync(join(sandbox.root, 'a.txt'), 'a check rewrote it\n');
              throw new Error('the check runner crashed');
            },
            undefined,
            paths,
          ),
          /the check runner crashed/,
        );
        assertFilesAreTheChange(sandbox.root);
        // And the sandbox goes on: the next checkpoint is the same change.
        assert.deepEqual(treeListing(sandbox.root, await sandbox.checkpoint(undefined, [])), CHANGED_TREE);
      } finally {
        await sandbox.dispose();
      }
    });
  });
}
