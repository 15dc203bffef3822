import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PanelSolveEvent } from '../../../src/extension/runsLive.ts';
import { LiveRuns, panelEvent } from '../../../src/extension/runsLive.ts';
import type { LiveChange } from '../../../src/extension/runsLive.ts';
import { MAX_LIVE_EVENTS, parseHostMessage, parseResult, parseWebviewMessage } from '../../../src/protocol/memoryPanel.ts';

const RUN = '20261122-021955-a1b2c3';
const row = {
  id: RUN,
  task: 'sum should skip null values',
  origin: 'user',
  status: 'passed',
  reason: "The project's checks pass.",
  rounds: 1,
  files: ['src/math.js'],
  fileCount: 1,
  tokens: 1_200,
  costUsd: 0.01,
  costIncomplete: false,
  time: Date.UTC(2026, 10, 22, 2, 19, 55),
  decidable: true,
  hasLog: true,
  hasPatch: true,
};

const notify = (name: string, params: unknown) => parseHostMessage({ type: 'notify', name, params });

describe('memory panel protocol: runs', () => {
  const listRuns = (params: unknown) => parseWebviewMessage({ type: 'request', id: 4, name: 'listRuns', params });

  it('accepts a page of runs with an origin and a status filter; refuses unknown values and whole-store pages', () => {
    assert.equal(listRuns({ filter: {}, offset: 0, limit: 50 }).ok, true);
    assert.equal(listRuns({ filter: { origin: 'evolution', status: 'unfinished' }, offset: 100, limit: 200 }).ok, true);
    for (const params of [
      { filter: { origin: 'robot' }, offset: 0, limit: 50 },
      { filter: { status: 'PASSED' }, offset: 0, limit: 50 },
      { filter: { decided: true }, offset: 0, limit: 50 },
      { filter: {}, offset: 0, limit: 201 },
      { filter: {}, offset: -1, limit: 50 },
      { offset: 0, limit: 50 },
    ]) {
      assert.equal(listRuns(params).ok, false, JSON.stringify(params));
    }
  });

  it('takes a run id only as a folder name: no separators, no `..`', () => {
    assert.equal(parseWebviewMessage({ type: 'request', id: 5, name: 'runFeedback', params: { runId: RUN, outcome: 'rejected' } }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'notify', name: 'openRunFile', params: { runId: RUN, file: 'log' } }).ok, true);
    for (const runId of ['..', '.', '../runs', 'a/b', 'a\\b', '', 'x'.repeat(101), 'run id']) {
      assert.equal(parseWebviewMessage({ type: 'notify', name: 'openRunFile', params: { runId, file: 'patch' } }).ok, false, runId);
      assert.equal(parseWebviewMessage({ type: 'request', id: 5, name: 'runFeedback', params: { runId, outcome: 'accepted' } }).ok, false, runId);
    }
    assert.equal(parseWebviewMessage({ type: 'notify', name: 'openRunFile', params: { runId: RUN, file: 'summary.json' } }).ok, false, 'only the log or the patch');
    assert.equal(parseWebviewMessage({ type: 'request', id: 5, name: 'runFeedback', params: { runId: RUN, outcome: 'edited' } }).ok, false, 'the tab decides accept or reject');
  });

  it('checks a page of runs: rows, a total only when known, and paths inside the workspace', () => {
    assert.equal(parseResult('listRuns', { runs: [row], total: 2_007, offset: 0, more: true }).ok, true);
    assert.equal(parseResult('listRuns', { runs: [{ ...row, status: 'unfinished', origin: undefined }], offset: 0, more: false }).ok, true, 'filtered pages may not know the total');
    assert.equal(parseResult('listRuns', { runs: [{ ...row, files: ['/etc/passwd'] }], offset: 0, more: false }).ok, false);
    assert.equal(parseResult('listRuns', { runs: [{ ...row, status: 'exploded' }], offset: 0, more: false }).ok, false);
    assert.equal(parseResult('listRuns', { runs: [{ ...row, extra: 1 }], offset: 0, more: false }).ok, false);
    assert.equal(parseResult('listRuns', { runs: Array.from({ length: 201 }, () => row), offset: 0, more: false }).ok, false);
    assert.equal(parseResult('runFeedback', { run: { ...row, decision: 'rejected', decidable: false } }).ok, true);
  });

  it('carries live runs and their events with every string bounded', () => {
    const live = { key: 'live-1', task: 'sum should skip null values', startedAt: Date.now(), state: 'running', events: [{ type: 'stage', stage: 'plan' }] };
    assert.equal(notify('liveRun', live).ok, true);
    assert.equal(notify('liveRuns', { runs: [live, { ...live, key: 'live-2', runId: RUN, state: 'proposed' }] }).ok, true);
    assert.equal(notify('runEvent', { key: 'live-1', event: { type: 'tool', round: 1, name: 'read_file', detail: 'src/math.js', ok: true } }).ok, true);
    assert.equal(notify('runEnded', { key: 'live-1', runId: RUN }).ok, true);
    assert.equal(notify('runEvent', { key: 'live-1', event: { type: 'note', text: 'x'.repeat(1_001) } }).ok, false, 'an unclipped note');
    assert.equal(notify('runEvent', { key: 'live-1', event: { type: 'shell', command: 'rm -rf /' } }).ok, false);
    assert.equal(notify('runEvent', { key: 'anything', event: { type: 'note', text: 'hi' } }).ok, false);
    assert.equal(notify('liveRun', { ...live, events: Array.from({ length: MAX_LIVE_EVENTS + 1 }, () => ({ type: 'note', text: 'x' })) }).ok, false);
    assert.equal(notify('liveRun', { ...live, state: 'finished' }).ok, false);
  });
});

