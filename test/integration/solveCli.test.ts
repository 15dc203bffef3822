import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runCliAsync } from '../helpers/cliProcess.ts';
import { tempDir } from '../helpers/gitRepo.ts';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';
import { edit, finish, MATH_BEFORE, mathProject, planStep, teamModels, toolCall } from '../helpers/teamFixtures.ts';

const run = runCliAsync;

let server: ScriptedModelServer;
before(async () => {
  server = await ScriptedModelServer.start();
});
after(() => server.close());
beforeEach(() => server.reset());

function project(): { dir: string; store: string; sandboxes: string; remove: () => void } {
  const repo = mathProject();
  const store = tempDir('coevolve-solve-store-');
  const sandboxes = tempDir('coevolve-solve-sbx-');
  mkdirSync(store, { recursive: true });
  writeFileSync(join(store, 'models.json'), JSON.stringify(teamModels(server.baseURL)));
  return { dir: repo.dir, store, sandboxes, remove: () => { repo.remove(); rmSync(store, { recursive: true, force: true }); rmSync(sandboxes, { recursive: true, force: true }); } };
}

const UNDEFINED_TEST = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/math.js';\n\ntest('skips undefined', () => assert.equal(sum([1, undefined, 2]), 3));\n";
const SKIP_UNDEFINED = edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== undefined).reduce((a, b) => a + b, 0);');
const FIX = edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);');

