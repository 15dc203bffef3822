import type { CheckKind, CheckSource } from './checkSpec.ts';

/** One failing test, type error or lint error, as far as the output let us tell. */
export interface StructuredFailure {
  /** The test's name as the tool prints it (`math > adds`, `tests/test_x.py::test_y`, `TestAdd/case_1`). */
  testName?: string;
  /** Relative to the check's cwd when it lies inside it, with `/` separators. */
  file?: string;
  line?: number;
  column?: number;
  message: string;
  /** A few lines of stack or context, not the whole trace. */
  stackExcerpt?: string;
  /** Set when no parser recognised the output and `message` is just its tail. */
  unparsed?: true;
}

/**
 * - passed / failed: the command ran to completion (exit 0 / non-zero).
 * - timed-out / cancelled: we killed it (its process tree) at the deadline or on abort.
 * - error: it could not run the code's tests: it could not start (missing program or cwd, the
 *   shell's 126/127), a package or the runner is missing, the tests could not be collected, or
 *   every failure is a refused connection to a service that is not running. Never a verdict.
 */
export type CheckStatus = 'passed' | 'failed' | 'timed-out' | 'cancelled' | 'error';

export interface CheckResult {
  id: string;
  kind: CheckKind;
  source: CheckSource;
  /** The command as displayed. */
  command: string;
  cwd: string;
  status: CheckStatus;
  exitCode: number | null;
  /** The signal that ended the process, if any (ours on timeout/cancel, or a crash). */
  signal: string | null;
  durationMs: number;
  /** stdout and stderr interleaved, ANSI-stripped, capped (head and tail kept). */
  output: string;
  /** Bytes left out of `output` by the cap. */
  droppedBytes: number;
  /** Empty when passed. Never empty when failed, timed-out or error. */
  failures: StructuredFailure[];
  /** Tests the runner reported as passed, when it printed a summary this reads (see passCounts.ts). */
  passed?: number;
  /** Why it did not run to completion, for timed-out / cancelled / error. */
  error?: string;
  /** For error: what the user can do so that it runs (install the dependencies, start a service). */
  remedy?: string;
}

/** One pass over a plan's checks. */
export interface CheckRun {
  folder: string;
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  /** True when the signal aborted the run; checks not reached are reported as cancelled. */
  cancelled: boolean;
}

export interface ParseContext {
  /** The check's working folder, to make paths relative. */
  cwd: string;
}

/** Reads one tool's output format. Returns [] when the output is not in its format. */
export type FailureParser = (output: string, context: ParseContext) => StructuredFailure[];