describe('live runs: what the solve command reports, as the panel receives it', () => {
  const huge = 'y'.repeat(50_000);
  const everyKind: PanelSolveEvent[] = [
    { type: 'stage', stage: 'implement', round: 2, detail: huge },
    { type: 'checks', checks: Array.from({ length: 40 }, (_, i) => ({ id: `check-${i}${huge}`, command: huge })), notes: Array.from({ length: 30 }, () => huge) },
    { type: 'check', phase: 'after', round: 1, id: 'test', status: 'failed', durationMs: 1234, failures: 2 },
    { type: 'plan', plan: { summary: huge, steps: Array.from({ length: 50 }, () => ({ description: huge, files: [], symbols: [] })), checks: [], risks: [], team: { rounds: 3, tokenBudget: 1, implementerModel: 'implementer' } }, team: { generator: huge, implementer: 'impl', rectifier: 'rect' } },
    { type: 'tool', round: 1, name: 'edit_file', detail: huge, ok: false },
    { type: 'verdict', round: 1, ok: false, evidence: 'failed', text: huge },
    { type: 'diagnosis', round: 1, trigger: 'checks', strategy: 'revise-patch', rootCause: huge },
    { type: 'note', text: huge },
  ];

  it('clips every kind of SolveEvent so the protocol accepts it', () => {
    for (const event of everyKind) {
      const parsed = notify('runEvent', { key: 'live-1', event: panelEvent(event) });
      assert.ok(parsed.ok, `${event.type}: ${parsed.ok ? '' : parsed.error}`);
    }
    const note = panelEvent({ type: 'note', text: huge });
    assert.equal(note.type === 'note' && note.text.length, 1_000);
    assert.ok(note.type === 'note' && note.text.endsWith('…'), 'a clipped text says so');
  });

  it('streams a run from start to end, keeps its recent events, and hides its row while it is live', () => {
    const live = new LiveRuns();
    const changes: LiveChange[] = [];
    const subscription = live.subscribe((change) => changes.push(change));
    const run = live.start('sum should skip null values\n\nFiles the user pointed at: src/math.js');
    assert.deepEqual(live.snapshot().map((r) => [r.task, r.state]), [['sum should skip null values', 'running']]);
    assert.deepEqual([...live.runIds()], [], 'no folder known yet');
    run.identify(RUN);
    assert.deepEqual([...live.runIds()], [RUN]);
    for (let i = 0; i < MAX_LIVE_EVENTS + 25; i++) run.report({ type: 'tool', round: 1, name: 'read_file', detail: `file ${i}`, ok: true });
    const [snapshot] = live.snapshot();
    assert.equal(snapshot!.events.length, MAX_LIVE_EVENTS);
    assert.deepEqual(snapshot!.events.at(-1), { type: 'tool', round: 1, name: 'read_file', detail: `file ${MAX_LIVE_EVENTS + 24}`, ok: true });
    assert.ok(notify('liveRuns', { runs: live.snapshot() }).ok, 'a full snapshot is a valid message');
    run.propose(RUN);
    assert.equal(live.snapshot()[0]!.state, 'proposed');
    run.end();
    run.end();
    assert.deepEqual(live.snapshot(), []);
    assert.deepEqual([...live.runIds()], []);
    assert.deepEqual(
      changes.map((c) => c.type).filter((type, i, all) => type !== all[i - 1]),
      ['run', 'event', 'run', 'ended'],
    );
    assert.deepEqual(changes.at(-1), { type: 'ended', key: snapshot!.key, runId: RUN });
    subscription.dispose();
    live.start('another').end();
    assert.equal(changes.at(-1)!.type, 'ended', 'a disposed listener hears nothing more');
    assert.equal(changes.filter((c) => c.type === 'ended').length, 1);
  });
});
