import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { Sandbox } from '../../../src/core/sandbox/sandbox.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import { repoWithScript, resetSandbox } from '../../helpers/sandboxFixtures.ts';

// prestage() stages the agent's files while its model thinks, and the checkpoint before the checks
// keeps that staging. Whatever happens in between (more edits, git's index lock held, a reset, the
// sandbox removed), the checkpoint must be the files as they stand when the checks start, and
// nothing the agent wrote may be lost.

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function project(): GitRepo {
  return repoWithScript('coevolve-prestage-', { 'a.txt': 'alpha\n', 'b.txt': 'bravo\n', 'src/keep.ts': 'export const keep = 1;\n' }, cleanup);
}

/** What a tree holds: `path:content` per file. */
function treeListing(root: string, tree: string): string[] {
  const entries = execFileSync('git', ['ls-tree', '-r', '--name-only', tree], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  return entries.map((path) => `${path}:${execFileSync('git', ['show', `${tree}:${path}`], { cwd: root, encoding: 'utf8' })}`);
}

function indexFile(root: string): string {
  const path = execFileSync('git', ['rev-parse', '--git-path', 'index'], { cwd: root, encoding: 'utf8' }).trim();
  return isAbsolute(path) ? path : join(root, path);
}

/** An edit as the file tools make one; returns the paths they would report. */
function edit(root: string): string[] {
  writeFileSync(join(root, 'a.txt'), 'alpha, changed\n');
  mkdirSync(join(root, 'src/fresh'), { recursive: true });
  writeFileSync(join(root, 'src/fresh/new.ts'), 'export const fresh = 1;\n');
  rmSync(join(root, 'b.txt'));
  return ['a.txt', 'src/fresh/new.ts', 'b.txt'];
}

const EDITED = ['a.txt:alpha, changed\n', 'src/fresh/new.ts:export const fresh = 1;\n', 'src/keep.ts:export const keep = 1;\n', 'tool.sh:#!/bin/sh\necho hi\n'];

async function withSandbox(watchFiles: boolean, test: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await resetSandbox(project(), watchFiles, cleanup);
  try {
    await test(sandbox);
  } finally {
    await sandbox.dispose();
  }
}

describe('a checkpoint staged while the agent goes on (watched tree)', () => {
  it('is kept by the checkpoint that follows: it is the change', () =>
    withSandbox(true, async (sandbox) => {
      const paths = edit(sandbox.root);
      sandbox.prestage(paths);
      const tree = await sandbox.checkpoint(undefined, paths);
      assert.equal(readFileSync(join(sandbox.root, 'a.txt'), 'utf8'), 'alpha, changed\n');
      assert.deepEqual(treeListing(sandbox.root, tree), EDITED);
      assert.equal(tree, await sandbox.checkpoint(undefined, []), 'a checkpoint right after gives the same tree');
      assert.equal(await sandbox.restore(tree), false, 'nothing to put back');
    }));

  it('counts edits made after it started: a file written again and a new one', () =>
    withSandbox(true, async (sandbox) => {
      const paths = edit(sandbox.root);
      sandbox.prestage(paths);
      // Time for the staging to capture the files, so the next writes come after it did.
      await sleep(50);
      writeFileSync(join(sandbox.root, 'a.txt'), 'alpha, changed twice\n');
      writeFileSync(join(sandbox.root, 'later.txt'), 'written later\n');
      const tree = await sandbox.checkpoint(undefined, [...paths, 'later.txt']);
      const listing = treeListing(sandbox.root, tree);
      assert.ok(listing.includes('a.txt:alpha, changed twice\n'), listing.join(' | '));
      assert.ok(listing.includes('later.txt:written later\n'));
      assert.equal(readFileSync(join(sandbox.root, 'a.txt'), 'utf8'), 'alpha, changed twice\n', 'the later edit is not undone');
      assert.equal(tree, await sandbox.checkpoint(undefined, []));
    }));

  it('is found again when the next staging starts before the model wrote anything else', () =>
    withSandbox(true, async (sandbox) => {
      const paths = edit(sandbox.root);
      sandbox.prestage(paths);
      await sleep(50);
      writeFileSync(join(sandbox.root, 'a.txt'), 'alpha, changed twice\n');
      // The second edit's staging waits for the first one, then stages what is new.
      sandbox.prestage([...paths]);
      await sandbox.quiesce();
      const tree = await sandbox.checkpoint(undefined, paths);
      assert.ok(treeListing(sandbox.root, tree).includes('a.txt:alpha, changed twice\n'));
      assert.equal(tree, await sandbox.checkpoint(undefined, []));
    }));

  it('fails quietly while git\'s index lock is held, and the checkpoint stages what it could not', () =>
    withSandbox(true, async (sandbox) => {
      const lock = `${indexFile(sandbox.root)}.lock`;
      writeFileSync(lock, '');
      const paths = edit(sandbox.root);
      sandbox.prestage(paths);
      // Long enough for every try of the staging to meet the lock.
      await sleep(200);
      rmSync(lock);
      const tree = await sandbox.checkpoint(undefined, paths);
      assert.deepEqual(treeListing(sandbox.root, tree), EDITED);
      assert.equal(tree, await sandbox.checkpoint(undefined, []));
    }));

  it('is done, in the index, before a command the model runs (quiesce)', () =>
    withSandbox(true, async (sandbox) => {
      const paths = edit(sandbox.root);
      sandbox.prestage(paths);
      await sandbox.quiesce();
      assert.ok(!existsSync(`${indexFile(sandbox.root)}.lock`));
      const staged = execFileSync('git', ['diff', '--cached', '--name-only', 'HEAD'], { cwd: sandbox.root, encoding: 'utf8' }).trim().split('\n');
      assert.deepEqual(staged.sort(), ['a.txt', 'b.txt', 'src/fresh/new.ts']);
    }));

  it('gives way to a reset to the start', () =>
    withSandbox(true, async (sandbox) => {
      const base = await sandbox.checkpoint(undefined, []);
      const paths = edit(sandbox.root);
      sandbox.prestage(paths);
      await sandbox.resetToBase();
      assert.equal(readFileSync(join(sandbox.root, 'a.txt'), 'utf8'), 'alpha\n');
      assert.equal(readFileSync(join(sandbox.root, 'b.txt'), 'utf8'), 'bravo\n');
      assert.equal(existsSync(join(sandbox.root, 'src/fresh')), false);
      assert.equal(await sandbox.checkpoint(undefined, []), base);
      assert.deepEqual((await sandbox.diff()).files, []);
    }));

  it('does not hold up removing the sandbox', async () => {
    const sandbox = await resetSandbox(project(), true, cleanup);
    const paths = edit(sandbox.root);
    sandbox.prestage(paths);
    await sandbox.dispose();
    assert.equal(existsSync(sandbox.root), false);
  });
});

describe('prestage without a watch (full scans)', () => {
  it('does nothing, and the checkpoint is still the change', () =>
    withSandbox(false, async (sandbox) => {
      const paths = edit(sandbox.root);
      sandbox.prestage(paths);
      const tree = await sandbox.checkpoint(undefined, paths);
      assert.deepEqual(treeListing(sandbox.root, tree), EDITED);
    }));
});
