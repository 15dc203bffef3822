import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildReplayTask, findReplayCandidates } from '../../../src/core/evolution/replayTasks.ts';
import type { ReplayTask } from '../../../src/core/evolution/replayTasks.ts';
import type { ReplayCandidate } from '../../../src/core/evolution/replaySelection.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { GitRepo, scratchSpace } from '../../helpers/gitRepo.ts';

const space = scratchSpace(after);
const scratch = space.scratch;
const cleanup = { push: space.track };

const NODE_TEST = "const assert = require('node:assert');\nconst { test } = require('node:test');\n";

async function candidatesOf(repo: GitRepo): Promise<Map<string, ReplayCandidate>> {
  const storeDir = scratch('coevolve-reasons-store-');
  await mineHistory(repo.dir, { storeDir, symbols: false });
  return new Map((await findReplayCandidates(storeDir)).map((c) => [c.subject, c]));
}

/** Builds and validates the task, hands it to `check`, and always removes its worktree. */
async function withTask(repo: GitRepo, candidate: ReplayCandidate | undefined, options: { timeoutMs?: number }, check: (task: ReplayTask) => void): Promise<void> {
  assert.ok(candidate, 'the commit is a candidate');
  const task = await buildReplayTask(repo.dir, candidate, { dependencyCache: scratch('coevolve-reasons-cache-'), ...options });
  try {
    check(task);
  } finally {
    await task.dispose();
  }
}

