import type { CheckKind } from './checkSpec.ts';
import type { CheckResult, CheckRun, CheckStatus, StructuredFailure } from './checkResult.ts';
import { failureKey } from './failureKey.ts';

/**
 * Per check, comparing the run before a change with the run after it:
 * - pass: passed after, and before (or there was no before).
 * - fixed: passed after; did not pass before.
 * - still-failing: failed before and after, and every failure after was already there before.
 * - regressed: passed before and did not after; or failed both times with at least one new
 *   failure; or ran to a result before (passed/failed) but timed out or could not start after.
 * - no-baseline: failed after, but before it never produced a result (timed out, could not
 *   start, or was not run), so no failure can be shown to predate the change.
 * - broken-before-and-after: timed out or could not start, both times. Nothing to attribute.
 * - cancelled: either run was cancelled.
 * - not-rerun: ran before, missing from the run after.
 */
export type CheckVerdict = 'pass' | 'fixed' | 'still-failing' | 'regressed' | 'no-baseline' | 'broken-before-and-after' | 'cancelled' | 'not-rerun';

export interface CheckComparison {
  id: string;
  kind: CheckKind;
  command: string;
  verdict: CheckVerdict;
  before?: CheckResult;
  after?: CheckResult;
  /** Failures after the change that were not there before: the ones the change is blamed for. */
  newFailures: StructuredFailure[];
  /** Failures after the change that were already there before. */
  persistingFailures: StructuredFailure[];
  /** Failures before the change that are gone after it. */
  fixedFailures: StructuredFailure[];
}

export interface VerificationReport {
  /**
   * True exactly when:
   * 1. at least one check ran to a result after the change (status passed or failed), and
   * 2. every check's verdict is pass, fixed, still-failing or broken-before-and-after.
   * So: nothing regressed, every failure after the change was already failing (same test, or
   * same file and message) before it, nothing was cancelled or skipped, and something was
   * actually verified. A check broken both times does not block (the change cannot be blamed)
   * but is named in `reasons`.
   */
  ok: boolean;
  /** One line per thing that made `ok` false, or that a reader should know (broken checks). */
  reasons: string[];
  checks: CheckComparison[];
  counts: Record<CheckVerdict, number>;
  newFailureCount: number;
}

const ACCEPTED: ReadonlySet<CheckVerdict> = new Set(['pass', 'fixed', 'still-failing', 'broken-before-and-after']);

/** Compares a baseline run (before the change) with the run after it. */
export function compareRuns(before: CheckRun, after: CheckRun): VerificationReport {
  const beforeById = new Map(before.results.map((result) => [result.id, result]));
  const checks: CheckComparison[] = after.results.map((result) => compareCheck(beforeById.get(result.id), result));
  const afterIds = new Set(after.results.map((result) => result.id));
  for (const result of before.results) {
    if (afterIds.has(result.id)) continue;
    checks.push({ id: result.id, kind: result.kind, command: result.command, verdict: 'not-rerun', before: result, newFailures: [], persistingFailures: [], fixedFailures: [] });
  }

  const counts = Object.fromEntries(VERDICTS.map((verdict) => [verdict, 0])) as Record<CheckVerdict, number>;
  for (const check of checks) counts[check.verdict]++;
  const reasons = checks.map(reasonFor).filter((reason) => reason !== undefined);
  const verified = checks.some((check) => check.after?.status === 'passed' || check.after?.status === 'failed');
  if (!verified) reasons.unshift(checks.length === 0 ? 'No checks to run.' : 'No check ran to a result after the change.');
  return {
    ok: verified && checks.every((check) => ACCEPTED.has(check.verdict)),
    reasons,
    checks,
    counts,
    newFailureCount: checks.reduce((sum, check) => sum + check.newFailures.length, 0),
  };
}

