import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GitBatch } from '../../../src/core/sandbox/gitBatch.ts';
import { TreeBuilder } from '../../../src/core/sandbox/treeBuilder.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';

// TreeBuilder writes a checkpoint's tree without the index. Its answer must be exactly the tree
// that `git update-index` of the same paths followed by `git write-tree` gives, or undefined where
// it cannot promise that. Each case below makes a change, asks the builder, then asks git.

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function project(): GitRepo {
  const repo = GitRepo.create('coevolve-treebuilder-');
  cleanup.push(() => repo.remove());
  repo.commit('start', {
    'README.md': '# project\n',
    'src/app/main.ts': 'export const main = 1;\n',
    'src/app/util.ts': 'export const util = 1;\n',
    'src/lib/only.ts': 'export const only = 1;\n',
    'docs/guide/intro.md': 'intro\n',
    'héllo wörld.txt': 'unicode name\n',
  });
  return repo;
}

/** The builder's tree, then git's for the same paths (the repository's index is staged meanwhile). */
async function bothTrees(repo: GitRepo, paths: string[]): Promise<{ built: string | undefined; git: string }> {
  const from = repo.git('write-tree').trim();
  const reader = GitBatch.start(repo.dir, ['cat-file', '--batch']);
  const builder = TreeBuilder.start(repo.dir, reader);
  try {
    const built = await builder.build(from, paths);
    repo.git('update-index', '--add', '--remove', '--', ...paths);
    return { built, git: repo.git('write-tree').trim() };
  } finally {
    builder.close();
    reader.close();
  }
}

describe('a tree written without the index', () => {
  it('is git\'s tree for edits, new files in new folders, and removals that empty a folder', async () => {
    const repo = project();
    writeFileSync(join(repo.dir, 'src/app/main.ts'), 'export const main = 2;\n');
    mkdirSync(join(repo.dir, 'src/fresh/deeper'), { recursive: true });
    writeFileSync(join(repo.dir, 'src/fresh/deeper/new.ts'), 'export const fresh = 1;\n');
    rmSync(join(repo.dir, 'src/lib/only.ts'));
    rmSync(join(repo.dir, 'README.md'));
    writeFileSync(join(repo.dir, 'héllo wörld.txt'), 'changed\n');
    const { built, git } = await bothTrees(repo, ['src/app/main.ts', 'src/fresh/deeper/new.ts', 'src/lib/only.ts', 'README.md', 'héllo wörld.txt']);
    assert.equal(built, git);
    assert.equal(repo.git('ls-tree', '--name-only', git, 'src/').trim().split('\n').sort().join(' '), 'src/app src/fresh', 'the emptied folder is gone');
  });

  it('is git\'s tree for an executable bit set and cleared, and a new executable file', async () => {
    const repo = project();
    repo.write('tool.sh', '#!/bin/sh\n');
    chmodSync(join(repo.dir, 'tool.sh'), 0o755);
    repo.commit('a tool');
    chmodSync(join(repo.dir, 'tool.sh'), 0o644);
    chmodSync(join(repo.dir, 'src/app/util.ts'), 0o755);
    writeFileSync(join(repo.dir, 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
    const { built, git } = await bothTrees(repo, ['tool.sh', 'src/app/util.ts', 'run.sh']);
    assert.equal(built, git);
  });

  it('is git\'s tree where attributes convert line endings on the way in', async () => {
    const repo = project();
    repo.commit('text', { '.gitattributes': '*.txt text=auto\n' });
    writeFileSync(join(repo.dir, 'crlf.txt'), 'one\r\ntwo\r\n');
    const { built, git } = await bothTrees(repo, ['crlf.txt']);
    assert.equal(built, git);
    assert.equal(repo.git('show', `${git}:crlf.txt`), 'one\ntwo\n', 'the blob was normalized, as git add does');
  });

  it('is the same tree when nothing changed, and the empty tree when every file went', async () => {
    const repo = project();
    const same = await bothTrees(repo, ['src/app/main.ts', 'not/there.ts']);
    assert.equal(same.built, same.git);
    const all = repo.git('ls-files', '-z').split('\0').filter(Boolean);
    for (const path of all) rmSync(join(repo.dir, path));
    const gone = await bothTrees(repo, all);
    assert.equal(gone.built, gone.git);
    assert.equal(gone.git, repo.git('hash-object', '-t', 'tree', '/dev/null').trim());
  });

  it('declines what it cannot promise: a link, a folder named as a file, a file under a file, a path git would not take', async () => {
    const repo = project();
    const from = repo.git('write-tree').trim();
    const reader = GitBatch.start(repo.dir, ['cat-file', '--batch']);
    const builder = TreeBuilder.start(repo.dir, reader);
    cleanup.push(() => {
      builder.close();
      reader.close();
    });
    symlinkSync('src/app/main.ts', join(repo.dir, 'link.ts'));
    assert.equal(await builder.build(from, ['link.ts']), undefined);
    assert.equal(await builder.build(from, ['src/app']), undefined);
    rmSync(join(repo.dir, 'docs/guide'), { recursive: true });
    writeFileSync(join(repo.dir, 'docs/guide'), 'a file where a folder was\n');
    assert.equal(await builder.build(from, ['docs/guide']), undefined);
    for (const path of ['../outside.ts', '/abs.ts', 'a//b.ts', '.git/config', 'x\ny.ts']) assert.equal(await builder.build(from, [path]), undefined, path);
    // Still usable after declining.
    writeFileSync(join(repo.dir, 'src/app/main.ts'), 'export const main = 3;\n');
    assert.notEqual(await builder.build(from, ['src/app/main.ts']), undefined);
  });
});
