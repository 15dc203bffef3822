import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { sandboxesDirFor } from '../../../src/core/sandbox/layout.ts';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import type { OpenStep } from '../../../src/core/sandbox/openSteps.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { userState, worktreePaths } from '../../helpers/sandboxFixtures.ts';

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function scratch(): string {
  const dir = tempDir('coevolve-sbx-base-');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A repository with committed files, an ignored node_modules, and uncommitted work of every kind. */
function busyRepo(): GitRepo {
  const repo = GitRepo.create('coevolve-sbx-user-');
  cleanup.push(() => repo.remove());
  repo.write('tool.sh', '#!/bin/sh\necho hi\n');
  chmodSync(join(repo.dir, 'tool.sh'), 0o755);
  repo.commit('start', {
    '.gitignore': 'node_modules/\n*.log\n',
    'a.txt': 'alpha\n',
    'b.txt': 'bravo\n',
    'c.txt': 'charlie\n',
    'src/keep.ts': 'export const keep = 1;\n',
  });
  repo.write('node_modules/pkg/index.js', 'module.exports = 1;\n');
  repo.write('a.txt', 'alpha, edited by the user\n');
  repo.write('b.txt', 'bravo, staged\n');
  repo.git('add', 'b.txt');
  repo.git('rm', '-q', 'c.txt');
  repo.write('notes.md', 'untracked notes\n');
  repo.write('debug.log', 'ignored\n');
  return repo;
}

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

describe('a sandbox of a git repository', () => {
  it('starts as the user tree, diffs only the agent, applies, and goes away', async () => {
    const repo = busyRepo();
    const baseDir = scratch();
    const before = userState(repo);
    const sandbox = await openSandbox({ root: join(repo.dir, 'src'), baseDir });
    try {
      assert.equal(sandbox.kind, 'worktree');
      assert.ok(!sandbox.root.startsWith(repo.dir), 'the sandbox lives outside the user tree');
      assert.equal(read(sandbox.root, 'a.txt'), 'alpha, edited by the user\n');
      assert.equal(read(sandbox.root, 'b.txt'), 'bravo, staged\n');
      assert.equal(existsSync(join(sandbox.root, 'c.txt')), false);
      assert.equal(read(sandbox.root, 'notes.md'), 'untracked notes\n');
      assert.equal(existsSync(join(sandbox.root, 'debug.log')), false, 'ignored files stay behind');
      assert.ok(lstatSync(join(sandbox.root, 'node_modules')).isSymbolicLink());
      assert.equal(readlinkSync(join(sandbox.root, 'node_modules')), join(realpathSync(repo.dir), 'node_modules'));
      assert.deepEqual(sandbox.readOnlyPaths, ['node_modules']);
      assert.ok(statSync(join(sandbox.root, 'tool.sh')).mode & 0o100, 'the exec bit is kept');
      assert.deepEqual(await sandbox.diff(), { patch: '', patchBytes: Buffer.alloc(0), files: [] });

      writeFileSync(join(sandbox.root, 'a.txt'), 'alpha, edited by the agent\n');
      mkdirSync(join(sandbox.root, 'src/new'), { recursive: true });
      writeFileSync(join(sandbox.root, 'src/new/d.ts'), 'export const d = 4;\n');
      rmSync(join(sandbox.root, 'notes.md'));
      const diff = await sandbox.diff();
      assert.deepEqual(diff.files, [
        { path: 'a.txt', status: 'modified' },
        { path: 'notes.md', status: 'deleted' },
        { path: 'src/new/d.ts', status: 'added' },
      ]);
      assert.match(diff.patch, /-alpha, edited by the user\n\+alpha, edited by the agent/);
      assert.doesNotMatch(diff.patch, /b\.txt|c\.txt|node_modules/);
      assert.equal(userState(repo), before, 'nothing of the user changes before apply');

      const plan = await sandbox.planApply();
      assert.deepEqual(
        plan.map((c) => [c.path, c.status, c.before, c.after]),
        [
          ['a.txt', 'modified', 'alpha, edited by the user\n', 'alpha, edited by the agent\n'],
          ['notes.md', 'deleted', 'untracked notes\n', null],
          ['src/new/d.ts', 'added', null, 'export const d = 4;\n'],
        ],
      );
      assert.equal(userState(repo), before, 'planning writes nothing');

      const applied = await sandbox.applyToUser();
      assert.deepEqual(applied.files.map((f) => f.path), ['a.txt', 'notes.md', 'src/new/d.ts']);
      assert.equal(read(repo.dir, 'a.txt'), 'alpha, edited by the agent\n');
      assert.equal(read(repo.dir, 'src/new/d.ts'), 'export const d = 4;\n');
      assert.equal(existsSync(join(repo.dir, 'notes.md')), false);
      assert.match(repo.git('diff', '--cached'), /\+bravo, staged/, 'the user\'s staged work is still staged');
      assert.deepEqual((await sandbox.diff()).files, [], 'after apply, the start state moves on');

      writeFileSync(join(sandbox.root, 'b.txt'), 'bravo, second round\n');
      assert.deepEqual((await sandbox.diff()).files, [{ path: 'b.txt', status: 'modified' }]);
    } finally {
      await sandbox.dispose();
    }
    assert.equal(existsSync(sandbox.root), false);
    assert.deepEqual(worktreePaths(repo), [repo.dir]);
    assert.equal(read(repo.dir, 'node_modules/pkg/index.js'), 'module.exports = 1;\n', 'linked dependencies survive');
    await sandbox.dispose();
    await assert.rejects(sandbox.diff(), (e: unknown) => CoevolveError.is(e, 'sandbox-failed'));
  });

  it('refuses to apply over files the user changed meanwhile, and writes nothing', async () => {
    const repo = busyRepo();
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      writeFileSync(join(sandbox.root, 'a.txt'), 'agent\n');
      writeFileSync(join(sandbox.root, 'fresh.txt'), 'agent\n');
      writeFileSync(join(sandbox.root, 'made.txt'), 'agent\n');
      repo.write('a.txt', 'the user typed more\n');
      repo.write('made.txt', 'the user made this too\n');
      const before = userState(repo);
      for (const attempt of [() => sandbox.applyToUser(), () => sandbox.planApply()]) {
        await assert.rejects(attempt(), (error: unknown) => {
          assert.ok(CoevolveError.is(error, 'edit-rejected'));
          assert.match(error.message, /a\.txt was changed in your tree/);
          assert.match(error.message, /made\.txt was created in your tree/);
          assert.doesNotMatch(error.message, /fresh\.txt/);
          return true;
        });
      }
      assert.equal(userState(repo), before);
      assert.equal(existsSync(join(repo.dir, 'fresh.txt')), false);

      // Once the user's file matches the start again, the same change applies.
      repo.write('a.txt', 'alpha, edited by the user\n');
      repo.write('made.txt', null);
      await sandbox.applyToUser();
      assert.equal(read(repo.dir, 'a.txt'), 'agent\n');
    } finally {
      await sandbox.dispose();
    }
  });

  it('refuses an added file whose folder is now a file in the user tree', async () => {
    const repo = busyRepo();
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      mkdirSync(join(sandbox.root, 'docs'));
      writeFileSync(join(sandbox.root, 'docs/guide.md'), 'guide\n');
      writeFileSync(join(sandbox.root, 'a.txt'), 'agent\n');
      repo.write('docs', 'a file where the agent wanted a folder\n');
      await assert.rejects(sandbox.applyToUser(), (e: unknown) => CoevolveError.is(e, 'edit-rejected') && /docs\/guide\.md/.test(e.message));
      assert.equal(read(repo.dir, 'a.txt'), 'alpha, edited by the user\n');
    } finally {
      await sandbox.dispose();
    }
  });

  it('carries binary and non-UTF-8 files through the diff and the apply byte for byte', async () => {
    const repo = GitRepo.create('coevolve-sbx-bin-');
    cleanup.push(() => repo.remove());
    const original = Buffer.from([0, 1, 2, 3, 255, 254, 0, 10, 13, 10]);
    repo.commit('start', { 'img.bin': original, 'latin.txt': Buffer.from('caf\xe9\n', 'latin1') });
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      const changed = Buffer.concat([original, Buffer.from([0, 9, 8, 7, 0xc3, 0x28])]);
      const added = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
      writeFileSync(join(sandbox.root, 'img.bin'), changed);
      writeFileSync(join(sandbox.root, 'new.bin'), added);
      writeFileSync(join(sandbox.root, 'latin.txt'), Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'));
      const diff = await sandbox.diff();
      assert.match(diff.patch, /GIT binary patch/);
      // The patch is a real git patch: git itself accepts it against the user's tree.
      const patchFile = join(scratch(), 'change.patch');
      writeFileSync(patchFile, diff.patchBytes);
      repo.git('apply', '--check', patchFile);

      const plan = await sandbox.planApply();
      assert.ok(plan.every((c) => c.binary), 'binary, and Latin-1 text, must be written as bytes');
      await sandbox.applyToUser();
      assert.deepEqual(readFileSync(join(repo.dir, 'latin.txt')), Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'));
      assert.deepEqual(readFileSync(join(repo.dir, 'img.bin')), changed);
      assert.deepEqual(readFileSync(join(repo.dir, 'new.bin')), added);
    } finally {
      await sandbox.dispose();
    }
  });

  it('links an untracked, unignored node_modules without putting it in the diff', async () => {
    const repo = GitRepo.create('coevolve-sbx-noignore-');
    cleanup.push(() => repo.remove());
    repo.commit('start', { 'index.js': 'require("dep")\n' });
    repo.write('node_modules/dep/index.js', 'module.exports = 2;\n');
    repo.write('packages/web/node_modules/x/y.js', 'y\n');
    repo.write('packages/web/main.js', 'main\n');
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      assert.deepEqual(sandbox.readOnlyPaths, ['node_modules', 'packages/web/node_modules']);
      assert.equal(read(sandbox.root, 'packages/web/node_modules/x/y.js'), 'y\n');
      writeFileSync(join(sandbox.root, 'index.js'), 'require("dep2")\n');
      const diff = await sandbox.diff();
      assert.deepEqual(diff.files, [{ path: 'index.js', status: 'modified' }]);
      assert.doesNotMatch(diff.patch, /node_modules/);
    } finally {
      await sandbox.dispose();
    }
    assert.equal(read(repo.dir, 'node_modules/dep/index.js'), 'module.exports = 2;\n');
  });

  it('opens a repository without commits', async () => {
    const repo = GitRepo.create('coevolve-sbx-unborn-');
    cleanup.push(() => repo.remove());
    repo.write('first.txt', 'staged\n');
    repo.git('add', 'first.txt');
    repo.write('second.txt', 'untracked\n');
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      assert.equal(read(sandbox.root, 'first.txt'), 'staged\n');
      assert.equal(read(sandbox.root, 'second.txt'), 'untracked\n');
      writeFileSync(join(sandbox.root, 'first.txt'), 'agent\n');
      assert.deepEqual((await sandbox.diff()).files, [{ path: 'first.txt', status: 'modified' }]);
    } finally {
      await sandbox.dispose();
    }
    assert.deepEqual(worktreePaths(repo), [repo.dir]);
  });

  it('opens several sandboxes of one repository at once, each separate', async () => {
    const repo = busyRepo();
    const baseDir = scratch();
    const sandboxes = await Promise.all([1, 2, 3].map(() => openSandbox({ root: repo.dir, baseDir })));
    try {
      assert.equal(new Set(sandboxes.map((s) => s.root)).size, 3);
      for (const [i, sandbox] of sandboxes.entries()) writeFileSync(join(sandbox.root, 'a.txt'), `agent ${i}\n`);
      for (const [i, sandbox] of sandboxes.entries()) assert.match((await sandbox.diff()).patch, new RegExp(`\\+agent ${i}\n`));
      assert.equal(worktreePaths(repo).length, 4);
    } finally {
      await Promise.all(sandboxes.map((s) => s.dispose()));
    }
    assert.deepEqual(worktreePaths(repo), [repo.dir]);
    assert.deepEqual(readdirSync(baseDir), []);
  });

  it('leaves nothing behind when cancelled at any step of opening', async () => {
    const repo = busyRepo();
    const baseDir = scratch();
    const before = userState(repo);
    for (const at of ['snapshot', 'checkout', 'link', 'ready'] satisfies OpenStep[]) {
      const controller = new AbortController();
      const onStep = (step: OpenStep) => {
        if (step === at) controller.abort();
      };
      await assert.rejects(openSandbox({ root: repo.dir, baseDir, signal: controller.signal, onStep }), (e: unknown) => CoevolveError.is(e, 'cancelled'), at);
      assert.deepEqual(readdirSync(baseDir), [], `nothing left in the base folder after cancelling at ${at}`);
      assert.deepEqual(worktreePaths(repo), [repo.dir], `no worktree left after cancelling at ${at}`);
      assert.equal(userState(repo), before);
    }
    const aborted = AbortSignal.abort();
    await assert.rejects(openSandbox({ root: repo.dir, baseDir, signal: aborted }), (e: unknown) => CoevolveError.is(e, 'cancelled'));
  });
});

