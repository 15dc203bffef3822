import { plural } from './compare.ts';
import type { VerificationReport } from './compare.ts';
import type { TargetOutcome } from './targets.ts';

/**
 * How much a verdict is worth, strongest first:
 * - proven: every target failed before the change and passes with it, and nothing regressed;
 * - no-regressions: the checks ran and nothing regressed, but no test demonstrates the change;
 * - failed: something regressed, a target still fails, or the change is empty;
 * - unverified: no check could run to a result, so nothing is known either way.
 */
export type Evidence = 'proven' | 'no-regressions' | 'failed' | 'unverified';

export interface Verdict {
  evidence: Evidence;
  /** True for proven and no-regressions: the change may be offered as verified. */
  solved: boolean;
  /** One sentence a person reads first. */
  reason: string;
  targets: TargetOutcome[];
}

export interface VerdictInput {
  report: VerificationReport;
  targets: readonly TargetOutcome[];
  /** The change touched no file. */
  empty: boolean;
}

/**
 * The one place "it worked" is decided. A change that does nothing, or leaves a target failing, is
 * a failure whatever else passed; "proven" needs targets that moved from failing to passing.
 */
export function judge(input: VerdictInput): Verdict {
  const { report, empty } = input;
  const targets = [...input.targets];
  const make = (evidence: Evidence, reason: string): Verdict => ({ evidence, solved: evidence === 'proven' || evidence === 'no-regressions', reason, targets });
  if (empty) return make('failed', 'The change is empty: nothing was edited, so nothing was fixed.');
  const ranAfter = report.checks.some((check) => check.after?.status === 'passed' || check.after?.status === 'failed');
  if (!ranAfter) return make('unverified', report.reasons[0] ?? 'No check ran to a result after the change.');
  const failing = targets.filter((t) => t.after === 'failing');
  if (failing.length) return make('failed', `${plural(failing.length, 'target')} still ${failing.length === 1 ? 'fails' : 'fail'}: ${names(failing)}.`);
  if (!report.ok) return make('failed', report.reasons[0] ?? 'The change broke a check.');
  // Failures gone but the tests not seen passing: the change stopped them from running, which is no fix.
  const unseen = targets.filter((t) => t.after === 'unknown' && t.note);
  if (unseen.length) return make('failed', `${plural(unseen.length, 'target')} did not fail, but ${unseen.length === 1 ? 'was' : 'were'} not seen to pass either: ${names(unseen)} (${unseen[0]!.note}).`);
  const unknown = targets.filter((t) => t.after !== 'passing');
  if (unknown.length) return make('unverified', `${plural(unknown.length, 'target')} could not be checked after the change: ${names(unknown)}.`);
  const proven = targets.filter((t) => t.before === 'failing' && t.after === 'passing');
  if (targets.length && proven.length === targets.length) return make('proven', `Proven: ${plural(proven.length, 'target')} failed before the change and ${proven.length === 1 ? 'passes' : 'pass'} with it (${names(proven)}), and nothing regressed.`);
  return make('no-regressions', 'No regressions: the checks pass as before, but no test demonstrates the change.');
}

function names(outcomes: readonly TargetOutcome[]): string {
  const shown = outcomes.slice(0, 3).map((o) => `"${o.target.label.slice(0, 120)}"`);
  return outcomes.length > 3 ? `${shown.join(', ')} and ${outcomes.length - 3} more` : shown.join(', ');
}
