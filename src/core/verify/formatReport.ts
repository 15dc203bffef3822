import type { StructuredFailure } from './checkResult.ts';
import type { CheckComparison, VerificationReport } from './compare.ts';
import { plural } from './compare.ts';
import { formatMs } from './formatMs.ts';

export interface FormatOptions {
  /** Failures listed per check; the rest are counted. */
  maxFailures?: number;
}

/**
 * A short plain-text summary for the CLI and logs: the verdict, one line per check, and the new
 * failures (the ones the change is blamed for) with their locations and first message line.
 */
export function formatReport(report: VerificationReport, options: FormatOptions = {}): string {
  const maxFailures = options.maxFailures ?? 5;
  const lines: string[] = [headline(report)];
  const width = Math.max(0, ...report.checks.map((check) => check.verdict.length));
  for (const check of report.checks) {
    lines.push(`  ${check.verdict.padEnd(width)}  ${check.id}: ${check.command}${timing(check)}${detail(check)}`);
    const listed = check.verdict === 'still-failing' ? [] : check.newFailures;
    for (const failure of listed.slice(0, maxFailures)) lines.push(`      - ${describeFailure(failure)}`);
    if (listed.length > maxFailures) lines.push(`      … and ${listed.length - maxFailures} more`);
  }
  if (report.reasons.length > 0) lines.push('', ...report.reasons.map((reason) => `  ${reason}`));
  return lines.join('\n');
}

function headline(report: VerificationReport): string {
  const total = plural(report.checks.length, 'check');
  if (report.ok) {
    const parts = (['pass', 'fixed', 'still-failing', 'broken-before-and-after'] as const).filter((verdict) => report.counts[verdict] > 0).map((verdict) => `${report.counts[verdict]} ${verdict}`);
    return `Verification OK: no regressions (${total}: ${parts.join(', ')}).`;
  }
  if (report.newFailureCount > 0) return `Verification FAILED: ${plural(report.newFailureCount, 'new failure')} (${total}).`;
  return `Verification FAILED (${total}).`;
}

function timing(check: CheckComparison): string {
  if (!check.after) return '';
  return check.before ? ` (${formatMs(check.before.durationMs)} → ${formatMs(check.after.durationMs)})` : ` (${formatMs(check.after.durationMs)})`;
}

function detail(check: CheckComparison): string {
  switch (check.verdict) {
    case 'still-failing':
      return ` — ${plural(check.persistingFailures.length, 'failure')}, all failing before the change too`;
    case 'fixed':
      return check.fixedFailures.length > 0 ? ` — ${plural(check.fixedFailures.length, 'failure')} fixed` : '';
    case 'regressed':
    case 'no-baseline':
      return ` — ${plural(check.newFailures.length, 'new failure')}`;
    default:
      return check.after?.error ? ` — ${check.after.error}` : '';
  }
}

function describeFailure(failure: StructuredFailure): string {
  const where = failure.file ? `${failure.file}${failure.line ? `:${failure.line}${failure.column ? `:${failure.column}` : ''}` : ''}` : '';
  const message = failure.message.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  const clipped = message.length > 160 ? `${message.slice(0, 157)}…` : message;
  const head = [failure.testName, where && `(${where})`].filter(Boolean).join(' ');
  return head ? `${head}: ${clipped}` : clipped;
}
