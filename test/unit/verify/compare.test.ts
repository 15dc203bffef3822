import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckResult, CheckRun, CheckStatus, StructuredFailure } from '../../../src/core/verify/checkResult.ts';
import { compareRuns, diffFailures } from '../../../src/core/verify/compare.ts';
import { failureKey } from '../../../src/core/verify/failureKey.ts';
import { formatReport } from '../../../src/core/verify/formatReport.ts';

function result(id: string, status: CheckStatus, failures: StructuredFailure[] = []): CheckResult {
  return { id, kind: 'test', source: 'detected:package.json', command: `npm run ${id}`, cwd: '/p', status, exitCode: status === 'passed' ? 0 : 1, signal: null, durationMs: 1200, output: '', droppedBytes: 0, failures };
}
function run(...results: CheckResult[]): CheckRun {
  return { folder: '/p', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 10, results, cancelled: results.some((r) => r.status === 'cancelled') };
}

const adds: StructuredFailure = { testName: 'math > adds', file: 'test/math.test.js', line: 8, message: 'Expected 3 to equal 4' };
const subtracts: StructuredFailure = { testName: 'math > subtracts', file: 'test/math.test.js', line: 12, message: 'Expected 1 to equal 2' };
const typeError: StructuredFailure = { file: 'src/a.ts', line: 3, column: 5, message: "TS2322: Type 'string' is not assignable to type 'number'." };

describe('failureKey', () => {
  it('matches a named test by name and file, ignoring the line and message', () => {
    assert.equal(failureKey(adds), failureKey({ ...adds, line: 30, message: 'Expected 5 to equal 4' }));
    assert.notEqual(failureKey(adds), failureKey({ ...adds, file: 'test/other.test.js' }));
  });

  it('matches a nameless failure by file and first message line, ignoring line and timings', () => {
    assert.equal(failureKey(typeError), failureKey({ ...typeError, line: 40, column: 1 }));
    assert.notEqual(failureKey(typeError), failureKey({ ...typeError, file: 'src/b.ts' }));
    assert.equal(failureKey({ message: 'Timed out (1200ms)' }), failureKey({ message: 'Timed out (3400ms)' }));
  });

  it('matches unparsed output with digits masked', () => {
    assert.equal(failureKey({ message: 'FAILED in 12.3s, 4 errors', unparsed: true }), failureKey({ message: 'FAILED in 9.1s, 5 errors', unparsed: true }));
    assert.notEqual(failureKey({ message: 'FAILED: disk full', unparsed: true }), failureKey({ message: 'FAILED: syntax error', unparsed: true }));
  });
});

describe('diffFailures', () => {
  it('treats failures as a multiset', () => {
    const diff = diffFailures([typeError], [typeError, { ...typeError, line: 9 }]);
    assert.equal(diff.persistingFailures.length, 1);
    assert.equal(diff.newFailures.length, 1);
    assert.equal(diff.fixedFailures.length, 0);
  });
});

