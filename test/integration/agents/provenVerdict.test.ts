import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { solveTask } from '../../../src/core/agents/solveTask.ts';
import type { SolveOptions } from '../../../src/core/agents/solveTask.ts';
import type { SolveEvent } from '../../../src/core/agents/events.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import type { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { edit, finish, mathProject, planStep, requestText, teamModels, teamSolveOptions, toolCall } from '../../helpers/teamFixtures.ts';
import { scriptedServerForFile } from '../../helpers/scriptedServerHooks.ts';

// "Solved" must be falsifiable: a change that does nothing, or that edits the test or the script
// that judges it, is a failure; a change that makes the named test pass is proven; a test the team
// writes proves the change only if it fails on the original code. Real git, real `npm test`
// (node:test), the real openai client against a scripted server on loopback.

let server!: ScriptedModelServer;
scriptedServerForFile((started) => (server = started));

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

const BUGGY = 'export function sum(values) {\n  return values.reduce((a, b) => a + b);\n}\n';
const TARGET = 'sum of nothing is 0';

/** The math project with a planted bug: `sum([])` throws, so the test "sum of nothing is 0" fails at HEAD. */
function buggyProject(): GitRepo {
  const repo = mathProject();
  repo.commit('refactor: shorter sum', { 'src/math.js': BUGGY });
  return repo;
}

async function setup(project: GitRepo, overrides: Partial<SolveOptions> = {}): Promise<{ options: SolveOptions; events: SolveEvent[]; repo: GitRepo; sandboxes: string; storeDir: string }> {
  const sandboxes = tempDir('coevolve-proof-sbx-');
  const storeDir = tempDir('coevolve-proof-store-');
  cleanup.push(() => project.remove(), () => rmSync(sandboxes, { recursive: true, force: true }), () => rmSync(storeDir, { recursive: true, force: true }));
  const events: SolveEvent[] = [];
  const options: SolveOptions = { ...(await teamSolveOptions(server.baseURL, project.dir, { store: storeDir, sandboxes }, events)), budget: { maxRectifications: 0 }, ...overrides };
  return { options, events, repo: project, sandboxes, storeDir };
}

const withTarget = (text: string): SolveOptions['task'] => ({ text, failingTest: TARGET });

function chatCalls(): number {
  return server.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
}

