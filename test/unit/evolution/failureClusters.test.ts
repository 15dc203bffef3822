import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterFailures } from '../../../src/core/evolution/failureClusters.ts';
import type { FailedRun, FailureRecord } from '../../../src/core/evolution/failureRecords.ts';
import { failureSignature, messageTemplate } from '../../../src/core/evolution/failureSignature.ts';
import { armResult, gateVerdict, scoreTask } from '../../../src/core/evolution/gate.ts';
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
  const pass: TrialResult = { passed: true, rounds: 1, reason: '' };
  const fail: TrialResult = { passed: false, rounds: 1, reason: 'checks fail' };
  const blind: TrialResult = { passed: false, rounds: 1, reason: 'no check could run', noEvidence: true };
  const k = (...runs: TrialResult[]): TrialResult[] => runs;
  const pair = (without: TrialResult[], withCandidate: TrialResult[]): PairOutcome => ({ task: 't', source: 's', without: armResult(without), with: armResult(withCandidate), outcome: scoreTask(without, withCandidate) });

  it('scores a task by how often each arm passes over its k solves', () => {
    assert.equal(scoreTask(k(fail, fail, fail), k(pass, pass, fail)), 'win');
    assert.equal(scoreTask(k(pass, pass, fail), k(pass, fail, fail)), 'loss');
    assert.equal(scoreTask(k(pass, fail, fail), k(fail, pass, fail)), 'tie', 'one lucky solve each');
    assert.equal(scoreTask(k(blind, blind, blind), k(pass, pass, pass)), 'no-evidence', 'nothing ran without it');
    assert.equal(armResult(k(pass, pass, fail)).passed, true, 'most of the solves passed');
    assert.equal(armResult(k(pass, fail, fail)).passed, false);
    assert.match(armResult(k(pass, fail, fail)).reason, /^1\/3 passed; e\.g\. checks fail/);
  });

  it('accepts only when held-out wins exceed losses and no held-out task that passed now fails', () => {
    assert.equal(gateVerdict([pair(k(fail, fail, fail), k(pass, pass, pass)), pair(k(fail, fail, fail), k(fail, fail, fail))]).decision, 'accept');
    assert.equal(gateVerdict([pair(k(fail, fail, fail), k(pass, pass, pass)), pair(k(pass, pass, fail), k(pass, fail, fail))]).decision, 'reject', 'it broke a task that passed');
    assert.equal(gateVerdict([pair(k(fail, fail, fail), k(fail, fail, fail))]).decision, 'reject', 'a candidate that changes nothing');
    const broke = gateVerdict([pair(k(fail, fail, fail), k(pass, pass, pass)), pair(k(fail, fail, fail), k(pass, pass, pass)), pair(k(pass, pass, pass), k(fail, fail, pass))]);
    assert.equal(broke.decision, 'reject');
    assert.match(broke.reason, /broke 1 held-out task that passed without it: t \(3\/3 passed without, 1\/3 passed with\)/);
  });

  it('decides nothing without evidence', () => {
    assert.equal(gateVerdict([]).decision, 'no-decision');
    const blindOnly = gateVerdict([pair(k(blind, blind, blind), k(pass, pass, pass))]);
    assert.equal(blindOnly.decision, 'no-decision');
    assert.match(blindOnly.reason, /^No decision: no evidence/);
  });
});
