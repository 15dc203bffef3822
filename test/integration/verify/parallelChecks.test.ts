import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import type { CheckResult, CheckRun } from '../../../src/core/verify/checkResult.ts';
import type { CheckPlan } from '../../../src/core/verify/checkSpec.ts';
import { planChecks } from '../../../src/core/verify/plan.ts';
import { runChecks } from '../../../src/core/verify/runChecks.ts';
import { packageJson, VerifyFixture } from '../../helpers/verifyFixtures.ts';

/**
 * Real processes through the real package manager: each check is `npm run <name>` running span.js,
 * which writes when it started and ended to spans/<name>.json, talks on stdout and stderr with its
 * name on every line, and then passes, fails, or hangs with a grandchild.
 */
const SPAN = `const { mkdirSync, writeFileSync } = require('node:fs');
const { spawn } = require('node:child_process');
const [name, ms, mode] = process.argv.slice(2);
const start = Date.now();
mkdirSync('spans', { recursive: true });
console.log('pid=' + process.pid);
let tick = 0;
const talk = setInterval(() => {
  tick++;
  (tick % 2 ? process.stdout : process.stderr).write('[' + name + '] line ' + tick + '\\n');
  if (tick === 20) clearInterval(talk);
}, 10);
if (mode === 'hang') {
  // The grandchild says its pid, then marks the check as running.
  const grandchild = 'console.log("pid=" + process.pid); require("node:fs").writeFileSync(process.argv[1], process.argv[2]); setInterval(() => {}, 1000)';
  spawn(process.execPath, ['-e', grandchild, 'spans/' + name + '.json', JSON.stringify({ start, end: null })], { stdio: 'inherit' });
  setInterval(() => {}, 1000);
} else {
  setTimeout(() => {
    writeFileSync('spans/' + name + '.json', JSON.stringify({ start, end: Date.now() }));
    if (mode === 'fail') {
      process.stderr.write('[' + name + '] Error: broken on purpose\\n');
      process.exitCode = 1;
    }
  }, Number(ms));
}
`;

const trusted = { workspaceTrusted: true, killGraceMs: 300 } as const;
const fixtures: VerifyFixture[] = [];
after(() => fixtures.forEach((fixture) => fixture.remove()));

function project(scripts: Record<string, string>): VerifyFixture {
  const made = new VerifyFixture({ 'package.json': packageJson(scripts), 'span.js': SPAN });
  fixtures.push(made);
  return made;
}

interface Span {
  start: number;
  end: number | null;
}

