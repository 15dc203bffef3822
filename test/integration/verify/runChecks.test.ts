import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { CheckResult } from '../../../src/core/verify/checkResult.ts';
import { compareRuns } from '../../../src/core/verify/compare.ts';
import { formatReport } from '../../../src/core/verify/formatReport.ts';
import { planChecks } from '../../../src/core/verify/plan.ts';
import { runChecks } from '../../../src/core/verify/runChecks.ts';
import { packageJson, VerifyFixture } from '../../helpers/verifyFixtures.ts';

const node = JSON.stringify(process.execPath);
const trusted = { workspaceTrusted: true, killGraceMs: 300 } as const;

/** Alive and not a zombie (a container's PID 1 may never reap orphans). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * SIGKILL is delivered at once but a process takes a moment to finish exiting (it closes its
 * pipes, which ends our wait, just before it becomes a zombie), so give it a few milliseconds.
 */
async function diesSoon(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 3000; waited += 20) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function pidsIn(output: string): number[] {
  return [...output.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
}

const MATH_TEST = `const { describe, it } = require('node:test');
const assert = require('node:assert/strict');

describe('math', () => {
  it('adds', () => {
    assert.equal(1 + 1, 2);
  });
  it('subtracts', () => {
    assert.equal(3 - 1, 1);
  });
});
`;

describe('runChecks on a real npm project', () => {
  const project = new VerifyFixture({ 'package.json': packageJson({ test: 'node --test' }), 'test/math.test.js': MATH_TEST });
  after(() => project.remove());

  it('runs the detected test script and parses node:test failures', async () => {
    const plan = await planChecks(project.dir);
    const started: string[] = [];
    const run = await runChecks(plan, { ...trusted, onCheckStart: (check) => started.push(check.id) });
    assert.deepEqual(started, ['test']);
    const [result] = run.results;
    assert.equal(result!.status, 'failed', result!.output);
    assert.equal(result!.exitCode, 1);
    assert.equal(result!.failures.length, 1, JSON.stringify(result!.failures));
    const [failure] = result!.failures;
    assert.equal(failure!.testName, 'math > subtracts');
    assert.equal(failure!.file, 'test/math.test.js');
    assert.equal(failure!.line, 9);
    assert.match(failure!.message, /Expected values to be strictly equal/);
    assert.equal(run.cancelled, false);
  });

  it('tells a newly failing test from one that was already failing', async () => {
    const plan = await planChecks(project.dir);
    const baseline = await runChecks(plan, trusted);
    // A harmless change: the pre-existing failure stays, nothing new breaks.
    project.write({ 'test/extra.test.js': "require('node:test').test('extra', () => {});\n" });
    const harmless = compareRuns(baseline, await runChecks(plan, trusted));
    assert.equal(harmless.checks[0]!.verdict, 'still-failing', formatReport(harmless));
    assert.equal(harmless.ok, true);
    // A breaking change: a second test now fails.
    project.write({ 'test/extra.test.js': "require('node:test').test('extra', () => { throw new Error('broken by the change'); });\n" });
    const breaking = compareRuns(baseline, await runChecks(plan, trusted));
    const [check] = breaking.checks;
    assert.equal(check!.verdict, 'regressed');
    assert.deepEqual(check!.newFailures.map((failure) => [failure.testName, failure.file, failure.line, failure.message]), [['extra', 'test/extra.test.js', 1, 'broken by the change']]);
    assert.deepEqual(check!.persistingFailures.map((failure) => failure.testName), ['math > subtracts']);
    assert.equal(breaking.ok, false);
    assert.match(formatReport(breaking), /regressed {2}test: npm run test .* 1 new failure\n {6}- extra \(test\/extra\.test\.js:1:\d+\): broken by the change/);
  });
});

describe('runChecks process control', () => {
  const project = new VerifyFixture({
    // Prints its pid and a grandchild's, then hangs; both must be gone after a timeout or cancel.
    'hang.js': `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'console.log("pid=" + process.pid); setInterval(() => {}, 1000)'], { stdio: 'inherit' });
console.log('pid=' + process.pid);
setInterval(() => {}, 1000);
`,
    // Ignores SIGTERM, so only the SIGKILL after the grace period ends it.
    'stubborn.js': "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));\nconsole.log('pid=' + process.pid);\nsetInterval(() => {}, 1000);\n",
    // Exits at once, leaving a grandchild that holds the output pipe open.
    'orphan.js': `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
child.on('spawn', () => { console.log('pid=' + child.pid); process.exit(0); });
`,
    'loud.js': `const line = 'x'.repeat(1023) + '\\n';
process.stdout.write('HEAD-START\\n');
for (let i = 0; i < 2048; i++) process.stdout.write(line);
process.stdout.write('TAIL-END\\n');
process.exitCode = 1;
`,
    'env.js': 'console.log(JSON.stringify(process.env));\n',
    'color.js': "console.log('\\u001b[31mred\\u001b[0m plain'); process.exit(3);\n",
  });
  let savedKey: string | undefined;
  before(() => {
    savedKey = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-parent-secret-for-test';
  });
  after(() => {
    if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = savedKey;
    project.remove();
  });

  async function runOne(command: string, options: { timeoutMs?: number; signal?: AbortSignal; onStart?: () => void } = {}): Promise<CheckResult> {
    const plan = await planChecks(project.dir, { configured: [{ name: 'check', command, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }] });
    const run = await runChecks(plan, { ...trusted, ...(options.signal ? { signal: options.signal } : {}), onCheckStart: options.onStart });
    return run.results[0]!;
  }

  it('kills a hanging check and its whole process tree at the timeout', async () => {
    const started = performance.now();
    const result = await runOne(`${node} hang.js`, { timeoutMs: 700 });
    assert.equal(result.status, 'timed-out');
    assert.ok(performance.now() - started < 5000, 'did not wait for the grace period twice or hang');
    assert.match(result.error ?? '', /Timed out after 700ms/);
    assert.match(result.failures.at(-1)!.message, /Timed out/);
    const pids = pidsIn(result.output);
    assert.equal(pids.length, 2, result.output);
    for (const pid of pids) assert.ok(await diesSoon(pid), `pid ${pid} survived`);
  });

  it('escalates to SIGKILL when a check ignores SIGTERM', async () => {
    if (process.platform === 'win32') return;
    // `exec` so the stubborn process leads the group itself rather than sitting under a shell.
    const result = await runOne(`exec ${node} stubborn.js`, { timeoutMs: 700 });
    assert.equal(result.status, 'timed-out');
    assert.match(result.output, /ignoring SIGTERM/);
    assert.equal(result.signal, 'SIGKILL');
    assert.ok(result.durationMs >= 950, `waited the grace period (${result.durationMs}ms)`);
    for (const pid of pidsIn(result.output)) assert.ok(await diesSoon(pid), `pid ${pid} survived`);
  });

  it('ends what a finished check left running, instead of waiting for it', async () => {
    const result = await runOne(`${node} orphan.js`, { timeoutMs: 20_000 });
    assert.equal(result.status, 'passed');
    assert.ok(result.durationMs < 5000, String(result.durationMs));
    const pids = pidsIn(result.output);
    assert.equal(pids.length, 1, result.output);
    assert.ok(await diesSoon(pids[0]!));
  });

  it('cancels through the AbortSignal, killing the tree and skipping the checks not reached', async () => {
    const controller = new AbortController();
    const plan = await planChecks(project.dir, { configured: [{ name: 'first', command: `${node} hang.js` }, { name: 'second', command: `${node} env.js` }] });
    const run = await runChecks(plan, { ...trusted, signal: controller.signal, onCheckStart: () => setTimeout(() => controller.abort(), 500) });
    assert.deepEqual(run.results.map((result) => result.status), ['cancelled', 'cancelled']);
    assert.equal(run.cancelled, true);
    assert.equal(run.results[1]!.durationMs, 0);
    const pids = pidsIn(run.results[0]!.output);
    assert.ok(pids.length >= 1, run.results[0]!.output);
    for (const pid of pids) assert.ok(await diesSoon(pid), `pid ${pid} survived`);
  });

  it('reports a command that does not exist as an error with a clear message', async () => {
    const result = await runOne('definitely-not-a-command-coevolve');
    assert.equal(result.status, 'error');
    assert.equal(result.exitCode, 127);
    assert.match(result.error ?? '', /Could not run "definitely-not-a-command-coevolve": definitely-not-a-command-coevolve is not installed/);
    assert.match(result.remedy ?? '', /Install definitely-not-a-command-coevolve or put it on PATH/);
    assert.match(result.failures[0]!.message, /not found/);
  });

  it('reports a missing program (ENOENT) as an error naming it', async () => {
    const goProject = new VerifyFixture({ 'go.mod': 'module example.com/x\n' });
    const savedPath = process.env.PATH;
    process.env.PATH = goProject.path('no-such-bin');
    try {
      const run = await runChecks(await planChecks(goProject.dir), trusted);
      const [result] = run.results;
      assert.equal(result!.status, 'error');
      assert.match(result!.error ?? '', /Could not start "go test \.\/\.\.\.": go was not found/);
    } finally {
      process.env.PATH = savedPath;
      goProject.remove();
    }
  });

  it('reports a working folder removed after planning as an error', async () => {
    const gone = new VerifyFixture({ 'package.json': packageJson({ test: 'node --test' }) });
    const plan = await planChecks(gone.dir);
    await rm(gone.dir, { recursive: true, force: true });
    const [result] = (await runChecks(plan, trusted)).results;
    assert.equal(result!.status, 'error');
    assert.match(result!.error ?? '', /does not exist/);
  });

  it('caps a 2 MB output to its head and tail', async () => {
    const result = await runOne(`${node} loud.js`);
    assert.equal(result.status, 'failed');
    assert.ok(result.output.startsWith('HEAD-START\n'));
    assert.ok(result.output.trimEnd().endsWith('TAIL-END'));
    assert.ok(result.droppedBytes > 1_900_000, String(result.droppedBytes));
    assert.ok(result.output.length < 140 * 1024, String(result.output.length));
    assert.match(result.output, /\[… [\d,]+ bytes of output dropped …\]/);
    assert.equal(result.failures[0]!.unparsed, true);
  });

  it('runs the child without the parent\u2019s secrets, with plain CI output settings', async () => {
    assert.equal(process.env.OPENAI_API_KEY, 'sk-parent-secret-for-test');
    const result = await runOne(`${node} env.js`);
    assert.equal(result.status, 'passed');
    const env = JSON.parse(result.output) as Record<string, string>;
    assert.equal(env.OPENAI_API_KEY, undefined);
    assert.doesNotMatch(result.output, /sk-parent-secret-for-test/);
    assert.equal(env.CI, '1');
    assert.equal(env.NO_COLOR, '1');
    assert.equal(env.NODE_TEST_CONTEXT, undefined);
    assert.deepEqual(result.failures, []);
  });

  it('strips ANSI escapes from the output', async () => {
    const result = await runOne(`${node} color.js`);
    assert.equal(result.status, 'failed');
    assert.equal(result.exitCode, 3);
    assert.equal(result.output, 'red plain\n');
    assert.deepEqual(result.failures, [{ message: 'red plain', unparsed: true }]);
  });
});
