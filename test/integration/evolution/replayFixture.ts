import { mineHistory } from '../../../src/core/mining/miner.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

export interface ReplayFixture {
  repo: GitRepo;
  storeDir: string;
  shas: { initial: string; docs: string; testOnly: string; fix: string; multiply: string; merge: string; revertedFix: string; revert: string; feature: string };
}

const ADD_BUGGY = 'export function add(a, b) {\n  return Math.abs(a) + Math.abs(b);\n}\n';
const ADD_FIXED = 'export function add(a, b) {\n  return a + b;\n}\n';
const TEST_HEADER = "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n";

/**
 * A tiny node project whose history holds two real replay tasks (a fix and a feature, each with
 * its test) and one of every commit that must not become a task.
 */
export async function buildReplayFixture(): Promise<ReplayFixture> {
  const repo = GitRepo.create('coevolve-replay-fixture-');
  const initial = repo.commit('chore: initial project', {
    'package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', type: 'module', scripts: { test: 'node --test test/' } }, null, 2),
    'src/x.js': ADD_BUGGY,
    'src/div.js': 'export function div(a, b) {\n  return a / b;\n}\n',
    'test/x.test.js': `${TEST_HEADER}import { add } from '../src/x.js';\ntest('adds', () => assert.equal(add(1, 2), 3));\n`,
    'README.md': '# tiny\n',
  });
  const docs = repo.commit('docs: explain usage', { 'README.md': '# tiny\n\nAdds numbers.\n' });
  const testOnly = repo.commit('test: cover zero', { 'test/x.test.js': `${TEST_HEADER}import { add } from '../src/x.js';\ntest('adds', () => assert.equal(add(1, 2), 3));\ntest('zero', () => assert.equal(add(0, 0), 0));\n` });
  const fix = repo.commit('fix: add() ignores the sign of negative numbers\n\nadd(-1, 2) returned 3.\n\nSigned-off-by: Test Author <author@example.com>', {
    'src/x.js': ADD_FIXED,
    'test/x.test.js': `${TEST_HEADER}import { add } from '../src/x.js';\ntest('adds', () => assert.equal(add(1, 2), 3));\ntest('zero', () => assert.equal(add(0, 0), 0));\ntest('negative', () => assert.equal(add(-1, 2), 1));\n`,
  });
  // A feature merged with --no-ff: the merge commit carries source and test changes but is a merge;
  // the branch's own commit is a candidate once the merged branches are read.
  repo.git('checkout', '-q', '-b', 'feature');
  const multiply = repo.commit('feat: multiply', {
    'src/mul.js': 'export function mul(a, b) {\n  return a * b;\n}\n',
    'test/mul.test.js': `${TEST_HEADER}import { mul } from '../src/mul.js';\ntest('multiplies', () => assert.equal(mul(2, 3), 6));\n`,
  });
  repo.git('checkout', '-q', 'main');
  repo.git('merge', '-q', '--no-ff', '-m', 'feat: multiply (#3)', 'feature');
  const merge = repo.head();
  const revertedFix = repo.commit('fix: div() by zero returns 0', {
    'src/div.js': 'export function div(a, b) {\n  return b === 0 ? 0 : a / b;\n}\n',
    'test/div.test.js': `${TEST_HEADER}import { div } from '../src/div.js';\ntest('by zero', () => assert.equal(div(1, 0), 0));\n`,
  });
  repo.git('revert', '--no-edit', revertedFix);
  const revert = repo.head();
  const feature = repo.commit('feat: add square()', {
    'src/square.js': "import { mul } from './mul.js';\nexport function square(a) {\n  return mul(a, a);\n}\n",
    'test/square.test.js': `${TEST_HEADER}import { square } from '../src/square.js';\ntest('squares', () => assert.equal(square(3), 9));\n`,
  });
  const storeDir = tempDir('coevolve-replay-store-');
  await mineHistory(repo.dir, { storeDir, symbols: false });
  return { repo, storeDir, shas: { initial, docs, testOnly, fix, multiply, merge, revertedFix, revert, feature } };
}
