import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { Repository } from '../../../src/core/git/repository.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const work = tempDir('coevolve-repo-open-');
after(() => rmSync(work, { recursive: true, force: true }));
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });

test('a repository opens at its root from any folder inside it, whatever its name holds', async () => {
  const root = join(work, 'a repo\nwith a newline');
  mkdirSync(join(root, 'src', 'deep'), { recursive: true });
  git(root, 'init', '-q');
  assert.equal((await Repository.open(join(root, 'src', 'deep'))).root, realpathSync(root));
  assert.equal((await Repository.open(root)).root, realpathSync(root));
});

test('a plain folder, a file, a bare repository and a .git folder are not working trees', async () => {
  const plain = join(work, 'plain');
  mkdirSync(plain);
  const file = join(work, 'file.txt');
  writeFileSync(file, 'x');
  const bare = join(work, 'bare.git');
  git(work, 'init', '-q', '--bare', bare);
  const tree = join(work, 'tree');
  mkdirSync(tree);
  git(tree, 'init', '-q');
  for (const path of [plain, file, bare, join(tree, '.git'), join(work, 'missing')]) {
    await assert.rejects(Repository.open(path), (error: unknown) => CoevolveError.is(error, 'not-a-git-repo'), path);
  }
});