describe('coevolve solve', () => {
  it('streams progress, prints the proven diff, applies with --apply and exits 0', async () => {
    const p = project();
    try {
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', toolCall('read_file', { path: 'src/math.js' }), toolCall('create_file', { path: 'test/undefined.test.js', content: UNDEFINED_TEST }), SKIP_UNDEFINED, finish('sum skips undefined'));
      const result = await run(['solve', 'sum should skip undefined', '--path', p.dir, '--store', p.store, '--apply'], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, / {2}checks: test \(npm run test\)\n▸ Running the checks before any change\n {2}before test: passed/);
      assert.match(result.stderr, /plan: Make sum skip null values\./);
      assert.match(result.stderr, /· read_file src\/math\.js\n {2}· create_file test\/undefined\.test\.js\n {2}· edit_file src\/math\.js\n {2}· finish sum skips undefined/);
      assert.match(result.stderr, /after {2}test: passed/);
      assert.match(result.stderr, /note: Reproduced: the team's tests \(test\/undefined\.test\.js\) fail on the original code and pass with the change\./);
      assert.match(result.stderr, /✓ Proven: 1 target failed before the change and passes with it \("the team's test test\/undefined\.test\.js"\), and nothing regressed\. 1 round\(s\), 5 model calls/);
      assert.match(result.stderr, /Applied to your files: src\/math\.js, test\/undefined\.test\.js/);
      assert.match(result.stdout, /^diff --git a\/src\/math\.js b\/src\/math\.js/);
      assert.match(readFileSync(join(p.dir, 'src/math.js'), 'utf8'), /filter\(\(v\) => v !== undefined\)/);
    } finally {
      p.remove();
    }
  });

  it('exits 8 when the checks pass but no test demonstrates the change, and says so', async () => {
    const p = project();
    try {
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', FIX, finish('sum skips null'));
      const result = await run(['solve', 'sum should skip null', '--path', p.dir, '--store', p.store, '--json'], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(result.code, 8, result.stderr);
      const json = JSON.parse(result.stdout) as { status: string; evidence: string; targets: unknown[] };
      assert.equal(json.status, 'passed');
      assert.equal(json.evidence, 'no-regressions');
      assert.deepEqual(json.targets, []);
    } finally {
      p.remove();
    }
  });

  it('--failing-test: exits 7 naming the target when it still fails, 0 and "Proven" when it passes', async () => {
    const p = project();
    try {
      writeFileSync(join(p.dir, 'src/math.js'), 'export function sum(values) {\n  return values.reduce((a, b) => a + b);\n}\n');
      const repo = { git: (...args: string[]) => execFileSync('git', args, { cwd: p.dir }).toString() };
      repo.git('commit', '-qam', 'refactor: shorter sum');
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', edit('src/math.js', 'export function sum(values) {', '// Adds.\nexport function sum(values) {'), finish('documented'));
      const unfixed = await run(['solve', 'an empty list should sum to 0', '--failing-test', 'sum of nothing', '--path', p.dir, '--store', p.store, '--max-rounds', '0'], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(unfixed.code, 7, unfixed.stderr);
      assert.match(unfixed.stderr, /✗ 1 target still fails: "sum of nothing is 0"/);

      server.reset();
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', edit('src/math.js', '.reduce((a, b) => a + b);', '.reduce((a, b) => a + b, 0);'), finish('start from 0'));
      const fixed = await run(['solve', 'an empty list should sum to 0', '--failing-test', 'sum of nothing', '--path', p.dir, '--store', p.store, '--max-rounds', '0'], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.match(fixed.stderr, /note: Target to prove: sum of nothing is 0/);
      assert.match(fixed.stderr, /✓ Proven: 1 target failed before the change and passes with it \("sum of nothing is 0"\)/);

      server.reset();
      const unknown = await run(['solve', 'an empty list should sum to 0', '--failing-test', 'multiplies', '--path', p.dir, '--store', p.store], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(unknown.code, 2, unknown.stderr);
      assert.match(unknown.stderr, /The failing test "multiplies" matches no test that fails before the change\. Failing before the change: "sum of nothing is 0"\./);
      assert.equal(server.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 0, 'no model call');
    } finally {
      p.remove();
    }
  });

  it('exits 7 and leaves the files alone when the checks still fail; --json says why', async () => {
    const p = project();
    try {
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return 0;'), finish('broke it'));
      const result = await run(['solve', 'sum should skip null', '--path', p.dir, '--store', p.store, '--apply', '--json', '--max-rounds', '0'], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(result.code, 7, result.stderr);
      const json = JSON.parse(result.stdout) as { status: string; applied: string[]; report: { ok: boolean; checks: { id: string; verdict: string; newFailures: { testName: string }[] }[] } };
      assert.equal(json.status, 'failed');
      assert.deepEqual(json.applied, []);
      assert.equal(json.report.checks[0]!.verdict, 'regressed');
      assert.deepEqual(json.report.checks[0]!.newFailures.map((f) => f.testName), ['adds numbers']);
      assert.equal(readFileSync(join(p.dir, 'src/math.js'), 'utf8'), MATH_BEFORE);
    } finally {
      p.remove();
    }
  });

  it('streams which tests a round broke, where and why', async () => {
    const p = project();
    try {
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.reduce((a, b) => a + b);'), finish('no initial value'));
      const result = await run(['solve', 'sum should skip null', '--path', p.dir, '--store', p.store, '--max-rounds', '0'], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(result.code, 7, result.stderr);
      assert.match(result.stderr, /after {2}test: failed, 1 failure .*\n {2}checks fail — Verification FAILED: 1 new failure \(1 check\)\.\n {4}regressed {2}test: npm run test .* — 1 new failure\n {8}- sum of nothing is 0 \(test\/math\.test\.js:\d+.*\): .*Reduce of empty array with no initial value/);
      assert.doesNotMatch(result.stderr, /passed before the change and failed after it\.\n.*passed before the change and failed after it\.\n.*passed before the change and failed after it\./, 'the reason is not repeated over and over');
    } finally {
      p.remove();
    }
  });

  it('refuses a command the model asks for when nobody can approve it (no terminal, no --yes)', async () => {
    const p = project();
    try {
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', toolCall('run_command', { command: 'touch SHOULD_NOT_EXIST', reason: 'testing' }), FIX, finish('done'));
      const result = await run(['solve', 'sum should skip null', '--path', p.dir, '--store', p.store], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(result.code, 8, result.stderr);
      assert.match(result.stderr, /✗ run_command touch SHOULD_NOT_EXIST/);
      assert.match(result.stdout, /^diff --git/);
      assert.doesNotMatch(result.stdout, /SHOULD_NOT_EXIST/);
    } finally {
      p.remove();
    }
  });

  it('learns from the decision: a fix experience, and credit for the memories the run used', async () => {
    const p = project();
    try {
      const mined = await run(['mine', p.dir, '--store', p.store], p.dir);
      assert.equal(mined.code, 0, mined.stderr);
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', FIX, finish('sum skips null'));
      const applied = await run(['solve', 'sum should skip null values', '--path', p.dir, '--store', p.store, '--apply'], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(applied.code, 8, applied.stderr);
      const shown = JSON.parse((await run(['memory', 'show', '--path', p.dir, '--store', p.store, '--json'], p.dir)).stdout) as { experiences: { subject: string; q: number; uses: number; helpful: number }[]; fixes: { outcome: string; active: boolean; verified: boolean }[] };
      // Accepted, but nothing proved the change: half credit (Q = 0.3 × 0.5).
      assert.deepEqual(shown.experiences.map((e) => [e.subject, e.q, e.uses, e.helpful]), [['feat: sum', 0.15, 1, 1]]);
      assert.deepEqual(shown.fixes.map((f) => [f.outcome, f.verified, f.active]), [['accepted', true, true]]);

      // Not applied: the user decides later, once.
      server.reset();
      server.scriptFor('gen', planStep());
      server.scriptFor('impl', edit('src/math.js', '  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);', '  return values.filter((v) => v != null).reduce((a, b) => a + b, 0);'), finish('also undefined'));
      const pending = await run(['solve', 'sum should skip undefined values too', '--path', p.dir, '--store', p.store], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(pending.code, 8, pending.stderr);
      const runId = /coevolve feedback (\S+) accept\|edited\|reject/.exec(pending.stderr)?.[1];
      assert.ok(runId, pending.stderr);
      const rejected = await run(['feedback', runId, 'reject', '--path', p.dir, '--store', p.store], p.dir);
      assert.equal(rejected.code, 0, rejected.stderr);
      assert.match(rejected.stdout, /Recorded .* as rejected\.\nCredited 1 memory with −1/);
      const again = await run(['feedback', runId, 'accept', '--path', p.dir, '--store', p.store], p.dir);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already decided/);
      const after = JSON.parse((await run(['memory', 'show', '--path', p.dir, '--store', p.store, '--json'], p.dir)).stdout) as { experiences: { q: number; uses: number; harmful: number }[]; fixes: { outcome: string; active: boolean }[] };
      assert.deepEqual(after.experiences.map((e) => [Number(e.q.toFixed(3)), e.uses, e.harmful]), [[-0.195, 2, 1]]);
      assert.deepEqual(after.fixes.map((f) => [f.outcome, f.active]).sort(), [['accepted', true], ['rejected', false]]);

      // The accepted fix now guides a similar task; the rejected one does not.
      server.reset();
      let planPrompt = '';
      server.scriptFor('gen', { kind: 'dynamic', respond: (body) => { planPrompt = JSON.stringify(body.messages); return planStep(); } });
      server.scriptFor('impl', finish('nothing to do'));
      await run(['solve', 'sum should skip null and NaN values', '--path', p.dir, '--store', p.store], p.dir, { TMPDIR: p.sandboxes });
      assert.match(planPrompt, /Fixes you accepted in this project before \(verified\):\\n- sum should skip null values — sum skips null/);
      assert.doesNotMatch(planPrompt, /skip undefined values too/);
    } finally {
      p.remove();
    }
  });

  it('refuses an empty task before doing anything', async () => {
    const p = project();
    try {
      const result = await run(['solve', '   ', '--path', p.dir, '--store', p.store], p.dir, { TMPDIR: p.sandboxes });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /Not a usable task: the task is empty/);
      assert.equal(server.requests.length, 0);
    } finally {
      p.remove();
    }
  });

  it('refuses a path that is missing or a file, before asking any model', async () => {
    const dir = tempDir('coevolve-solve-path-');
    try {
      writeFileSync(join(dir, 'notes.txt'), 'not a folder\n');
      const model = ['--base-url', server.baseURL, '--model', 'impl'];
      const missing = await run(['solve', 'anything', '--path', join(dir, 'nope'), ...model], dir);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /There is no folder at .*nope\./);
      const file = await run(['solve', 'anything', '--path', join(dir, 'notes.txt'), ...model], dir);
      assert.equal(file.code, 2);
      assert.match(file.stderr, /notes\.txt is a file, not a folder\./);
      assert.doesNotMatch(file.stderr, /unexpected error/);
      assert.equal(server.requests.length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says clearly when no model is configured', async () => {
    const dir = tempDir('coevolve-solve-none-');
    try {
      const result = await run(['solve', 'anything', '--path', dir, '--store', join(dir, 'store')], dir);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /No model is configured/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
