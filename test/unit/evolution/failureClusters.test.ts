import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterFailures } from '../../../src/core/evolution/failureClusters.ts';
import type { FailedRun, FailureRecord } from '../../../src/core/evolution/failureRecords.ts';
import { failureSignature, messageTemplate } from '../../../src/core/evolution/failureSignature.ts';
import { comparePair, gateVerdict } from '../../../src/core/evolution/gate.ts';
import type { PairOutcome, TrialResult } from '../../../src/core/evolution/decisionLog.ts';

function record(runId: string, message: string, extra: Partial<FailureRecord> = {}): FailureRecord {
  return { runId, task: `task of ${runId}`, round: 1, checkId: 'test', checkStatus: 'failed', failure: { message, testName: 'cart > total', file: 'src/cart/total.test.js' }, runStatus: 'failed', time: '2026-11-22T00:00:00Z', ...extra };
}

function run(runId: string, failures: FailureRecord[], status = 'failed'): FailedRun {
  return { runId, task: `task of ${runId}`, status, rounds: 1, failures };
}

describe('failure signatures', () => {
  it('masks what varies: quoted names, numbers, paths', () => {
    assert.equal(messageTemplate("TypeError: Cannot read properties of undefined (reading 'total')"), messageTemplate("TypeError: Cannot read properties of undefined (reading 'items')"));
    assert.equal(messageTemplate('Expected 3 to equal 4 in src/a/b.js'), 'Expected <n> to equal <n> in <path>');
    assert.notEqual(messageTemplate('Reduce of empty array with no initial value'), messageTemplate('x is not a function'));
  });

  it('names the error type from the message, a TypeScript code, a lint rule or an assertion', () => {
    assert.equal(failureSignature(record('a', 'TypeError: x is not a function')).errorType, 'TypeError');
    assert.equal(failureSignature({ checkId: 'typecheck', checkStatus: 'failed', failure: { message: "error TS2322: Type 'string' is not assignable to type 'number'." } }).errorType, 'TS2322');
    assert.equal(failureSignature({ checkId: 'lint', checkStatus: 'failed', failure: { message: "'x' is assigned a value but never used  no-unused-vars" } }).errorType, 'lint:no-unused-vars');
    assert.equal(failureSignature(record('a', 'Expected values to be strictly equal: 1 !== 2')).errorType, 'AssertionError');
    assert.equal(failureSignature({ checkId: 'test', checkStatus: 'timed-out', failure: { message: 'killed after 300 s' } }).errorType, 'test timed-out');
    assert.equal(failureSignature(record('a', 'TypeError: boom')).area, 'src/cart');
  });
});

describe('clusterFailures', () => {
  it('groups one signature across runs, needs min runs, and puts unresolved clusters first', () => {
    const runs = [
      run('r1', [record('r1', "TypeError: Cannot read properties of undefined (reading 'total')")]),
      run('r2', [record('r2', "TypeError: Cannot read properties of undefined (reading 'items')")], 'passed'),
      run('r3', [record('r3', 'AssertionError: expected 1 to equal 2'), record('r3', 'AssertionError: expected 5 to equal 7')]),
      run('r4', [record('r4', 'AssertionError: expected 3 to equal 9')]),
      run('r5', [record('r5', 'RangeError: invalid array length')]),
    ];
    const clusters = clusterFailures(runs);
    assert.deepEqual(clusters.map((c) => [c.signature.errorType, c.runs.length, c.unresolvedRuns]), [['AssertionError', 2, 2], ['TypeError', 2, 1]]);
    assert.equal(clusters[0]!.failures.length, 3);
    assert.equal(clusterFailures(runs, { minRuns: 1 }).length, 3, 'the single RangeError counts only with minRuns 1');
    assert.equal(clusters[0]!.id, clusterFailures([...runs].reverse())[0]!.id, 'ids are stable');
  });
});

describe('the replay gate', () => {
  const pass = (rounds = 1): TrialResult => ({ passed: true, rounds, reason: '' });
  const fail: TrialResult = { passed: false, rounds: 1, reason: 'checks fail' };
  const pair = (without: TrialResult, withCandidate: TrialResult): PairOutcome => ({ task: 't', source: 's', without, with: withCandidate, outcome: comparePair(without, withCandidate) });

  it('compares pairs: passing beats failing, then fewer rounds', () => {
    assert.equal(comparePair(fail, pass()), 'win');
    assert.equal(comparePair(pass(), fail), 'loss');
    assert.equal(comparePair(pass(2), pass(1)), 'win');
    assert.equal(comparePair(pass(1), pass(1)), 'tie');
    assert.equal(comparePair(fail, fail), 'tie');
  });

  it('accepts only when wins exceed losses and held-out is no worse', () => {
    assert.equal(gateVerdict([pair(fail, pass()), pair(fail, fail)], [pair(pass(), pass())]).accept, true);
    assert.equal(gateVerdict([pair(fail, pass()), pair(pass(), fail)], []).accept, false, 'one win, one loss');
    assert.equal(gateVerdict([], []).accept, false, 'no evidence');
    const broke = gateVerdict([pair(fail, pass())], [pair(pass(), fail), pair(fail, pass()), pair(pass(), fail)]);
    assert.equal(broke.accept, false);
    assert.match(broke.reason, /1\/3 passed with it, 2\/3 without/);
  });
});