const VERDICTS: readonly CheckVerdict[] = ['pass', 'fixed', 'still-failing', 'regressed', 'no-baseline', 'broken-before-and-after', 'cancelled', 'not-rerun'];

function compareCheck(before: CheckResult | undefined, after: CheckResult): CheckComparison {
  const base = { id: after.id, kind: after.kind, command: after.command, after, ...(before ? { before } : {}) };
  const none = { newFailures: [], persistingFailures: [], fixedFailures: [] };
  const beforeFailures = before?.failures ?? [];
  if (before?.status === 'cancelled' || after.status === 'cancelled') return { ...base, ...none, verdict: 'cancelled' };
  if (after.status === 'passed') {
    return { ...base, ...none, fixedFailures: [...beforeFailures], verdict: before === undefined || before.status === 'passed' ? 'pass' : 'fixed' };
  }
  const usableBefore = before?.status === 'passed' || before?.status === 'failed';
  if (!usableBefore) {
    if (after.status === 'failed') return { ...base, ...none, newFailures: [...after.failures], verdict: 'no-baseline' };
    return { ...base, ...none, newFailures: [...after.failures], verdict: before === undefined ? 'no-baseline' : 'broken-before-and-after' };
  }
  const diff = diffFailures(before.status === 'failed' ? beforeFailures : [], after.failures);
  // It produced a result before; a timeout or a start failure now is the change's doing.
  if (before.status === 'passed' || after.status !== 'failed') return { ...base, ...diff, newFailures: diff.newFailures.length > 0 ? diff.newFailures : [...after.failures], verdict: 'regressed' };
  return { ...base, ...diff, verdict: diff.newFailures.length > 0 ? 'regressed' : 'still-failing' };
}

/** Multiset difference by `failureKey`: two identical failures before excuse at most two after. */
export function diffFailures(before: readonly StructuredFailure[], after: readonly StructuredFailure[]): Pick<CheckComparison, 'newFailures' | 'persistingFailures' | 'fixedFailures'> {
  const remaining = new Map<string, StructuredFailure[]>();
  for (const failure of before) {
    const key = failureKey(failure);
    remaining.set(key, [...(remaining.get(key) ?? []), failure]);
  }
  const newFailures: StructuredFailure[] = [];
  const persistingFailures: StructuredFailure[] = [];
  for (const failure of after) {
    const match = remaining.get(failureKey(failure));
    if (match && match.length > 0) {
      match.shift();
      persistingFailures.push(failure);
    } else {
      newFailures.push(failure);
    }
  }
  return { newFailures, persistingFailures, fixedFailures: [...remaining.values()].flat() };
}

function reasonFor(check: CheckComparison): string | undefined {
  const name = `${check.id} (${check.command})`;
  const status = (result: CheckResult | undefined): CheckStatus | 'missing' => result?.status ?? 'missing';
  switch (check.verdict) {
    case 'regressed':
      return check.before?.status === 'passed' || check.after?.status !== 'failed'
        ? `${name} ${describe(status(check.before))} before the change and ${describe(status(check.after))} after it.`
        : `${name} has ${plural(check.newFailures.length, 'new failure')} after the change.`;
    case 'no-baseline':
      return `${name} failed after the change, and before it ${describe(status(check.before))}, so no failure can be shown to predate the change.`;
    case 'broken-before-and-after':
      return `${name} ${describe(status(check.before))} before and ${describe(status(check.after))} after the change; it verified nothing.`;
    case 'cancelled':
      return `${name} was cancelled.`;
    case 'not-rerun':
      return `${name} was not run after the change.`;
    default:
      return undefined;
  }
}

function describe(status: CheckStatus | 'missing'): string {
  switch (status) {
    case 'passed':
      return 'passed';
    case 'failed':
      return 'failed';
    case 'timed-out':
      return 'timed out';
    case 'cancelled':
      return 'was cancelled';
    case 'error':
      return 'could not run';
    case 'missing':
      return 'was not run';
  }
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
