import type { VerificationReport } from '../verify/compare.ts';
import { failureKey } from '../verify/failureKey.ts';
import { markUntrusted } from '../memory/untrustedText.ts';

const MAX_FAILURES = 15;
const MAX_MESSAGE = 600;
const MAX_STACK = 600;

/** The failures the change is blamed for, keyed so rounds can be compared. */
export function newFailureKeys(report: VerificationReport): Set<string> {
  return new Set(report.checks.flatMap((check) => check.newFailures.map((failure) => `${check.id}:${failureKey(failure)}`)));
}

/**
 * The failures the change introduced, structured and capped, as untrusted data (test output can
 * carry any text). Checks that broke without a parsed failure (a timeout) are named too.
 */
export function renderNewFailures(report: VerificationReport): string {
  const lines: string[] = [];
  let shown = 0;
  for (const check of report.checks) {
    if (check.verdict === 'pass' || check.verdict === 'fixed' || check.verdict === 'still-failing') continue;
    lines.push(`Check "${check.id}" (${check.command}): ${check.verdict}${check.after?.error ? ` — ${check.after.error}` : ''}`);
    for (const failure of check.newFailures) {
      if (shown++ >= MAX_FAILURES) break;
      const where = failure.file ? `${failure.file}${failure.line ? `:${failure.line}` : ''}` : '';
      lines.push(`- ${failure.testName ?? '(no test name)'}${where ? ` at ${where}` : ''}: ${failure.message.slice(0, MAX_MESSAGE)}`);
      if (failure.stackExcerpt) lines.push(`  ${failure.stackExcerpt.slice(0, MAX_STACK).replace(/\n/g, '\n  ')}`);
    }
  }
  const total = report.newFailureCount;
  if (total > MAX_FAILURES) lines.push(`(${total - MAX_FAILURES} more new failures not shown)`);
  return markUntrusted(lines.join('\n') || report.reasons.join('\n'), 'check output');
}
