import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_CREDIT_POINTS, MAX_SKILL_EVENTS, isCreditId, parseResult, parseWebviewMessage } from '../../../src/protocol/memoryPanel.ts';

const request = (name: string, params: unknown) => parseWebviewMessage({ type: 'request', id: 4, name, params });

describe('memory panel protocol: utility over time', () => {
  it('names memories as the credit log does: commit:<sha> or fix:<run id>', () => {
    for (const id of ['commit:abcdef1', `commit:${'a'.repeat(40)}`, 'fix:run-1', 'fix:20250101-120000-ab12.x']) assert.equal(isCreditId(id), true, id);
    for (const id of ['commit:XYZ', 'commit:abc', 'fix:', 'fix:..', 'fix:.', 'fix:a/b', 'fix:../x', 'skill:guard', `fix:${'r'.repeat(101)}`, 'commit:abcdef1\n']) assert.equal(isCreditId(id), false, id);
  });

  it('checks a history: Q within [-1, 1], a reward of ±1, at most the latest points', () => {
    const point = { at: 1_700_000_000, q: 0.3, reward: 1 };
    const series = (points: unknown[], count = points.length) => parseResult('creditHistory', { histories: [{ id: 'fix:run-1', count, points }] }).ok;
    assert.equal(series([point, { ...point, q: -0.2, reward: -1, quarantined: true }]), true);
    assert.equal(series([{ ...point, q: 1.5 }]), false);
    assert.equal(series([{ ...point, reward: 0 }]), false);
    assert.equal(series([]), false, 'an item without credits is left out, not sent empty');
    assert.equal(series(Array.from({ length: MAX_CREDIT_POINTS }, () => point), 5_000), true);
    assert.equal(series(Array.from({ length: MAX_CREDIT_POINTS + 1 }, () => point)), false);
    assert.equal(parseResult('creditHistory', { histories: [{ id: 'fix:run-1', count: 1, points: [point], extra: 1 }] }).ok, false);
  });
});

describe('memory panel protocol: skill lineage and actions', () => {
  it('a skill action may name a version: the one to roll back to, or the one reviewed', () => {
    assert.equal(request('skillAction', { name: 'guard-empty-input', action: 'rollback', version: 1 }).ok, true);
    assert.equal(request('skillAction', { name: 'guard-empty-input', action: 'approve', version: 2 }).ok, true);
    assert.equal(request('skillAction', { name: 'guard-empty-input', action: 'rollback' }).ok, true, 'without one: the parent');
    assert.equal(request('skillAction', { name: 'guard-empty-input', action: 'rollback', version: 0 }).ok, false);
    assert.equal(request('skillAction', { name: 'guard-empty-input', action: 'rollback', version: '1' }).ok, false);
    assert.equal(request('skillAction', { name: 'guard-empty-input', action: 'approve', approvedBy: 'me' }).ok, false, 'the host names the approver, not the page');
    assert.equal(request('skillLineage', { name: 'guard-empty-input' }).ok, true);
    assert.equal(request('skillLineage', { name: '../skills' }).ok, false);
  });

  const lineage = {
    name: 'guard-empty-input',
    versions: [
      { version: 1, parent: null, status: 'retired', description: 'd', current: false, stats: { uses: 2, accepted: 2, rejected: 0 }, provenance: { source: 'manual' } },
      { version: 2, parent: 1, status: 'active', description: 'd', current: true, stats: { uses: 3, accepted: 1, rejected: 2 }, approvedBy: 'ada' },
    ],
    history: [{ at: '2025-01-02T10:00:00.000Z', action: 'rollback', version: 1, from: 2, reason: 'r' }],
    historyTotal: 1,
    evolution: [
      { at: '2025-01-02T10:00:00.000Z', verdict: 'accepted', reason: 'wins 2 > losses 0', signature: 'TypeError', saved: { version: 2, status: 'active' }, runs: ['run-a'], pairs: 2, wins: 2, losses: 0, heldOut: 3, heldOutPassedWith: 3, heldOutPassedWithout: 2, safetyFindings: 0 },
    ],
    evolutionTotal: 1,
    safety: { version: 2, findings: [{ kind: 'network', detail: 'fetch https://example.com', where: 'SKILL.md:9' }], needsApproval: true, hasSecret: false },
    problems: [],
  };

  it('checks a lineage: known statuses and verdicts, whole counts, bounded lists', () => {
    assert.equal(parseResult('skillLineage', lineage).ok, true);
    assert.equal(parseResult('skillLineage', { ...lineage, safety: undefined }).ok, true, 'a scan that failed is left out (and named in problems)');
    assert.equal(parseResult('skillLineage', { ...lineage, evolution: [{ ...lineage.evolution[0], verdict: 'maybe' }] }).ok, false);
    assert.equal(parseResult('skillLineage', { ...lineage, versions: [{ ...lineage.versions[0], status: 'root' }] }).ok, false);
    assert.equal(parseResult('skillLineage', { ...lineage, versions: [{ ...lineage.versions[0], stats: { uses: -1, accepted: 0, rejected: 0 } }] }).ok, false);
    assert.equal(parseResult('skillLineage', { ...lineage, history: Array.from({ length: MAX_SKILL_EVENTS + 1 }, () => lineage.history[0]) }).ok, false);
    assert.equal(parseResult('skillLineage', { ...lineage, evolution: [{ ...lineage.evolution[0], reason: 'x'.repeat(2_001) }] }).ok, false, 'the host clips long reasons before sending');
    assert.equal(parseResult('skillLineage', { ...lineage, versions: [{ ...lineage.versions[0], parent: 0 }] }).ok, false);
  });
});