describe('compareRuns', () => {
  it('pass and fixed are ok', () => {
    const report = compareRuns(run(result('test', 'passed'), result('lint', 'failed', [typeError])), run(result('test', 'passed'), result('lint', 'passed')));
    assert.deepEqual(report.checks.map((check) => check.verdict), ['pass', 'fixed']);
    assert.equal(report.checks[1]!.fixedFailures.length, 1);
    assert.equal(report.ok, true);
    assert.deepEqual(report.reasons, []);
  });

  it('does not blame the change for a test that was already failing', () => {
    const report = compareRuns(run(result('test', 'failed', [adds])), run(result('test', 'failed', [{ ...adds, line: 9 }])));
    assert.equal(report.checks[0]!.verdict, 'still-failing');
    assert.equal(report.checks[0]!.persistingFailures.length, 1);
    assert.equal(report.ok, true);
  });

  it('blames the change for a newly failing test, even in a check that was failing already', () => {
    const report = compareRuns(run(result('test', 'failed', [adds])), run(result('test', 'failed', [adds, subtracts])));
    const [check] = report.checks;
    assert.equal(check!.verdict, 'regressed');
    assert.deepEqual(check!.newFailures, [subtracts]);
    assert.deepEqual(check!.persistingFailures.map((failure) => failure.testName), ['math > adds']);
    assert.equal(report.ok, false);
    assert.equal(report.newFailureCount, 1);
    assert.match(report.reasons[0]!, /1 new failure/);
  });

  it('counts a check that passed before and fails, times out or cannot start after as regressed', () => {
    for (const status of ['failed', 'timed-out', 'error'] as const) {
      const report = compareRuns(run(result('test', 'passed')), run(result('test', status, [{ message: 'x' }])));
      assert.equal(report.checks[0]!.verdict, 'regressed', status);
      assert.equal(report.ok, false);
    }
    const hung = compareRuns(run(result('test', 'failed', [adds])), run(result('test', 'timed-out', [adds, { message: 'Timed out' }])));
    assert.equal(hung.checks[0]!.verdict, 'regressed', 'ran to a result before, hangs now');
  });

  it('has no baseline when the check could not run before', () => {
    const report = compareRuns(run(result('test', 'error', [{ message: 'npm not found' }])), run(result('test', 'failed', [adds])));
    assert.equal(report.checks[0]!.verdict, 'no-baseline');
    assert.equal(report.ok, false);
  });

  it('lets a check broken both times pass, as long as something else verified the change', () => {
    const broken = compareRuns(run(result('lint', 'error'), result('test', 'passed')), run(result('lint', 'error'), result('test', 'passed')));
    assert.deepEqual(broken.checks.map((check) => check.verdict), ['broken-before-and-after', 'pass']);
    assert.equal(broken.ok, true);
    assert.match(broken.reasons.join('\n'), /lint .* could not run before and could not run after/);
    const nothing = compareRuns(run(result('lint', 'error')), run(result('lint', 'timed-out')));
    assert.equal(nothing.ok, false);
    assert.match(nothing.reasons[0]!, /No check ran to a result/);
  });

  it('is not ok when cancelled, when a check was not re-run, or when there are no checks', () => {
    assert.equal(compareRuns(run(result('test', 'passed')), run(result('test', 'cancelled'))).ok, false);
    const partial = compareRuns(run(result('test', 'passed'), result('lint', 'passed')), run(result('test', 'passed')));
    assert.deepEqual(partial.checks.map((check) => check.verdict), ['pass', 'not-rerun']);
    assert.equal(partial.ok, false);
    assert.equal(compareRuns(run(), run()).ok, false);
  });
});

describe('formatReport', () => {
  it('summarises an ok run in a line per check', () => {
    const text = formatReport(compareRuns(run(result('test', 'failed', [adds]), result('lint', 'passed')), run(result('test', 'failed', [adds]), result('lint', 'passed'))));
    assert.equal(
      text,
      ['Verification OK: no regressions (2 checks: 1 pass, 1 still-failing).', '  still-failing  test: npm run test (1.2s → 1.2s) — 1 failure, all failing before the change too', '  pass           lint: npm run lint (1.2s → 1.2s)'].join('\n'),
    );
  });

  it('lists new failures with their locations, and the reasons', () => {
    const text = formatReport(compareRuns(run(result('test', 'failed', [adds])), run(result('test', 'failed', [adds, subtracts, typeError]))), { maxFailures: 1 });
    assert.equal(
      text,
      [
        'Verification FAILED: 2 new failures (1 check).',
        '  regressed  test: npm run test (1.2s → 1.2s) — 2 new failures',
        '      - math > subtracts (test/math.test.js:12): Expected 1 to equal 2',
        '      … and 1 more',
        '',
        '  test (npm run test) has 2 new failures after the change.',
      ].join('\n'),
    );
  });
});
