// The Runs tab's host side on a real folder of runs: two produced by real solveTask runs (a real git
// repository, real `npm test`, the scripted model over HTTP), 2,000 more written by core's own
// Trajectory writer the way solveTask writes them, and the odd ones: a crash, a cancelled run, an
// evolution round's proposer, an empty folder, a torn summary. Plain Node: none of it imports vscode.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { solveTask } from '../../../src/core/agents/solveTask.ts';
import type { RunOrigin, RunSummary, Solution, SolveOptions, SolveStatus } from '../../../src/core/agents/solveTask.ts';
import { newRunId, Trajectory } from '../../../src/core/agents/trajectory.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { readFixes } from '../../../src/core/learning/fixExperience.ts';
import { recordRunOutcome } from '../../../src/core/learning/runOutcome.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { parseResult } from '../../../src/protocol/memoryPanel.ts';
import type { RunRow } from '../../../src/protocol/memoryPanel.ts';
import { runsHandlers } from '../../../src/extension/runsHandlers.ts';
import { RunsQuery } from '../../../src/extension/runsQuery.ts';
import { readRun } from '../../../src/extension/runsRecord.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { edit, finish, mathProject, planStep, teamModels } from '../../helpers/teamFixtures.ts';

const BULK = 2_000;
const EMPTY_TOTALS = { calls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, latencyMs: 0, costUsd: 0, costIncomplete: false, byRole: {} };

// Bulk run i: every 4th a replay, every 10th an evolution trial; every 3rd failed, the others passed.
const originOf = (i: number): RunOrigin => (i % 10 === 0 ? 'evolution' : i % 4 === 0 ? 'replay' : 'user');
const statusOf = (i: number): SolveStatus => (i % 3 === 0 ? 'failed' : 'passed');
const bulkId = (i: number): string => newRunId(new Date(Date.UTC(2025, 0, 1) + i * 60_000)).replace(/-[0-9a-f]{6}$/, `-${i.toString(16).padStart(6, '0')}`);