describe('a sandbox of a folder outside git', () => {
  it('works on a temporary copy, linking node_modules', async () => {
    const folder = tempDir('coevolve-sbx-plain-');
    cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
    mkdirSync(join(folder, 'lib'));
    mkdirSync(join(folder, 'node_modules/dep'), { recursive: true });
    writeFileSync(join(folder, 'lib/a.py'), 'print("a")\n');
    writeFileSync(join(folder, 'README'), 'readme\n');
    writeFileSync(join(folder, 'node_modules/dep/index.js'), 'dep\n');
    const baseDir = scratch();
    const sandbox = await openSandbox({ root: folder, baseDir });
    try {
      assert.equal(sandbox.kind, 'copy');
      assert.equal(existsSync(join(folder, '.git')), false, 'no repository appears in the user folder');
      assert.ok(lstatSync(join(sandbox.root, 'node_modules')).isSymbolicLink());
      writeFileSync(join(sandbox.root, 'lib/a.py'), 'print("b")\n');
      writeFileSync(join(sandbox.root, 'lib/c.py'), 'c\n');
      const diff = await sandbox.diff();
      assert.deepEqual(diff.files.map((f) => f.path), ['lib/a.py', 'lib/c.py']);
      assert.doesNotMatch(diff.patch, /node_modules|README/);

      writeFileSync(join(folder, 'README'), 'the user edits an untouched file: no conflict\n');
      await sandbox.applyToUser();
      assert.equal(read(folder, 'lib/a.py'), 'print("b")\n');
      assert.equal(read(folder, 'lib/c.py'), 'c\n');

      writeFileSync(join(sandbox.root, 'lib/a.py'), 'print("c")\n');
      writeFileSync(join(folder, 'lib/a.py'), 'user\n');
      await assert.rejects(sandbox.applyToUser(), (e: unknown) => CoevolveError.is(e, 'edit-rejected'));
    } finally {
      await sandbox.dispose();
    }
    assert.equal(existsSync(dirname(sandbox.root)), false);
    assert.equal(existsSync(sandboxesDirFor(realpathSync(folder), baseDir)), false, 'the per-folder directory goes with its last sandbox');
    assert.equal(read(folder, 'node_modules/dep/index.js'), 'dep\n');
  });

  it('leaves nothing behind when cancelled while copying', async () => {
    const folder = tempDir('coevolve-sbx-plain-');
    cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
    writeFileSync(join(folder, 'a.txt'), 'a\n');
    const baseDir = scratch();
    for (const at of ['copy', 'snapshot', 'link'] satisfies OpenStep[]) {
      const controller = new AbortController();
      await assert.rejects(
        openSandbox({ root: folder, baseDir, signal: controller.signal, onStep: (step) => step === at && controller.abort() }),
        (e: unknown) => CoevolveError.is(e, 'cancelled'),
      );
      assert.deepEqual(readdirSync(baseDir), []);
    }
  });

  it('refuses a folder too large to copy', async () => {
    const folder = tempDir('coevolve-sbx-plain-');
    cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
    for (let i = 0; i < 5; i++) writeFileSync(join(folder, `f${i}.txt`), 'x\n');
    const baseDir = scratch();
    await assert.rejects(
      openSandbox({ root: folder, baseDir, copyLimits: { maxFiles: 3, maxBytes: 1e9 } }),
      (e: unknown) => CoevolveError.is(e, 'sandbox-failed') && /too large/.test(e.message),
    );
    assert.deepEqual(readdirSync(baseDir), []);
  });
});

