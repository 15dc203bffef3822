import type { CheckResult, CheckRun } from '../verify/checkResult.ts';

/**
 * Why a replay task is not valid:
 * - passes-before: the commit's tests already pass at its parent (nothing to solve);
 * - fails-after: they still fail with the commit's source change (the verifier is unsound here);
 * - could-not-run: a test command could not test the code (missing runner or package, collection error);
 * - environment: the commit's dependencies could not be installed;
 * - no-test-command: no way to run the tests was found;
 * - timed-out: a run hit its deadline.
 */
export type ReplayInvalidReason = 'passes-before' | 'fails-after' | 'could-not-run' | 'environment' | 'no-test-command' | 'timed-out';

export interface ReplayInvalid {
  reason: ReplayInvalidReason;
  /** What happened and, where known, what to do about it. */
  detail: string;
}

export interface ReplayJudgement {
  failsBefore: boolean;
  passesAfter: boolean;
  invalid?: ReplayInvalid;
}

/**
 * The verdict on a task from its test runs at the parent (`before`) and with the commit's source
 * change (`after`). Valid only when the tests really fail before and really pass after.
 *
 * A check that could not test the code (`error`) before the change counts as failing only when
 * the change alone makes the same tests pass: the environment is identical in both runs, so what
 * stopped them (a test importing a function the commit adds) was the missing change. An `error`
 * after the change is never a pass.
 */
export function judgeReplay(before: CheckRun, after: CheckRun): ReplayJudgement {
  const passesAfter = after.results.length > 0 && after.results.every((r) => r.status === 'passed');
  const settled = before.results.every((r) => r.status === 'passed' || r.status === 'failed' || r.status === 'error');
  const failsBefore = settled && before.results.some((r) => r.status === 'failed' || (r.status === 'error' && passesAfter));
  const judgement: ReplayJudgement = { failsBefore, passesAfter };
  const invalid = whyInvalid(before, after, failsBefore, passesAfter);
  if (invalid) judgement.invalid = invalid;
  return judgement;
}

function whyInvalid(before: CheckRun, after: CheckRun, failsBefore: boolean, passesAfter: boolean): ReplayInvalid | undefined {
  if (failsBefore && passesAfter) return undefined;
  if (before.results.length === 0 || after.results.length === 0) return { reason: 'no-test-command', detail: 'No test check ran.' };
  const timedOut = before.results.find((r) => r.status === 'timed-out') ?? after.results.find((r) => r.status === 'timed-out');
  if (timedOut) return { reason: 'timed-out', detail: `"${timedOut.command}": ${timedOut.error ?? 'timed out'}` };
  // With the change the environment must let the tests run; before it, an error may be the missing change itself.
  const errored = after.results.find((r) => r.status === 'error');
  if (errored) return { reason: 'could-not-run', detail: `${errored.error ?? `"${errored.command}" could not run.`}${errored.remedy ? ` ${errored.remedy}` : ''}` };
  if (before.results.every((r) => r.status === 'passed')) {
    const passed = before.results.map((r) => `"${r.command}"`);
    return { reason: 'passes-before', detail: `The tests already pass at the parent, without the commit's source change (${passed.join(', ')} passed).` };
  }
  const failing = after.results.find((r) => r.status === 'failed');
  return { reason: 'fails-after', detail: `The tests still fail with the commit's source change${failing ? `: ${describeFailure(failing)}` : '.'}` };
}

function describeFailure(result: CheckResult): string {
  const failure = result.failures[0];
  if (!failure) return `"${result.command}" exited ${result.exitCode ?? result.signal}.`;
  const where = failure.testName ?? failure.file;
  const message = failure.message.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';
  const more = result.failures.length > 1 ? ` (and ${result.failures.length - 1} more)` : '';
  return `${where ? `${where}: ` : ''}${message}${more}`;
}