/** A finished run, written as solveTask writes one: task line, patch, summary, end line. */
function writeFinished(storeDir: string, id: string, fields: { task: string; origin: RunOrigin; status: SolveStatus; files?: string[]; tokens?: number }): void {
  const trajectory = new Trajectory(storeDir, id);
  trajectory.record({ type: 'task', text: fields.task, origin: fields.origin, memory: { experienceIds: [], files: [], skillIds: [], fixIds: [], tokens: 0 } });
  const files = fields.files ?? ['src/math.js'];
  trajectory.writeFile('patch.diff', files.map((path) => `--- a/${path}\n+++ b/${path}\n@@ -1 +1 @@\n-a\n+b\n`).join(''));
  const summary: RunSummary = {
    runId: id,
    task: fields.task,
    origin: fields.origin,
    status: fields.status,
    reason: fields.status === 'passed' ? "The project's checks pass." : 'The checks still fail after 2 rounds.',
    rounds: fields.status === 'passed' ? 1 : 2,
    plan: 'a plan',
    summary: 'a summary',
    files: files.map((path) => ({ path, status: 'modified' })),
    checks: [{ id: 'test', verdict: fields.status === 'passed' ? 'still-passing' : 'regressed', newFailures: 0 }],
    report: '',
    memory: { experienceIds: [], files: [], skillIds: [], fixIds: [] },
    headAtStart: undefined,
    accounting: { ...EMPTY_TOTALS, promptTokens: fields.tokens ?? 1_000, completionTokens: 200, costUsd: 0.0123 },
  };
  trajectory.writeFile('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  trajectory.record({ type: 'end', status: fields.status, reason: summary.reason });
}

/** Counts the run folders a query reads. */
function countingQuery(storeDir: string): { query: RunsQuery; reads: string[] } {
  const reads: string[] = [];
  const query = new RunsQuery(storeDir, (runsDir, id) => {
    reads.push(id);
    return readRun(runsDir, id);
  });
  return { query, reads };
}

function valid(page: unknown): void {
  const parsed = parseResult('listRuns', page);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
}

describe('the Runs tab over a real folder of 2,000+ runs', () => {
  let server: ScriptedModelServer;
  let repo: GitRepo;
  let storeDir: string;
  let sandboxes: string;
  let passed: Solution;
  let failed: Solution;
  const detected: Array<[string | undefined, string]> = [];
  const odd = { crashed: '', cancelled: '', evolution: '', empty: '', torn: '' };

  before(async () => {
    server = await ScriptedModelServer.start();
    repo = mathProject();
    storeDir = tempDir('coevolve-runs-store-');
    sandboxes = tempDir('coevolve-runs-sbx-');
    const options = async (task: string): Promise<SolveOptions> => ({
      workspace: await resolveWorkspace(repo.dir, storeDir),
      task: { text: task },
      models: teamModels(server.baseURL),
      secrets: () => undefined,
      policy: { workspaceTrusted: true, approveAll: false },
      sandboxBaseDir: sandboxes,
      modelTimeoutMs: 20_000,
    });

    // The oldest: the bulk, a minute apart from 2025-01-01, and the odd ones after them.
    for (let i = 0; i < BULK; i++) writeFinished(storeDir, bulkId(i), { task: `bulk task ${i}\nsecond line`, origin: originOf(i), status: statusOf(i) });
    const at = (day: number): string => newRunId(new Date(Date.UTC(2026, 0, day)));
    odd.crashed = at(1);
    new Trajectory(storeDir, odd.crashed).record({ type: 'task', text: 'a task whose process died', origin: 'user', memory: { experienceIds: [], files: [], skillIds: [], fixIds: [], tokens: 0 } });
    odd.cancelled = at(2);
    const cancelled = new Trajectory(storeDir, odd.cancelled);
    cancelled.record({ type: 'task', text: 'a task the user cancelled', origin: 'user', memory: { experienceIds: [], files: [], skillIds: [], fixIds: [], tokens: 0 } });
    cancelled.record({ type: 'end', status: 'cancelled', reason: 'The task was cancelled.' });
    odd.evolution = at(3);
    const evolution = new Trajectory(storeDir, odd.evolution);
    evolution.record({ type: 'task', text: 'Evolve the skill library from 1 failure cluster(s).', origin: 'evolution', memory: { experienceIds: [], files: [], skillIds: [], fixIds: [], tokens: 0 } });
    evolution.record({ type: 'end', status: 'done', reason: 'c1: accepted' });
    odd.empty = at(4);
    mkdirSync(join(storeDir, 'runs', odd.empty));
    odd.torn = at(5);
    const torn = new Trajectory(storeDir, odd.torn);
    torn.record({ type: 'task', text: 'a run whose summary was cut short', origin: 'user', memory: { experienceIds: [], files: [], skillIds: [], fixIds: [], tokens: 0 } });
    torn.writeFile('summary.json', '{"runId": "x", "task": "a run who');
    // Not runs: a stray file, and a folder whose name cannot be a run id.
    writeFileSync(join(storeDir, 'runs', 'notes.txt'), 'not a run');
    mkdirSync(join(storeDir, 'runs', 'has a space'));

    // The newest two: real solves.
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);'), finish('sum skips null'));
    const passedOptions = await options('sum should skip null values\n\nFiles the user pointed at: src/math.js');
    let announced: string | undefined;
    passed = await solveTask({ ...passedOptions, onEvent: (event) => void (event.type === 'run' && (announced ??= event.runId)) });
    detected.push([announced, passed.runId]);
    await passed.reject();
    server.scriptFor('gen', planStep({ rounds: 1 }));
    server.scriptFor('impl', edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.reduce((a, b) => a + b);'), finish('dropped the initial value'));
    const failedOptions = await options('make sum shorter');
    // Run ids are sortable to the second: the newer run starts in a later second, as real ones do.
    await new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1_000)));
    announced = undefined;
    failed = await solveTask({ ...failedOptions, onEvent: (event) => void (event.type === 'run' && (announced ??= event.runId)) });
    detected.push([announced, failed.runId]);
    await failed.reject();
  });

  after(async () => {
    await server.close();
    repo.remove();
    rmSync(storeDir, { recursive: true, force: true });
    rmSync(sandboxes, { recursive: true, force: true });
  });

  const TOTAL = BULK + 7;

  it('learns the run\'s id from its first event', () => {
    assert.equal(detected.length, 2);
    for (const [seen, actual] of detected) assert.equal(seen, actual);
  });

  it('unfiltered: the exact total, newest first, reading only the runs of the page', async () => {
    const { query, reads } = countingQuery(storeDir);
    const page = await query.page({}, 0, 50);
    valid(page);
    assert.equal(page.total, TOTAL);
    assert.equal(page.more, true);
    assert.equal(reads.length, 50, 'only the page is read');
    assert.deepEqual(page.runs.slice(0, 7).map((run) => run.id), [failed.runId, passed.runId, odd.torn, odd.empty, odd.evolution, odd.cancelled, odd.crashed]);

    const [latest, previous] = page.runs as [RunRow, RunRow];
    assert.equal(latest.task, 'make sum shorter');
    assert.equal(latest.status, 'failed');
    assert.equal(latest.origin, 'user');
    assert.equal(latest.rounds, 1);
    assert.deepEqual(latest.files, ['src/math.js']);
    assert.equal(latest.decidable, true);
    assert.equal(previous.task, 'sum should skip null values', 'the first line of the task');
    assert.equal(previous.status, 'passed');
    assert.equal(previous.fileCount, 1);
    assert.ok(previous.tokens > 0, 'tokens from the run\'s accounting');
    assert.equal(previous.hasLog && previous.hasPatch, true);
    assert.ok(Math.abs(previous.time - Date.now()) < 10 * 60_000, 'the time comes from the run id');

    const row = (id: string): RunRow => page.runs.find((run) => run.id === id)!;
    assert.deepEqual(pick(row(odd.crashed)), { task: 'a task whose process died', origin: 'user', status: 'unfinished', decidable: false, hasLog: true, hasPatch: false });
    assert.deepEqual(pick(row(odd.cancelled)), { task: 'a task the user cancelled', origin: 'user', status: 'cancelled', decidable: false, hasLog: true, hasPatch: false });
    assert.deepEqual(pick(row(odd.evolution)), { task: 'Evolve the skill library from 1 failure cluster(s).', origin: 'evolution', status: 'done', decidable: false, hasLog: true, hasPatch: false });
    assert.equal(row(odd.evolution).reason, 'c1: accepted');
    assert.deepEqual(pick(row(odd.empty)), { task: '(nothing was recorded)', origin: undefined, status: 'unfinished', decidable: false, hasLog: false, hasPatch: false });
    assert.deepEqual(pick(row(odd.torn)), { task: 'a run whose summary was cut short', origin: 'user', status: 'unfinished', decidable: false, hasLog: true, hasPatch: false });

    const deep = await query.page({}, 1_500, 50);
    valid(deep);
    assert.equal(reads.length, 100, 'a deep page reads its 50 runs, nothing before it');
    assert.equal(deep.runs[0]!.task, `bulk task ${BULK - 1 - (1_500 - 7)}`);
    const last = await query.page({}, TOTAL - 3, 50);
    assert.equal(last.runs.length, 3);
    assert.equal(last.more, false);
    assert.equal(last.runs.at(-1)!.task, 'bulk task 0');
  });

  it('filtered: reads newest first until the page is full, and keeps finished runs for the next query', async () => {
    const { query, reads } = countingQuery(storeDir);
    // The newest user run that passed is the real one, second in the list; one more match ends the scan.
    const first = await query.page({ origin: 'user', status: 'passed' }, 0, 1);
    valid(first);
    assert.deepEqual(first.runs.map((run) => run.id), [passed.runId]);
    assert.equal(first.runs[0]!.evidence, 'no-regressions', 'a real run that passed without a demonstrating test says so');
    assert.equal(first.more, true);
    assert.equal(first.total, undefined, 'the scan stopped before the oldest run');
    assert.ok(reads.length <= 50, `one batch is enough (read ${reads.length})`);

    const bulk = Array.from({ length: BULK }, (_, i) => i);
    const failedBulk = bulk.filter((i) => statusOf(i) === 'failed').length;
    const firstFailed = await query.page({ status: 'failed' }, 0, 200);
    valid(firstFailed);
    assert.equal(firstFailed.runs.length, 200);
    assert.equal(firstFailed.more, true);
    assert.equal(firstFailed.total, undefined);
    assert.ok(firstFailed.runs.every((run) => run.status === 'failed'));
    const lastFailed = await query.page({ status: 'failed' }, 600, 200);
    valid(lastFailed);
    assert.equal(lastFailed.total, failedBulk + 1, 'the scan reached the oldest run: the total is exact');
    assert.equal(lastFailed.runs.length, failedBulk + 1 - 600);
    assert.equal(lastFailed.more, false);
    const readsAfterScan = reads.length;

    const evolutionPage = await query.page({ origin: 'evolution' }, 0, 200);
    assert.equal(evolutionPage.total, bulk.filter((i) => originOf(i) === 'evolution').length + 1);
    assert.equal(evolutionPage.runs[0]!.id, odd.evolution, 'the proposer round, newest');
    const rereads = reads.slice(readsAfterScan);
    assert.deepEqual(new Set(rereads), new Set([odd.crashed, odd.cancelled, odd.evolution, odd.empty, odd.torn]), 'only runs without a summary are read again');

    const unfinished = await query.page({ status: 'unfinished' }, 0, 50);
    assert.deepEqual(unfinished.runs.map((run) => run.id), [odd.torn, odd.empty, odd.crashed]);
    assert.equal(unfinished.total, 3);
    const replays = await query.page({ origin: 'replay', status: 'passed' }, 0, 10);
    assert.ok(replays.runs.every((run) => run.origin === 'replay' && run.status === 'passed' && !run.decidable), 'replay runs are not the user\'s to judge');
    assert.ok(replays.runs.every((run) => run.evidence === 'no-regressions'), 'a summary from before evidence was recorded reads as no regressions');
    assert.ok(firstFailed.runs.every((run) => run.evidence === undefined), 'only passed runs carry evidence');
  });

  it('joins the user\'s decision from fixes.jsonl, and leaves live runs out', async () => {
    const { query } = countingQuery(storeDir);
    await recordRunOutcome(storeDir, passed.runId, 'accepted');
    const page = await query.page({}, 0, 5, new Set([failed.runId]));
    valid(page);
    assert.equal(page.total, TOTAL - 1);
    assert.equal(page.runs[0]!.id, passed.runId);
    assert.equal(page.runs[0]!.decision, 'accepted');
    assert.equal(page.runs[0]!.decidable, false);
  });

  it('records feedback only for a user\'s undecided finished run, after the user confirms', async () => {
    const asked: string[] = [];
    let answer = false;
    const live = new Set<string>();
    const handlers = runsHandlers(async () => storeDir, { live: () => live, confirmFeedback: async (run, outcome) => (asked.push(`${run.id}:${outcome}`), answer) });

    await assert.rejects(handlers.runFeedback({ runId: failed.runId, outcome: 'rejected' }), (error) => CoevolveError.is(error, 'cancelled'));
    assert.deepEqual(asked, [`${failed.runId}:rejected`]);
    assert.equal((await readFixes(storeDir)).some((fix) => fix.runId === failed.runId), false, 'nothing recorded without a yes');

    live.add(failed.runId);
    await assert.rejects(handlers.runFeedback({ runId: failed.runId, outcome: 'rejected' }), /not a finished task of yours/);
    live.clear();

    answer = true;
    const { run } = await handlers.runFeedback({ runId: failed.runId, outcome: 'rejected' });
    assert.equal(run.decision, 'rejected');
    assert.equal(run.decidable, false);
    const fix = (await readFixes(storeDir)).find((f) => f.id === `fix:${failed.runId}`);
    assert.equal(fix?.outcome, 'rejected');

    await assert.rejects(handlers.runFeedback({ runId: failed.runId, outcome: 'accepted' }), /already decided \(rejected\)/);
    await assert.rejects(handlers.runFeedback({ runId: bulkId(4), outcome: 'accepted' }), /not a finished task of yours/, 'a replay run');
    await assert.rejects(handlers.runFeedback({ runId: odd.crashed, outcome: 'accepted' }), /not a finished task of yours/);
    await assert.rejects(handlers.runFeedback({ runId: '20990101-000000-ffffff', outcome: 'accepted' }), /There is no run/);
    assert.equal(asked.length, 2, 'refused requests never reach the confirmation');

    const listed = await handlers.listRuns({ filter: {}, offset: 0, limit: 2 });
    assert.deepEqual(listed.runs.map((r) => r.decision), ['rejected', 'accepted']);
  });
});

function pick(row: RunRow): Pick<RunRow, 'task' | 'origin' | 'status' | 'decidable' | 'hasLog' | 'hasPatch'> {
  return { task: row.task, origin: row.origin, status: row.status, decidable: row.decidable, hasLog: row.hasLog, hasPatch: row.hasPatch };
}
