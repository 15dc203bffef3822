import pLimit from 'p-limit';
import { CoevolveError } from '../errors.ts';
import type { CheckResult, CheckRun } from './checkResult.ts';
import type { CheckPlan, CheckSpec } from './checkSpec.ts';
import { assertMayRun } from './guards.ts';
import { scrubEnvironment } from './run/environment.ts';
import type { OutputLimit } from './run/outputCapture.ts';
import { runCheck } from './run/runCheck.ts';
import { defaultCheckConcurrency, scheduleChecks } from './schedule.ts';

export interface RunChecksOptions {
  /** From the host. False: nothing runs and this throws `workspace-untrusted`. */
  workspaceTrusted: boolean;
  /** Aborting kills every running check's process tree; checks not started are reported cancelled. */
  signal?: AbortSignal;
  /** Run only these check ids (the rectifier re-running the one that failed). */
  only?: readonly string[];
  /** Head and tail kept of each check's output; 64 KiB each by default. */
  outputLimit?: OutputLimit;
  /** Between SIGTERM and SIGKILL on timeout or cancel; 2 s by default. */
  killGraceMs?: number;
  /** At most this many checks at once (see schedule.ts); the machine's cores, at most 3, by default. 1: one after another. */
  concurrency?: number;
  /** When a check starts (checks that run side by side start before the others end). */
  onCheckStart?: (check: CheckSpec) => void;
  /** When a check has ended and every check before it in the plan has been reported: always in plan order. */
  onCheckEnd?: (result: CheckResult) => void;
}

/**
 * Runs a plan's checks. The tests, and every check of a plan the user configured, run one after
 * another in plan order (they share the worktree, ports and caches, so running them side by side
 * would make them flaky); a lint or type check detection found to only read the tree runs beside
 * them (`CheckSpec.parallel`, schedule.ts), up to `concurrency` at once. Each check keeps its own
 * output, timeout and process tree, and the results come back in plan order whatever order they
 * finished in. Takes only a plan from `planChecks`, so every command is one the project or the
 * user defined; refuses to run anything in an untrusted workspace. A check's own failure is a
 * result, not an exception; this throws only for the guards.
 */
export async function runChecks(plan: CheckPlan, options: RunChecksOptions): Promise<CheckRun> {
  assertMayRun(options.workspaceTrusted, { plan });
  const checks = options.only ? selectChecks(plan, options.only) : plan.checks;
  const { env } = scrubEnvironment();
  const startedAt = new Date();
  const started = performance.now();
  const results: (CheckResult | undefined)[] = checks.map(() => undefined);
  const ran: boolean[] = checks.map(() => false);
  let reported = 0;
  const record = (index: number, result: CheckResult, didRun: boolean): void => {
    results[index] = result;
    ran[index] = didRun;
    // Reported in plan order: a lint that ends while the tests still run waits for them.
    for (; reported < checks.length && results[reported]; reported++) if (ran[reported]) options.onCheckEnd?.(results[reported]!);
  };
  const runOne = async (index: number, signal: AbortSignal | undefined): Promise<void> => {
    const check = checks[index]!;
    if (signal?.aborted) return record(index, notReached(check), false);
    options.onCheckStart?.(check);
    const result = await runCheck(check, { workspaceTrusted: options.workspaceTrusted, env, signal, outputLimit: options.outputLimit, killGraceMs: options.killGraceMs });
    record(index, result, true);
  };

  const concurrency = options.concurrency ?? defaultCheckConcurrency();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CoevolveError('bad-input', `The check concurrency must be a whole number of at least 1 (got ${concurrency}).`);
  const { inOrder, beside } = scheduleChecks(checks, concurrency);
  if (beside.length === 0) {
    for (const index of inOrder) await runOne(index, options.signal);
  } else {
    // Should anything throw while others run, stop them all before passing the error on: no check
    // may outlive the call that started it.
    const stopAll = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopAll.signal]) : stopAll.signal;
    const limit = pLimit(concurrency);
    const lanes = [
      // The checks in order hold one slot between them, and take it first: the tests are the long pole.
      ...(inOrder.length > 0 ? [limit(async () => { for (const index of inOrder) await runOne(index, signal); })] : []),
      ...beside.map((index) => limit(() => runOne(index, signal))),
    ].map((lane) => lane.catch((error: unknown) => {
      stopAll.abort();
      throw error;
    }));
    const settled = await Promise.allSettled(lanes);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return {
    folder: plan.folder,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    results: results as CheckResult[],
    cancelled: results.some((result) => result?.status === 'cancelled'),
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