describe('opening', () => {
  it('refuses a sandbox folder inside the project', async () => {
    const repo = busyRepo();
    await assert.rejects(openSandbox({ root: repo.dir, baseDir: join(repo.dir, '.sandboxes') }), (e: unknown) => CoevolveError.is(e, 'bad-input'));
    assert.equal(existsSync(join(repo.dir, '.sandboxes')), false);
  });

  it('refuses a folder that does not exist', async () => {
    await assert.rejects(openSandbox({ root: join(scratch(), 'missing'), baseDir: scratch() }), (e: unknown) => CoevolveError.is(e, 'bad-input'));
  });

  it('keeps the user index byte for byte even with a split index', async () => {
    const repo = busyRepo();
    repo.git('update-index', '--split-index');
    const before = userState(repo);
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      assert.equal(read(sandbox.root, 'b.txt'), 'bravo, staged\n');
      assert.equal(read(sandbox.root, 'notes.md'), 'untracked notes\n');
      assert.equal(userState(repo), before);
    } finally {
      await sandbox.dispose();
    }
    execFileSync('git', ['fsck', '--no-dangling'], { cwd: repo.dir, stdio: 'pipe' });
  });
});

describe('resetting a sandbox to its start state', () => {
  it('drops the agent\'s edits and files a check left behind, and keeps dependencies and ignored files', async () => {
    const repo = busyRepo();
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      writeFileSync(join(sandbox.root, 'a.txt'), 'changed by the agent\n');
      rmSync(join(sandbox.root, 'notes.md'));
      writeFileSync(join(sandbox.root, 'coverage.json'), '{"lines": 3}\n');
      writeFileSync(join(sandbox.root, 'run.log'), 'ignored output\n');
      assert.equal((await sandbox.diff()).files.length, 3);
      await sandbox.resetToBase();
      assert.deepEqual((await sandbox.diff()).files, []);
      assert.equal(read(sandbox.root, 'a.txt'), 'alpha, edited by the user\n');
      assert.equal(read(sandbox.root, 'notes.md'), 'untracked notes\n');
      assert.equal(existsSync(join(sandbox.root, 'coverage.json')), false);
      assert.equal(read(sandbox.root, 'run.log'), 'ignored output\n');
      assert.ok(lstatSync(join(sandbox.root, 'node_modules')).isSymbolicLink(), 'the dependency link survives');
      assert.equal(read(sandbox.root, 'node_modules/pkg/index.js'), 'module.exports = 1;\n');

      // A checkpoint taken after an edit comes back without what ran since.
      writeFileSync(join(sandbox.root, 'a.txt'), 'the agent\'s change\n');
      const checkpoint = await sandbox.checkpoint();
      writeFileSync(join(sandbox.root, 'a.txt'), 'a check rewrote it\n');
      mkdirSync(join(sandbox.root, 'reports'));
      writeFileSync(join(sandbox.root, 'reports/junit.xml'), '<testsuite/>\n');
      await sandbox.restore(checkpoint);
      assert.equal(read(sandbox.root, 'a.txt'), 'the agent\'s change\n');
      assert.equal(existsSync(join(sandbox.root, 'reports')), false);
      assert.deepEqual((await sandbox.diff()).files, [{ path: 'a.txt', status: 'modified' }]);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('starting over after a checkpoint', () => {
  it('undoes exactly the checkpoint\'s changes: edits, new files and deletions', async () => {
    const repo = busyRepo();
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      writeFileSync(join(sandbox.root, 'a.txt'), 'agent edit\n');
      mkdirSync(join(sandbox.root, 'src/added'), { recursive: true });
      writeFileSync(join(sandbox.root, 'src/added/new.ts'), 'export const n = 1;\n');
      rmSync(join(sandbox.root, 'src/keep.ts'));
      const checkpoint = await sandbox.checkpoint();
      assert.deepEqual((await sandbox.diff(undefined, checkpoint)).files, [
        { path: 'a.txt', status: 'modified' },
        { path: 'src/added/new.ts', status: 'added' },
        { path: 'src/keep.ts', status: 'deleted' },
      ]);
      assert.equal(await sandbox.restore(checkpoint), false, 'nothing ran since the checkpoint');
      await sandbox.resetToBase();
      assert.equal(read(sandbox.root, 'a.txt'), 'alpha, edited by the user\n');
      assert.equal(read(sandbox.root, 'src/keep.ts'), 'export const keep = 1;\n');
      assert.equal(existsSync(join(sandbox.root, 'src/added/new.ts')), false);
      assert.deepEqual((await sandbox.diff()).files, []);
      assert.equal(read(sandbox.root, 'notes.md'), 'untracked notes\n', 'the user\'s own uncommitted work is part of the start state');
    } finally {
      await sandbox.dispose();
    }
  });
});


describe('cancelling a sandbox operation', () => {
  it('refuses it as cancelled, before or while git runs, and leaves the sandbox and the user\'s tree as they were', async () => {
    const repo = busyRepo();
    const before = userState(repo);
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch() });
    try {
      writeFileSync(join(sandbox.root, 'a.txt'), 'agent edit\n');
      const checkpoint = await sandbox.checkpoint();
      writeFileSync(join(sandbox.root, 'stray.txt'), 'left by a check\n');
      const aborted = AbortSignal.abort();
      for (const operation of [() => sandbox.checkpoint(aborted), () => sandbox.diff(aborted), () => sandbox.restore(checkpoint, aborted), () => sandbox.resetToBase(aborted), () => sandbox.applyToUser(aborted)]) {
        await assert.rejects(operation(), (e: unknown) => CoevolveError.is(e, 'cancelled'));
      }
      assert.equal(read(sandbox.root, 'stray.txt'), 'left by a check\n', 'nothing ran');
      // Cancelled while its git runs: cancelled, unless git was already done.
      const controller = new AbortController();
      const restoring = sandbox.restore(checkpoint, controller.signal);
      controller.abort();
      await restoring.catch((e: unknown) => assert.ok(CoevolveError.is(e, 'cancelled'), String(e)));
      const strayLeft = existsSync(join(sandbox.root, 'stray.txt'));
      assert.equal(await sandbox.restore(checkpoint), strayLeft, 'a restore cut short is finished by the next');
      assert.equal(existsSync(join(sandbox.root, 'stray.txt')), false);
      assert.equal(read(sandbox.root, 'a.txt'), 'agent edit\n');
      assert.deepEqual((await sandbox.diff()).files, [{ path: 'a.txt', status: 'modified' }]);
      assert.equal(userState(repo), before);
    } finally {
      await sandbox.dispose();
    }
  });
});
