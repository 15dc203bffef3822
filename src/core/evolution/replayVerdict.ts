import type { CheckResult, CheckRun } from '../verify/checkResult.ts';
import { failureKey } from '../verify/failureKey.ts';
import { seenPassing } from '../verify/targets.ts';

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
  /**
   * When not every test passes with the change: the tests that fail before it and pass with it (by
   * name, per check). They alone are the task's targets; the others in those files fail either way
   * (the environment of today: another Node, another V8 message) and may not get worse.
   */
  failToPass?: { checkId: string; names: string[] }[];
  /** What was left out of the targets, for the user. */
  note?: string;
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
  if (failsBefore && !passesAfter) {
    const partial = failToPass(before, after);
    if (partial) return { failsBefore, passesAfter, failToPass: partial.targets, note: partial.note };
  }
  const invalid = whyInvalid(before, after, failsBefore, passesAfter);
  if (invalid) judgement.invalid = invalid;
  return judgement;
}

/**
 * SWE-bench's fail-to-pass set: named tests failing before the change and gone from the failures
 * after it, where every check ran to a result both times, nothing new fails after it, and (where
 * the runner counts passes) as many more tests pass as stopped failing. Undefined when there are none.
 */
function failToPass(before: CheckRun, after: CheckRun): { targets: { checkId: string; names: string[] }[]; note: string } | undefined {
  const ran = (r: CheckResult): boolean => r.status === 'passed' || r.status === 'failed';
  if (!before.results.every(ran) || !after.results.every(ran)) return undefined;
  const targets: { checkId: string; names: string[] }[] = [];
  let stillFailing = 0;
  for (const result of after.results) {
    const previous = before.results.find((r) => r.id === result.id);
    if (!previous) return undefined;
    const beforeKeys = new Set(previous.failures.map(failureKey));
    const afterKeys = new Set(result.failures.map(failureKey));
    // Anything new failing, or a failure we cannot name, and the test files are not a sound verifier.
    if ([...afterKeys].some((key) => !beforeKeys.has(key)) || result.failures.some((f) => !f.testName)) return undefined;
    const fixed = previous.failures.filter((f) => f.testName && !afterKeys.has(failureKey(f)));
    if (!seenPassing(previous.passed, result.passed, fixed.length)) return undefined;
    stillFailing += result.failures.length;
    if (fixed.length) targets.push({ checkId: result.id, names: [...new Set(fixed.map((f) => f.testName!))] });
  }
  if (!targets.length) return undefined;
  const count = targets.reduce((sum, t) => sum + t.names.length, 0);
  return { targets, note: `${count} test${count === 1 ? ' fails' : 's fail'} before the commit and pass${count === 1 ? 'es' : ''} with it (the targets); ${stillFailing} other${stillFailing === 1 ? '' : 's'} in the same files fail${stillFailing === 1 ? 's' : ''} either way here and ${stillFailing === 1 ? 'is' : 'are'} left out.` };
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