function spans(fixture: VerifyFixture): Record<string, Span> {
  const dir = fixture.path('spans');
  if (!existsSync(dir)) return {};
  const found: Record<string, Span> = {};
  for (const file of readdirSync(dir)) {
    try {
      found[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Span;
    } catch {
      // Being written this moment: not there yet.
    }
  }
  return found;
}

function clearSpans(fixture: VerifyFixture): void {
  rmSync(fixture.path('spans'), { recursive: true, force: true });
}

/** Whether every span was running at one same moment: the latest start is before the earliest end. */
function allOverlap(list: readonly Span[]): boolean {
  return Math.max(...list.map((span) => span.start)) < Math.min(...list.map((span) => span.end ?? Infinity));
}

function pidsIn(output: string): number[] {
  return [...output.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
}

/** Processes (not zombies) whose working folder is `dir`: what a check left running there. Linux only. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== dir) continue;
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

async function noneLeftIn(dir: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  let left = processesIn(dir);
  for (let waited = 0; left.length > 0 && waited < 3000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = processesIn(dir);
  }
  return left;
}

/** The names span.js printed in a check's output. */
function speakers(result: CheckResult): Set<string> {
  return new Set([...result.output.matchAll(/^\[(\w+)\] /gm)].map((match) => match[1]!));
}

/**
 * A result with what differs from one run to the next taken out: its time, the pids, and the order
 * in which lines written to stdout and to stderr a few milliseconds apart reached us (two pipes).
 */
function comparable(result: CheckResult): CheckResult {
  const lines = (text: string): string => text.split('\n').filter((line) => !/^pid=\d+$/.test(line)).sort().join('\n');
  return { ...result, durationMs: 0, output: lines(result.output), failures: result.failures.map((failure) => ({ ...failure, message: lines(failure.message), ...(failure.stackExcerpt ? { stackExcerpt: lines(failure.stackExcerpt) } : {}) })) };
}

describe('runChecks: independent checks side by side', () => {
  it('runs the detected lint and typecheck while the tests run, each with its own output, reported in plan order', async () => {
    const fixture = project({ test: 'node span.js test 1500', typecheck: 'node span.js typecheck 1200', lint: 'node span.js lint 300' });
    const plan = await planChecks(fixture.dir);
    assert.deepEqual(plan.checks.map((check) => [check.id, check.parallel ?? false]), [['test', false], ['typecheck', true], ['lint', true]]);
    const events: string[] = [];
    const run = await runChecks(plan, { ...trusted, concurrency: 3, onCheckStart: (check) => events.push(`start ${check.id}`), onCheckEnd: (result) => events.push(`end ${result.id}`) });

    const recorded = spans(fixture);
    assert.ok(allOverlap([recorded.test!, recorded.typecheck!, recorded.lint!]), `the three ran at the same time: ${JSON.stringify(recorded)}`);
    const sum = run.results.reduce((total, result) => total + result.durationMs, 0);
    assert.ok(run.durationMs < sum, `the run (${run.durationMs} ms) took less than its checks one after another (${sum} ms)`);
    // The lint ended long before the tests, yet the reports keep the plan's order.
    assert.ok(recorded.lint!.end! < recorded.test!.end!, JSON.stringify(recorded));
    assert.deepEqual(events.filter((event) => event.startsWith('end')), ['end test', 'end typecheck', 'end lint']);
    assert.deepEqual(events.slice(0, 3).sort(), ['start lint', 'start test', 'start typecheck']);
    assert.deepEqual(run.results.map((result) => [result.id, result.status]), [['test', 'passed'], ['typecheck', 'passed'], ['lint', 'passed']]);
    for (const result of run.results) {
      assert.deepEqual([...speakers(result)], [result.id], `only ${result.id}'s own lines in its output:\n${result.output}`);
      const lines = result.output.split('\n').filter((line) => line.startsWith(`[${result.id}] line `));
      assert.equal(lines.length, 20, `all of ${result.id}'s stdout and stderr:\n${result.output}`);
    }
    assert.equal(run.cancelled, false);
  });

  it('keeps the tests in order, and a configured list in its order', async () => {
    // Two test runs (package.json and a configured one) never overlap; nor does anything in a plan the user configured.
    const fixture = project({ test: 'node span.js test 600', lint: 'node span.js lint 600' });
    const merged = await planChecks(fixture.dir, { configured: [{ name: 'e2e', command: 'node span.js e2e 600', kind: 'test' }], configuredMode: 'merge' });
    assert.deepEqual(merged.checks.map((check) => [check.id, check.parallel ?? false]), [['test', false], ['lint', false], ['e2e', false]]);
    await runChecks(merged, { ...trusted, concurrency: 3 });
    const recorded = spans(fixture);
    assert.ok(recorded.test!.end! <= recorded.lint!.start && recorded.lint!.end! <= recorded.e2e!.start, `one after another: ${JSON.stringify(recorded)}`);

    clearSpans(fixture);
    const listed = await planChecks(fixture.dir, { configured: ['node span.js second 400', 'node span.js first 400'], configuredMode: 'replace' });
    const started: string[] = [];
    await runChecks(listed, { ...trusted, concurrency: 3, onCheckStart: (check) => started.push(check.display) });
    assert.deepEqual(started, ['node span.js second 400', 'node span.js first 400']);
    const { first, second } = spans(fixture);
    assert.ok(second!.end! <= first!.start, 'the user\u2019s order, one after another');
  });

  it('reports a failing and a timing-out check exactly as when they ran one after another', async () => {
    const fixture = project({ test: 'node span.js test 600 fail', typecheck: 'node span.js typecheck 0 hang', lint: 'node span.js lint 300' });
    const plan = await planChecks(fixture.dir, { defaultTimeoutMs: 2000 });
    assert.ok(plan.checks[1]!.parallel && plan.checks[2]!.parallel);

    const inOrder = await runChecks(plan, { ...trusted, concurrency: 1 });
    const before = spans(fixture);
    assert.ok(before.test!.end! <= before.typecheck!.start, 'concurrency 1 runs them one after another');
    clearSpans(fixture);
    const beside = await runChecks(plan, { ...trusted, concurrency: 3 });
    const recorded = spans(fixture);
    assert.ok(allOverlap([recorded.test!, recorded.typecheck!, recorded.lint!]), JSON.stringify(recorded));

    assert.deepEqual(beside.results.map((result) => result.status), ['failed', 'timed-out', 'passed']);
    assert.deepEqual(beside.results.map(comparable), inOrder.results.map(comparable));
    const [failed, timedOut] = beside.results;
    assert.equal(failed!.exitCode, 1);
    assert.match(failed!.failures.at(-1)!.message, /broken on purpose/);
    assert.match(timedOut!.error ?? '', /^Timed out after 2s; its processes were killed\.$/);
    assert.deepEqual([...speakers(timedOut!)], ['typecheck']);
    const pids = pidsIn(timedOut!.output);
    assert.equal(pids.length, 2, timedOut!.output);
    assert.deepEqual(await noneLeftIn(fixture.dir), [], 'nothing the checks started is still running');
    assert.ok(beside.durationMs < inOrder.durationMs, `${beside.durationMs} ms side by side, ${inOrder.durationMs} ms in order`);
  });

  it('cancels every running check, killing each one\u2019s whole process tree', async () => {
    const fixture = project({ test: 'node span.js test 0 hang', typecheck: 'node span.js typecheck 0 hang', lint: 'node span.js lint 0 hang' });
    const plan = await planChecks(fixture.dir, { defaultTimeoutMs: 60_000 });
    const controller = new AbortController();
    // Abort once all three are running with their grandchildren (or after 10 s, when they never all start).
    const waitAll = (async () => {
      for (let waited = 0; waited < 10_000 && Object.keys(spans(fixture)).length < 3; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
    })();
    const started = performance.now();
    const run: CheckRun = await runChecks(plan, { ...trusted, concurrency: 3, signal: controller.signal });
    await waitAll;
    assert.ok(performance.now() - started < 15_000);
    assert.equal(run.cancelled, true);
    assert.deepEqual(run.results.map((result) => [result.id, result.status, result.error]), [
      ['test', 'cancelled', 'Cancelled; its processes were killed.'],
      ['typecheck', 'cancelled', 'Cancelled; its processes were killed.'],
      ['lint', 'cancelled', 'Cancelled; its processes were killed.'],
    ]);
    for (const result of run.results) assert.equal(pidsIn(result.output).length, 2, `${result.id} and its grandchild:\n${result.output}`);
    assert.deepEqual(await noneLeftIn(fixture.dir), [], 'no process of any check is left');
  });

  it('stops the checks running beside one whose caller threw, before passing the error on', async () => {
    const fixture = project({ test: 'node span.js test 0 hang', lint: 'node span.js lint 0 hang' });
    const plan = await planChecks(fixture.dir, { defaultTimeoutMs: 60_000 });
    const started = performance.now();
    await assert.rejects(
      runChecks(plan, {
        ...trusted,
        concurrency: 2,
        onCheckStart: (check) => {
          if (check.id === 'lint') throw new Error('the caller failed');
        },
      }),
      /the caller failed/,
    );
    assert.ok(performance.now() - started < 10_000);
    assert.deepEqual(await noneLeftIn(fixture.dir), [], 'the tests were stopped too');
  });

  it('reports checks not started when cancelled as before, when the concurrency leaves them waiting', async () => {
    const fixture = project({ test: 'node span.js test 0 hang', typecheck: 'node span.js typecheck 0 hang', lint: 'node span.js lint 0 hang' });
    const plan: CheckPlan = await planChecks(fixture.dir, { defaultTimeoutMs: 60_000 });
    const controller = new AbortController();
    const startedIds: string[] = [];
    const run = await runChecks(plan, {
      ...trusted,
      concurrency: 2,
      signal: controller.signal,
      onCheckStart: (check) => {
        startedIds.push(check.id);
        if (startedIds.length === 2) setTimeout(() => controller.abort(), 700);
      },
    });
    assert.deepEqual(startedIds, ['test', 'typecheck']);
    assert.deepEqual(run.results.map((result) => [result.id, result.status, result.durationMs === 0]), [['test', 'cancelled', false], ['typecheck', 'cancelled', false], ['lint', 'cancelled', true]]);
    assert.equal(run.results[2]!.error, 'Cancelled before it started.');
    assert.deepEqual(await noneLeftIn(fixture.dir), []);
  });
});