function trajectoryEvents(storeDir: string): { type: string; phase?: string }[] {
  const runs = readdirSync(join(storeDir, 'runs'));
  return runs.flatMap((run) => readFileSync(join(storeDir, 'runs', run, 'trajectory.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; phase?: string }));
}

describe('a verdict is proven, or it is not a success', () => {
  it('fails a change that does nothing, naming the target that still fails', async () => {
    const s = await setup(buggyProject(), { task: withTarget('sum of an empty list should be 0') });
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', toolCall('read_file', { path: 'src/math.js' }), finish('Nothing needed changing.'));
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'failed');
    assert.equal(solution.evidence, undefined);
    assert.match(solution.reason, /empty/);
    assert.deepEqual(solution.files, []);
  });

  it('fails a change that edits something else while the target still fails', async () => {
    const s = await setup(buggyProject(), { task: withTarget('sum of an empty list should be 0') });
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('src/math.js', 'export function sum(values) {', '/** Adds the values. */\nexport function sum(values) {'), finish('Documented sum.'));
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'failed');
    assert.match(solution.reason, /1 target still fails: "sum of nothing is 0"/);
    assert.deepEqual(solution.targets.map((t) => [t.before, t.after]), [['failing', 'failing']]);
  });

  it('judges a change that rewrites the target test with the original test: still failing', async () => {
    const s = await setup(buggyProject(), { task: withTarget('sum of an empty list should be 0') });
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('test/math.test.js', 'assert.equal(sum([]), 0)', 'assert.equal(0, 0)'), finish('Fixed the test.'));
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'failed');
    assert.match(solution.reason, /still fails/);
    assert.ok(s.events.some((e) => e.type === 'note' && /edited test\/math\.test\.js.*verified with the original/.test(e.text)), 'the edit of the verifier is reported');
  });

  it('judges a change that rewrites the test script with the original script: still failing', async () => {
    const s = await setup(buggyProject(), { task: withTarget('sum of an empty list should be 0') });
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('package.json', '"test": "node --test test/"', '"test": "node -e 0"'), finish('Simplified the test script.'));
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'failed');
    assert.match(solution.reason, /still fails/);
    assert.ok(s.events.some((e) => e.type === 'note' && /edited package\.json/.test(e.text)));
  });

  it('fails a change that stops the target from running: its failure is gone, but it was not seen to pass', async () => {
    const s = await setup(buggyProject(), { task: withTarget('sum of an empty list should be 0') });
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('src/math.js', 'export function sum(values) {', 'process.exit(0);\nexport function sum(values) {'), finish('Exits early.'));
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'failed');
    assert.match(solution.reason, /1 target did not fail, but was not seen to pass either: "sum of nothing is 0" \(.*runner reports \d+ tests? passed after the change, 1 before/);
  });

  it('proves the right change: the target failed before and passes with it; the model saw the failure', async () => {
    const s = await setup(buggyProject(), { task: withTarget('sum of an empty list should be 0') });
    let plannerSaw = '';
    server.scriptFor('gen', { kind: 'dynamic', respond: (body) => { plannerSaw = requestText(body); return planStep(); } });
    server.scriptFor('impl', edit('src/math.js', '.reduce((a, b) => a + b);', '.reduce((a, b) => a + b, 0);'), finish('reduce starts from 0.'));
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'passed');
    assert.equal(solution.evidence, 'proven');
    assert.match(solution.reason, /^Proven: 1 target failed before the change and passes with it \("sum of nothing is 0"\)/);
    assert.deepEqual(solution.targets.map((t) => [t.target.origin, t.before, t.after]), [['failing-test', 'failing', 'passing']]);
    assert.match(plannerSaw, /sum of nothing is 0 at test\/math\.test\.js:\d+/, 'the generator sees where the target fails');
    assert.match(plannerSaw, /Reduce of empty array with no initial value/, 'and how');
  });

  it('tells the rectifier which targets still fail, which edits did not apply, and when a round changed nothing', async () => {
    const s = await setup(buggyProject(), { task: withTarget('sum of an empty list should be 0'), budget: { maxRectifications: 3 } });
    const rectifierSaw: string[] = [];
    const diagnosis = { kind: 'dynamic' as const, respond: (body: Record<string, unknown>) => { rectifierSaw.push(requestText(body)); return { kind: 'text' as const, chunks: [JSON.stringify({ rootCause: 'r', strategy: 'revise-patch', instructions: 'Fix it.', steps: [] })] }; } };
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('src/math.js', 'this text is not in the file', 'x'), finish('tried'));
    server.scriptFor('impl', edit('src/math.js', 'export function sum(values) {', '// sum\nexport function sum(values) {'), finish('commented'));
    server.scriptFor('impl', finish('nothing more'));
    server.scriptFor('impl', finish('still nothing'));
    server.scriptFor('rect', diagnosis, diagnosis, diagnosis);
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'failed');
    assert.equal(rectifierSaw.length, 3);
    assert.match(rectifierSaw[0]!, /Edits of the last round that did not apply[\s\S]*edit_file src\/math\.js/);
    assert.match(rectifierSaw[0]!, /Targets that must pass but do not yet:[\s\S]*sum of nothing is 0 \(check "test"\): still fails[\s\S]*Reduce of empty array/);
    assert.match(rectifierSaw[0]!, /The change is empty/);
    assert.doesNotMatch(rectifierSaw[0]!, /did not change anything/);
    assert.match(rectifierSaw[1]!, /Targets that must pass but do not yet/);
    assert.doesNotMatch(rectifierSaw[1]!, /did not apply|did not change anything/);
    assert.match(rectifierSaw[2]!, /The last round did not change anything/, 'the third round only called finish');
    assert.match(solution.reason, /after 4 rounds/);
  });

  it('"Fix with Co-evolve" on a type error: proven when the type checker no longer reports it there, failed while it does', async () => {
    const typed = (): GitRepo => {
      const repo = GitRepo.create('coevolve-proof-ts-');
      repo.commit('feat: total', {
        '.gitignore': 'node_modules\n',
        'package.json': JSON.stringify({ name: 't', version: '1.0.0', scripts: { typecheck: 'tsc --noEmit -p .' } }),
        'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext' }, include: ['src'] }),
        'src/total.ts': 'export function total(prices: number[]): number {\n  const label: number = "total";\n  return prices.length + label;\n}\n',
      });
      // The type checker comes from this project's own dependencies, linked as a user's clone would have them.
      symlinkSync(join(import.meta.dirname, '../../../node_modules'), join(repo.dir, 'node_modules'), 'dir');
      return repo;
    };
    const diagnostic = { path: 'src/total.ts', line: 2, message: "Type 'string' is not assignable to type 'number'.", source: 'ts' };
    const broken = await setup(typed(), { task: { text: 'Fix the problem ts reports in src/total.ts at line 2.', diagnostic } });
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('src/total.ts', '  return prices.length + label;', '  return prices.length + Number(label);'), finish('converted'));
    const still = await solveTask(broken.options);
    await still.reject();
    assert.equal(still.status, 'failed');
    assert.match(still.reason, /1 target still fails: "src\/total\.ts: Type 'string' is not assignable to type 'number'\."/);

    const fixable = await setup(typed(), { task: { text: 'Fix the problem ts reports in src/total.ts at line 2.', diagnostic } });
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('src/total.ts', '  const label: number = "total";', '  const label: number = 0;'), finish('a number'));
    const fixed = await solveTask(fixable.options);
    await fixed.reject();
    assert.equal(fixed.status, 'passed', fixed.reason);
    assert.equal(fixed.evidence, 'proven');
    assert.deepEqual(fixed.targets.map((t) => [t.target.origin, t.target.checkId, t.before, t.after]), [['diagnostic', 'typecheck', 'failing', 'passing']]);
  });

  it('refuses a failing-test name that matches no failing test, before any model call', async () => {
    const s = await setup(buggyProject(), { task: { text: 'fix it', failingTest: 'multiplies numbers' } });
    await assert.rejects(solveTask(s.options), (error: unknown) => CoevolveError.is(error, 'bad-input') && /"multiplies numbers" matches no test that fails before the change\. Failing before the change: "sum of nothing is 0"/.test(error.message));
    assert.equal(chatCalls(), 0, 'no model was asked anything');
    assert.equal(s.repo.git('status', '--porcelain'), '');
  });

  it('proves a change by the test the team wrote when it fails on the original code (reproduce first)', async () => {
    const s = await setup(mathProject(), { task: { text: 'sum should ignore values that are not numbers' } });
    let plannerSaw = '';
    server.scriptFor('gen', { kind: 'dynamic', respond: (body) => { plannerSaw = requestText(body); return planStep(); } });
    server.scriptFor(
      'impl',
      toolCall('create_file', { path: 'test/strings.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/math.js';\n\ntest('ignores strings', () => assert.equal(sum([1, 'a', 2]), 3));\n" }),
      edit('src/math.js', 'values.reduce(', "values.filter((v) => typeof v === 'number').reduce("),
      finish('sum ignores non-numbers; a test shows it.'),
    );
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.match(plannerSaw, /Reproduce first/);
    assert.equal(solution.status, 'passed');
    assert.equal(solution.evidence, 'proven');
    assert.deepEqual(solution.targets.map((t) => [t.target.origin, t.before, t.after]), [['team', 'failing', 'passing']]);
    assert.ok(s.events.some((e) => e.type === 'note' && /Reproduced: the team's tests \(test\/strings\.test\.js\) fail on the original code and pass with the change/.test(e.text)));
  });

  it('does not count a team test that passes on the original code: no regressions only', async () => {
    const s = await setup(mathProject(), { task: { text: 'sum should ignore values that are not numbers' } });
    server.scriptFor('gen', planStep());
    server.scriptFor(
      'impl',
      toolCall('create_file', { path: 'test/more.test.js', content: "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/math.js';\n\ntest('adds two', () => assert.equal(sum([2, 2]), 4));\n" }),
      edit('src/math.js', 'values.reduce(', "values.filter((v) => typeof v === 'number').reduce("),
      finish('sum ignores non-numbers.'),
    );
    const solution = await solveTask(s.options);
    await solution.reject();
    assert.equal(solution.status, 'passed');
    assert.equal(solution.evidence, 'no-regressions');
    assert.ok(s.events.some((e) => e.type === 'note' && /pass on the original code too/.test(e.text)));
    assert.equal(readFileSync(join(s.repo.dir, 'src/math.js'), 'utf8').includes('typeof'), false, 'the user\'s tree is untouched');
  });

  it('stops before any model call when the baseline cannot run, with the remedy', async () => {
    const repo = GitRepo.create('coevolve-proof-mocha-');
    repo.commit('init', { 'package.json': JSON.stringify({ name: 'm', version: '1.0.0', scripts: { test: 'mocha test/' } }), 'test/a.test.js': "it('works', () => {});\n", 'src/a.js': 'module.exports = 1;\n' });
    const s = await setup(repo);
    await assert.rejects(solveTask(s.options), (error: unknown) => CoevolveError.is(error, 'checks-cannot-run') && /mocha is not installed/.test(error.message) && /npm install/.test(error.hint ?? ''));
    assert.equal(chatCalls(), 0);
  });

  it('finds an unreachable model server before the baseline runs', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const s = await setup(buggyProject(), { models: teamModels(`http://127.0.0.1:${port}/v1`) });
    await assert.rejects(solveTask(s.options), (error: unknown) => CoevolveError.is(error, 'llm-unavailable'));
    assert.equal(trajectoryEvents(s.storeDir).filter((e) => e.type === 'checks').length, 0, 'no check ran');
  });
});
