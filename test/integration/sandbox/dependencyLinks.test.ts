import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { findDependencyFolders, linkDependencyFolders } from '../../../src/core/sandbox/dependencyLinks.ts';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import { sandboxGit } from '../../../src/core/sandbox/sandboxGit.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';

const space = scratchSpace(after);
const scratch = space.scratch;
const repoWith = (files: Record<string, string>): GitRepo => space.repoWith('coevolve-deplinks-', files);

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A package folder with an index.js that exports `value`. */
function fakePackage(dir: string, name: string, value: string): void {
  write(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  write(join(dir, 'index.js'), `module.exports = ${JSON.stringify(value)};\n`);
}

/** What `require(name)` gives from `folder`, through whatever links lie between: the proof a runner would find it. */
function requireFrom(folder: string, name: string): string {
  return execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(name)}))`], { cwd: folder, encoding: 'utf8' });
}

describe('dependency folders of every shape', () => {
  it('finds a node_modules that is itself a symlink, even when .gitignore says node_modules/', async () => {
    const store = scratch('coevolve-deplinks-store-');
    fakePackage(join(store, 'dep'), 'dep', 'from the linked store');
    const repo = repoWith({ '.gitignore': 'node_modules/\n', 'index.js': 'require("dep")\n' });
    symlinkSync(store, join(repo.dir, 'node_modules'));
    assert.deepEqual(await findDependencyFolders(sandboxGit(repo.dir), ['node_modules']), ['node_modules']);

    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch('coevolve-deplinks-base-') });
    try {
      assert.deepEqual(sandbox.readOnlyPaths, ['node_modules']);
      assert.ok(lstatSync(join(sandbox.root, 'node_modules')).isSymbolicLink());
      assert.equal(requireFrom(sandbox.root, 'dep'), 'from the linked store');
      writeFileSync(join(sandbox.root, 'index.js'), 'require("dep2")\n');
      const diff = await sandbox.diff();
      assert.deepEqual(diff.files, [{ path: 'index.js', status: 'modified' }]);
      assert.doesNotMatch(diff.patch, /node_modules/);
    } finally {
      await sandbox.dispose();
    }
    assert.equal(requireFrom(repo.dir, 'dep'), 'from the linked store', 'the user\u2019s link survives');
  });

  it('finds nested workspace folders, real and linked, and links each one', async () => {
    const repo = repoWith({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }),
      'packages/a/package.json': JSON.stringify({ name: 'a' }),
      'packages/b/package.json': JSON.stringify({ name: 'b' }),
      'packages/c/package.json': JSON.stringify({ name: 'c' }),
    });
    fakePackage(join(repo.dir, 'node_modules/top'), 'top', 'top');
    fakePackage(join(repo.dir, 'packages/a/node_modules/only-a'), 'only-a', 'a-dep');
    // b shares the root's folder through a relative link, as some tools set it up.
    symlinkSync('../../node_modules', join(repo.dir, 'packages/b/node_modules'));
    // A dangling link and a plain file of the name are not dependency folders.
    symlinkSync(join(repo.dir, 'gone'), join(repo.dir, 'packages/c/node_modules'));
    write(join(repo.dir, 'docs/node_modules'), 'not a folder\n');
    const found = await findDependencyFolders(sandboxGit(repo.dir), ['node_modules']);
    assert.deepEqual(found, ['node_modules', 'packages/a/node_modules', 'packages/b/node_modules']);

    const tree = scratch('coevolve-deplinks-tree-');
    for (const pkg of ['a', 'b']) write(join(tree, 'packages', pkg, 'index.js'), '\n');
    assert.deepEqual(await linkDependencyFolders(repo.dir, tree, found), found);
    assert.equal(requireFrom(join(tree, 'packages/a'), 'only-a'), 'a-dep');
    assert.equal(requireFrom(join(tree, 'packages/b'), 'top'), 'top');
  });

  it('links a pnpm layout whose entries are relative symlinks into .pnpm', async () => {
    const repo = repoWith({ 'package.json': JSON.stringify({ name: 'app', dependencies: { dep: '1.0.0' } }), 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" });
    const nm = join(repo.dir, 'node_modules');
    // pnpm's shape: the package lives in .pnpm/<name>@<version>/node_modules/<name>, next to its own
    // dependencies, and the top-level entry is a relative link to it.
    fakePackage(join(nm, '.pnpm/dep@1.0.0/node_modules/dep'), 'dep', 'unused');
    write(join(nm, '.pnpm/dep@1.0.0/node_modules/dep/index.js'), 'module.exports = "dep+" + require("inner");\n');
    fakePackage(join(nm, '.pnpm/inner@2.0.0/node_modules/inner'), 'inner', 'inner');
    symlinkSync('../../inner@2.0.0/node_modules/inner', join(nm, '.pnpm/dep@1.0.0/node_modules/inner'));
    symlinkSync('.pnpm/dep@1.0.0/node_modules/dep', join(nm, 'dep'));
    assert.equal(requireFrom(repo.dir, 'dep'), 'dep+inner');

    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch('coevolve-deplinks-base-') });
    try {
      assert.deepEqual(sandbox.readOnlyPaths, ['node_modules']);
      assert.equal(requireFrom(sandbox.root, 'dep'), 'dep+inner');
      assert.deepEqual((await sandbox.diff()).files, []);
    } finally {
      await sandbox.dispose();
    }
  });

  it('links a symlinked node_modules of a folder that is not under git instead of copying the link', async () => {
    const store = scratch('coevolve-deplinks-store-');
    fakePackage(join(store, 'dep'), 'dep', 'copied folder, linked store');
    const folder = scratch('coevolve-deplinks-plain-');
    write(join(folder, 'index.js'), 'require("dep")\n');
    // A relative link: copied as a link it would point nowhere from the sandbox.
    symlinkSync(relative(folder, store), join(folder, 'node_modules'));
    assert.equal(requireFrom(folder, 'dep'), 'copied folder, linked store');
    const sandbox = await openSandbox({ root: folder, baseDir: scratch('coevolve-deplinks-base-') });
    try {
      assert.equal(sandbox.kind, 'copy');
      assert.deepEqual(sandbox.readOnlyPaths, ['node_modules']);
      assert.equal(requireFrom(sandbox.root, 'dep'), 'copied folder, linked store');
    } finally {
      await sandbox.dispose();
    }
  });
});
