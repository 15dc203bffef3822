// Where the editor watches for new commits (src/extension/gitDirs.ts): found from any folder of a
// repository or a linked worktree, and what it names is where git really records a commit.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gitDirsOf } from '../../../src/extension/gitDirs.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

describe('the git folders of a workspace folder', () => {
  it('finds the repository from a folder inside it', () => {
    const repo = GitRepo.create();
    repo.commit('feat: one', { 'src/deep/a.ts': 'export const a = 1;\n' });
    const found = gitDirsOf(join(repo.dir, 'src', 'deep'));
    assert.deepEqual(found, { root: repo.dir, dir: join(repo.dir, '.git'), common: join(repo.dir, '.git') });
    assert.ok(existsSync(join(found.dir, 'logs', 'HEAD')), 'the reflog it watches is there');
    repo.remove();
  });

  it('finds a linked worktree\'s own HEAD folder and the shared refs', () => {
    const repo = GitRepo.create();
    repo.commit('feat: one', { 'a.ts': 'export const a = 1;\n' });
    const worktree = join(tempDir(), 'wt');
    repo.git('worktree', 'add', '-q', '-b', 'side', worktree);
    const found = gitDirsOf(worktree);
    assert.ok(found);
    assert.equal(found.root, worktree);
    assert.equal(found.common, join(repo.dir, '.git'));
    assert.equal(found.dir, join(repo.dir, '.git', 'worktrees', 'wt'));
    // A commit in the worktree is recorded where the watcher looks: its HEAD reflog and the shared branch ref.
    writeFileSync(join(worktree, 'b.ts'), 'export const b = 2;\n');
    const git = (...args: string[]) => repo.git('-C', worktree, ...args);
    git('add', 'b.ts');
    git('commit', '-q', '-m', 'feat: two');
    assert.ok(existsSync(join(found.dir, 'logs', 'HEAD')));
    assert.ok(existsSync(join(found.common, 'refs', 'heads', 'side')));
    repo.remove();
  });

  it('gives nothing outside a repository, or for a .git file that points nowhere', () => {
    const plain = join(tempDir(), 'plain');
    mkdirSync(plain);
    assert.equal(gitDirsOf(plain), undefined);
    const broken = join(tempDir(), 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, '.git'), 'not a pointer\n');
    assert.equal(gitDirsOf(broken), undefined);
  });
});
