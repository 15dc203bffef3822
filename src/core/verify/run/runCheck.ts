import type { CheckResult, CheckStatus, StructuredFailure } from '../checkResult.ts';
import type { CheckSpec } from '../checkSpec.ts';
import { assertMayRun } from '../guards.ts';
import { genericFailure, parseFailures, parseKnownFailures } from '../parsers/parseFailures.ts';
import { formatMs } from '../formatMs.ts';
import { plainText } from './ansi.ts';
import type { OutputLimit } from './outputCapture.ts';
import { scrubEnvironment } from './environment.ts';
import { runProcess } from './runProcess.ts';
import { classifyCannotRun } from './cannotRun.ts';
import { passedCount } from '../parsers/passCounts.ts';
import { statIfPresent } from '../../util/fsProbe.ts';

export interface RunCheckOptions {
  /** From the host; false throws `workspace-untrusted`. */
  workspaceTrusted: boolean;
  /** The scrubbed environment (see environment.ts); built here when not given. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  outputLimit?: OutputLimit;
  /** How long a check gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}


/** Shell exit statuses for "found but not executable" and "command not found". */
const CANNOT_RUN = new Map([
  [126, 'the command could not be executed (exit 126).'],
  [127, 'a command was not found (exit 127).'],
]);

/**
 * Runs one check to completion, deadline or abort. Throws only for the guards (untrusted
 * workspace, a spec not issued by `planChecks`); everything the check does is a `CheckResult`.
 */
export async function runCheck(spec: CheckSpec, options: RunCheckOptions): Promise<CheckResult> {
  assertMayRun(options.workspaceTrusted, { check: spec });
  const started = performance.now();
  const base = { id: spec.id, kind: spec.kind, source: spec.source, command: spec.display, cwd: spec.cwd };
  const finish = (status: CheckStatus, fields: Partial<CheckResult> = {}): CheckResult => ({
    ...base,
    status,
    exitCode: null,
    signal: null,
    output: '',
    droppedBytes: 0,
    failures: [],
    ...fields,
    durationMs: Math.round(performance.now() - started),
  });

  if (options.signal?.aborted) return finish('cancelled', { error: 'Cancelled before it started.' });
  const folder = await statIfPresent(spec.cwd).catch((error: unknown) => error as Error);
  if (folder instanceof Error || !folder?.isDirectory()) {
    const error = `Cannot run "${spec.display}": the folder ${spec.cwd} ${folder instanceof Error ? `cannot be read (${folder.message})` : 'does not exist'}.`;
    return finish('error', { error, failures: [{ message: error }] });
  }

  const env = spec.env ? { ...(options.env ?? scrubEnvironment().env), ...spec.env } : options.env;
  const outcome = await runProcess(spec.command, spec.cwd, { ...options, ...(env ? { env } : {}), timeoutMs: spec.timeoutMs });
  const output = plainText(outcome.capture.text());
  const common = { exitCode: outcome.exitCode, signal: outcome.signal, output, droppedBytes: outcome.capture.droppedBytes };
  const context = { cwd: spec.cwd };

  if (outcome.spawnError) {
    const error = describeSpawnError(spec, outcome.spawnError);
    const program = 'argv' in spec.command ? spec.command.argv[0] : 'the shell';
    return finish('error', { ...common, error, remedy: `Install ${program} or put it on PATH, then try again.`, failures: [{ message: error }] });
  }
  if (outcome.stoppedBy === 'timeout') {
    const error = `Timed out after ${formatMs(spec.timeoutMs)}; its processes were killed.`;
    return finish('timed-out', { ...common, error, failures: [...parseKnownFailures(output, context), { message: error }] });
  }
  if (outcome.stoppedBy === 'abort') return finish('cancelled', { ...common, error: 'Cancelled; its processes were killed.' });
  const passed = passedCount(output);
  const counted = passed === undefined ? {} : { passed };
  if (outcome.exitCode === 0) return finish('passed', { ...common, ...counted });
  const failures: StructuredFailure[] = parseFailures(output, context);
  const cannotRun = classifyCannotRun(output, outcome.exitCode, spec.cwd, failures);
  if (cannotRun || (outcome.exitCode !== null && CANNOT_RUN.has(outcome.exitCode))) {
    const error = `Could not run "${spec.display}": ${cannotRun?.error ?? CANNOT_RUN.get(outcome.exitCode!)}`;
    // The tool's own complaint (`sh: 1: jest: not found`, the import error) is in the output's tail.
    return finish('error', { ...common, error, ...(cannotRun ? { remedy: cannotRun.remedy } : {}), failures: [{ message: `${error}\n${genericFailure(output).message}` }] });
  }
  return finish('failed', { ...common, ...counted, failures });
}

function describeSpawnError(spec: CheckSpec, error: NodeJS.ErrnoException): string {
  const program = 'argv' in spec.command ? spec.command.argv[0] : spec.command.shell;
  if (error.code === 'ENOENT') return `Could not start "${spec.display}": ${program} was not found (is it installed and on PATH?).`;
  if (error.code === 'EACCES') return `Could not start "${spec.display}": ${program} is not executable.`;
  return `Could not start "${spec.display}": ${error.message}`;
}
