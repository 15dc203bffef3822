import { CoevolveError } from '../errors.ts';
import type { CheckResult, CheckRun } from '../verify/checkResult.ts';
import { resolveTargets } from '../verify/targets.ts';
import type { Target, TargetRequest } from '../verify/targets.ts';

/**
 * What the baseline run says before any model is asked anything. A test check that could not run
 * (or hung) before the change can verify nothing after it, so the task stops here with the reason
 * and the remedy; a lint or type check that could not run only loses its say, with a note.
 */
export function checkBaseline(baseline: CheckRun): { notes: string[] } {
  const broken = baseline.results.filter((r) => r.status === 'error' || r.status === 'timed-out');
  const blocking = broken.filter((r) => r.kind === 'test' || r.kind === 'custom');
  const ranToResult = baseline.results.some((r) => r.status === 'passed' || r.status === 'failed');
  if (blocking.length || (baseline.results.length && !ranToResult)) {
    const shown = blocking.length ? blocking : broken;
    throw new CoevolveError('checks-cannot-run', `The project's checks could not run before any change, so no change could be verified:\n${shown.map(describe).join('\n')}`, {
      hint: [...new Set(shown.map(remedyOf))].join(' '),
    });
  }
  return { notes: broken.map((r) => `${describe(r).trim()} It will not verify this change.`) };
}

/**
 * Pins the task's targets to the baseline. A test the user named that the baseline does not show
 * failing is an error (there is nothing to prove fixed, or the name is wrong); a problem from the
 * editor that no check reports becomes a note, and the change is judged without it.
 */
export function baselineTargets(requests: readonly TargetRequest[], baseline: CheckRun): { targets: Target[]; notes: string[] } {
  const { targets, unmatched } = resolveTargets(requests, baseline);
  const notes: string[] = [];
  for (const miss of unmatched) {
    const seen = miss.candidates.length ? ` Failing before the change: ${miss.candidates.map((c) => `"${c}"`).join(', ')}.` : ' No test failed before the change.';
    if (miss.request.kind === 'test') {
      throw new CoevolveError('bad-input', `The failing test "${miss.request.name}" matches no test that fails before the change.${seen}`, {
        hint: 'Name the test as the runner prints it (part of its name, its file, or file::name for pytest), or leave --failing-test out.',
      });
    }
    if (miss.request.kind === 'check' || miss.request.kind === 'tests') notes.push(`The check ${miss.request.checkId} (${miss.request.label}) did not fail before the change; it cannot prove the change.`);
    else notes.push(`No check reports the problem "${miss.request.message.split('\n')[0]!.slice(0, 160)}" in ${miss.request.file}; the change is judged by the checks as a whole.`);
  }
  return { targets, notes };
}

function describe(result: CheckResult): string {
  const why = result.status === 'timed-out' ? (result.error ?? 'It timed out.') : (result.error ?? 'It could not run.');
  return `  - ${result.id} (${result.command}): ${why}`;
}

function remedyOf(result: CheckResult): string {
  if (result.remedy) return result.remedy;
  return result.status === 'timed-out' ? 'Raise the check timeout (--check-timeout), or fix what makes the tests hang.' : 'Run the check by hand to see why it cannot run.';
}
