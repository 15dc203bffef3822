import { CoevolveError } from '../errors.ts';
import type { CheckResult, CheckRun } from './checkResult.ts';
import type { CheckPlan, CheckSpec } from './checkSpec.ts';
import { assertMayRun } from './guards.ts';
import { scrubEnvironment } from './run/environment.ts';
import type { OutputLimit } from './run/outputCapture.ts';
import { runCheck } from './run/runCheck.ts';

export interface RunChecksOptions {
  /** From the host. False: nothing runs and this throws `workspace-untrusted`. */
  workspaceTrusted: boolean;
  /** Aborting kills the running check's process tree; checks not reached are reported cancelled. */
  signal?: AbortSignal;
  /** Run only these check ids (the rectifier re-running the one that failed). */
  only?: readonly string[];
  /** Head and tail kept of each check's output; 64 KiB each by default. */
  outputLimit?: OutputLimit;
  /** Between SIGTERM and SIGKILL on timeout or cancel; 2 s by default. */
  killGraceMs?: number;
  onCheckStart?: (check: CheckSpec) => void;
  onCheckEnd?: (result: CheckResult) => void;
}

/**
 * Runs a plan's checks one after another (they share the worktree, ports and caches, so running
 * them side by side would make them flaky). Takes only a plan from `planChecks`, so every command
 * is one the project or the user defined; refuses to run anything in an untrusted workspace.
 * A check's own failure is a result, not an exception; this throws only for the guards.
 */
export async function runChecks(plan: CheckPlan, options: RunChecksOptions): Promise<CheckRun> {
  assertMayRun(options.workspaceTrusted, { plan });
  const checks = options.only ? selectChecks(plan, options.only) : plan.checks;
  const { env } = scrubEnvironment();
  const startedAt = new Date();
  const started = performance.now();
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (options.signal?.aborted) {
      results.push(notReached(check));
      continue;
    }
    options.onCheckStart?.(check);
    const result = await runCheck(check, { workspaceTrusted: options.workspaceTrusted, env, signal: options.signal, outputLimit: options.outputLimit, killGraceMs: options.killGraceMs });
    results.push(result);
    options.onCheckEnd?.(result);
  }
  return {
    folder: plan.folder,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    results,
    cancelled: results.some((result) => result.status === 'cancelled'),
  };
}

function selectChecks(plan: CheckPlan, ids: readonly string[]): readonly CheckSpec[] {
  const unknown = ids.filter((id) => !plan.checks.some((check) => check.id === id));
  if (unknown.length > 0) throw new CoevolveError('bad-input', `No such check: ${unknown.join(', ')} (the plan has ${plan.checks.map((check) => check.id).join(', ') || 'none'}).`);
  return plan.checks.filter((check) => ids.includes(check.id));
}

function notReached(check: CheckSpec): CheckResult {
  return {
    id: check.id,
    kind: check.kind,
    source: check.source,
    command: check.display,
    cwd: check.cwd,
    status: 'cancelled',
    exitCode: null,
    signal: null,
    durationMs: 0,
    output: '',
    droppedBytes: 0,
    failures: [],
    error: 'Cancelled before it started.',
  };
}