describe('an invalid replay task says why', () => {
  let repo: GitRepo;
  let tasks: Map<string, ReplayCandidate>;

  before(async () => {
    repo = GitRepo.create('coevolve-reasons-');
    cleanup.push(() => repo.remove());
    repo.commit('chore: start', {
      // No dependencies: the install is npm's no-op, offline.
      'package.json': JSON.stringify({ name: 'reasons', version: '1.0.0', private: true, scripts: { test: 'node --test test/' } }),
      'src/add.js': 'exports.add = (a, b) => a + b;\n',
      'src/neg.js': 'exports.neg = (a) => a;\n',
      'test/add.test.js': `${NODE_TEST}const { add } = require('../src/add.js');\ntest('adds', () => assert.equal(add(1, 2), 3));\n`,
    });
    repo.commit('fix: add() handles zero', {
      'src/add.js': 'exports.add = (a, b) => (a + b) || 0;\n',
      'test/add.test.js': `${NODE_TEST}const { add } = require('../src/add.js');\ntest('adds', () => assert.equal(add(1, 2), 3));\ntest('zero', () => assert.equal(add(0, 0), 0));\n`,
    });
    repo.commit('fix: neg() negates', {
      'src/neg.js': 'exports.neg = (a) => a * 1;\n',
      'test/neg.test.js': `${NODE_TEST}const { neg } = require('../src/neg.js');\ntest('negates', () => assert.equal(neg(2), -2));\n`,
    });
    repo.commit('fix: add() never hangs', {
      'src/add.js': 'exports.add = (a, b) => a + b;\n',
      'test/hang.test.js': `${NODE_TEST}test('waits forever', () => new Promise(() => setInterval(() => {}, 1000)));\n`,
    });
    tasks = await candidatesOf(repo);
  });

  it('passes-before: the commit\u2019s tests already pass at its parent', async () => {
    await withTask(repo, tasks.get('fix: add() handles zero'), {}, (task) => {
      assert.equal(task.valid, false);
      assert.equal(task.invalid?.reason, 'passes-before');
      assert.match(task.invalid?.detail ?? '', /already pass at the parent/);
    });
  });

  it('fails-after: the commit\u2019s tests fail even with its source change, naming the test', async () => {
    await withTask(repo, tasks.get('fix: neg() negates'), {}, (task) => {
      assert.equal(task.validated?.failsBefore, true);
      assert.equal(task.invalid?.reason, 'fails-after');
      assert.match(task.invalid?.detail ?? '', /still fail with the commit's source change: .*negates/);
    });
  });

  it('fail-to-pass: only the tests that fail before and pass with the change are the targets; one that fails either way is left out', async () => {
    const partial = GitRepo.create('coevolve-reasons-f2p-');
    cleanup.push(() => partial.remove());
    partial.commit('chore: start', {
      'package.json': JSON.stringify({ name: 'f2p', version: '1.0.0', private: true, scripts: { test: 'node --test test/' } }),
      'src/mul.js': 'exports.mul = (a, b) => a + b;\n',
    });
    // "on another runtime" stands for a test written for a Node of its day: it fails here either way.
    const tests = `${NODE_TEST}const { mul } = require('../src/mul.js');\ntest('multiplies', () => assert.equal(mul(2, 3), 6));\ntest('on another runtime', () => assert.equal(process.version, 'v0.10.0'));\n`;
    partial.commit('fix: mul() multiplies', { 'src/mul.js': 'exports.mul = (a, b) => a * b;\n', 'test/mul.test.js': tests });
    partial.commit('fix: mul() is exact', { 'src/mul.js': 'exports.mul = (a, b) => { throw new Error(\'broken\'); };\n', 'test/mul.test.js': `${tests}test('by one', () => assert.equal(mul(1, 1), 1));\n` });
    const found = await candidatesOf(partial);
    await withTask(partial, found.get('fix: mul() multiplies'), {}, (task) => {
      assert.equal(task.valid, true, JSON.stringify(task.invalid));
      assert.equal(task.validated?.passesAfter, false, 'not every test passes here');
      assert.deepEqual(task.failToPass, [{ checkId: task.checkIds[0], names: ['multiplies'] }]);
      assert.match(task.notes.join('\n'), /1 test fails before the commit and passes with it \(the targets\); 1 other in the same files fails either way here and is left out/);
    });
    // A commit whose change breaks a test that passed at its parent is no sound verifier: invalid.
    await withTask(partial, found.get('fix: mul() is exact'), {}, (task) => {
      assert.equal(task.valid, false);
      assert.equal(task.failToPass, undefined);
      assert.equal(task.invalid?.reason, 'fails-after');
    });
  });

  it('timed-out: a run that hits its deadline', async () => {
    await withTask(repo, tasks.get('fix: add() never hangs'), { timeoutMs: 1500 }, (task) => {
      assert.equal(task.invalid?.reason, 'timed-out');
      assert.match(task.invalid?.detail ?? '', /node --test test\/hang\.test\.js.*[Tt]imed out/);
    });
  });

  it('could-not-run and no-test-command: a runner that is not installed, and no runner at all', async () => {
    const other = GitRepo.create('coevolve-reasons-runner-');
    cleanup.push(() => other.remove());
    other.commit('chore: start', {
      'package.json': JSON.stringify({ name: 'runnerless', version: '1.0.0', private: true, scripts: { test: 'mocha test/' } }),
      'src/x.js': 'exports.x = 1;\n',
    });
    other.commit('fix: x is 2', { 'src/x.js': 'exports.x = 2;\n', 'test/x.test.js': "const assert = require('node:assert');\nit('is 2', () => assert.equal(require('../src/x.js').x, 2));\n" });
    other.commit('chore: no test script', { 'package.json': JSON.stringify({ name: 'runnerless', version: '1.0.0', private: true }) });
    other.commit('fix: x is 3', { 'src/x.js': 'exports.x = 3;\n', 'test/x.test.js': "const assert = require('node:assert');\nit('is 3', () => assert.equal(require('../src/x.js').x, 3));\n" });
    const found = await candidatesOf(other);
    await withTask(other, found.get('fix: x is 2'), {}, (task) => {
      assert.deepEqual(task.verification, ['npx --no-install mocha test/x.test.js']);
      assert.equal(task.invalid?.reason, 'could-not-run');
      assert.match(task.invalid?.detail ?? '', /mocha/);
      assert.match(task.invalid?.detail ?? '', /[Ii]nstall/, 'it says what to do');
    });
    await withTask(other, found.get('fix: x is 3'), {}, (task) => {
      assert.equal(task.invalid?.reason, 'no-test-command');
      assert.match(task.invalid?.detail ?? '', /test\/x\.test\.js/);
      assert.equal(task.validated, undefined);
    });
  });
});

describe('an environment that cannot be built', () => {
  it('environment: a commit whose package.json is not JSON, said before any test runs', async () => {
    const repo = GitRepo.create('coevolve-reasons-badjson-');
    cleanup.push(() => repo.remove());
    repo.commit('chore: start', { 'package.json': JSON.stringify({ name: 'x', scripts: { test: 'node --test test/' } }), 'src/x.js': 'exports.x = 1;\n' });
    repo.commit('fix: x is 2', {
      'package.json': '{ "name": "x", "scripts": { "test": "node --test test/" }, "dependencies": { "tiny": ',
      'src/x.js': 'exports.x = 2;\n',
      'test/x.test.js': `${NODE_TEST}test('is 2', () => assert.equal(require('../src/x.js').x, 2));\n`,
    });
    repo.commit('chore: repair package.json', { 'package.json': JSON.stringify({ name: 'x', scripts: { test: 'node --test test/' } }) });
    await withTask(repo, (await candidatesOf(repo)).get('fix: x is 2'), {}, (task) => {
      assert.equal(task.invalid?.reason, 'environment');
      assert.match(task.invalid?.detail ?? '', /^Cannot install the commit's dependencies: package\.json is not valid JSON/);
      assert.equal(task.validated, undefined);
    });
  });
});

describe('a Python replay task tests the worktree\u2019s own code', () => {
  let repo: GitRepo;
  let tasks: Map<string, ReplayCandidate>;

  before(async () => {
    repo = GitRepo.create('coevolve-reasons-py-');
    cleanup.push(() => repo.remove());
    // A src layout: without src/ on PYTHONPATH, `import tinypkg` finds nothing (or an installed copy).
    repo.commit('chore: start', {
      'pyproject.toml': '[project]\nname = "tinypkg"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      'src/tinypkg/__init__.py': 'def double(x):\n    return x + x\n',
      'tests/test_double.py': 'from tinypkg import double\n\n\ndef test_double():\n    assert double(2) == 4\n',
    });
    // A feature whose test imports a module the commit adds: at the parent it cannot even be collected.
    repo.commit('feat: add triple()', {
      'src/tinypkg/triple.py': 'def triple(x):\n    return 3 * x\n',
      'tests/test_triple.py': 'from tinypkg.triple import triple\n\n\ndef test_triple():\n    assert triple(2) == 6\n',
    });
    repo.commit('feat: add half() with a helper nobody has', {
      'src/tinypkg/half.py': 'def half(x):\n    return x / 2\n',
      'tests/test_half.py': 'import coevolve_module_nobody_has\nfrom tinypkg.half import half\n\n\ndef test_half():\n    assert half(4) == 2\n',
    });
    tasks = await candidatesOf(repo);
  });

  it('is valid when the tests cannot import what the commit adds and pass with it', async () => {
    await withTask(repo, tasks.get('feat: add triple()'), {}, (task) => {
      assert.match(task.verification[0] ?? '', /-m pytest -q -p no:cacheprovider tests\/test_triple\.py$/);
      assert.deepEqual(task.configured?.[0] && typeof task.configured[0] === 'object' ? task.configured[0].env : undefined, { PYTHONPATH: 'src' });
      // The project's own code lacks the name the commit adds: a failure of the code, not of the environment.
      assert.equal(task.validated?.before.results[0]?.status, 'failed', task.validated?.before.results[0]?.output);
      assert.equal(task.validated?.after.results[0]?.status, 'passed', task.validated?.after.results[0]?.output);
      assert.equal(task.valid, true, JSON.stringify(task.invalid));
    });
  });

  it('could-not-run names the module no interpreter has and what to install', async () => {
    await withTask(repo, tasks.get('feat: add half() with a helper nobody has'), {}, (task) => {
      assert.equal(task.valid, false);
      assert.equal(task.invalid?.reason, 'could-not-run');
      assert.match(task.invalid?.detail ?? '', /import coevolve_module_nobody_has, which no Python found has: install coevolve_module_nobody_has/);
      assert.match(task.notes.join('\n'), /lacks coevolve_module_nobody_has/);
    });
  });
});
