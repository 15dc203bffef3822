import { markUntrusted } from '../memory/untrustedText.ts';
import type { StructuredFailure } from '../verify/checkResult.ts';
import type { Target, TargetOutcome } from '../verify/targets.ts';

const MAX_TARGETS = 8;
const MAX_FAILURES_EACH = 3;
const MAX_MESSAGE = 800;
const MAX_STACK = 800;

/**
 * The targets as the model needs them: each test's name, where it is, what it expected and got, and
 * a stack excerpt, as the baseline run printed them. Test output is data, so it is marked untrusted.
 */
export function renderTargets(targets: readonly Target[]): string {
  if (!targets.length) return '';
  const lines: string[] = [];
  for (const target of targets.slice(0, MAX_TARGETS)) {
    lines.push(`- ${target.label} (check "${target.checkId}")`);
    for (const failure of target.failures.slice(0, MAX_FAILURES_EACH)) lines.push(...describeFailure(failure));
  }
  if (targets.length > MAX_TARGETS) lines.push(`(${targets.length - MAX_TARGETS} more targets not shown)`);
  return `These fail now and must pass after the change (the change is proven only when they do; the tests themselves are verified as they are now, so editing them does not help):\n${markUntrusted(lines.join('\n'), 'baseline test output')}`;
}

/** For the rectifier: the targets the last change left failing, with how they fail now. */
export function renderStillFailing(outcomes: readonly TargetOutcome[]): string {
  const failing = outcomes.filter((o) => o.after !== 'passing');
  if (!failing.length) return '';
  const lines: string[] = [];
  for (const outcome of failing.slice(0, MAX_TARGETS)) {
    lines.push(`- ${outcome.target.label} (check "${outcome.target.checkId}"): ${outcome.after === 'failing' ? 'still fails' : 'could not be checked'}`);
    for (const failure of outcome.stillFailing.slice(0, MAX_FAILURES_EACH)) lines.push(...describeFailure(failure));
  }
  return `Targets that must pass but do not yet:\n${markUntrusted(lines.join('\n'), 'check output')}`;
}

/** When nothing demonstrates the task yet: what the team must do first. */
export const REPRODUCE_FIRST = [
  'No failing test demonstrates this task yet. Reproduce first: add a focused test, in the project\'s test folder and style,',
  'that fails on the current code because of the problem the task describes and passes once the change is made; then make it pass.',
  'The change is proven only by such a test: after the checks pass, the new test is run on the original code (where it must fail) and with the change (where it must pass).',
].join(' ');

function describeFailure(failure: StructuredFailure): string[] {
  const where = failure.file ? ` at ${failure.file}${failure.line ? `:${failure.line}${failure.column ? `:${failure.column}` : ''}` : ''}` : '';
  const out = [`    ${failure.testName ? `${failure.testName}${where}` : where.trim() || '(no location)'}: ${failure.message.slice(0, MAX_MESSAGE).replace(/\n/g, '\n      ')}`];
  if (failure.stackExcerpt) out.push(`      ${failure.stackExcerpt.slice(0, MAX_STACK).replace(/\n/g, '\n      ')}`);
  return out;
}
