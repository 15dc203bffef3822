import { stat } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import type { CheckResult, CheckStatus, StructuredFailure } from '../checkResult.ts';
import type { CheckSpec } from '../checkSpec.ts';
import { assertMayRun } from '../guards.ts';
import { genericFailure, parseFailures, parseKnownFailures } from '../parsers/parseFailures.ts';
import { formatMs } from '../formatMs.ts';
import { plainText } from './ansi.ts';
import { scrubEnvironment } from './environment.ts';
import { DEFAULT_OUTPUT_LIMIT, OutputCapture } from './outputCapture.ts';
import type { OutputLimit } from './outputCapture.ts';
import { killLeftovers, killTree, spawnCheck } from './processTree.ts';

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

export const DEFAULT_KILL_GRACE_MS = 2000;
/** After the main process exits, how long to wait for its pipes to close before giving up on them. */
const DRAIN_MS = 1000;

/** Shell exit statuses for "found but not executable" and "command not found". */
const CANNOT_RUN = new Map([
  [126, 'the command could not be executed (exit 126)'],
  [127, 'a command was not found (exit 127)'],
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
  const folder = await stat(spec.cwd).catch(() => undefined);
  if (!folder?.isDirectory()) {
    const error = `Cannot run "${spec.display}": the folder ${spec.cwd} does not exist.`;
    return finish('error', { error, failures: [{ message: error }] });
  }

  const outcome = await execute(spec, options);
  const output = plainText(outcome.capture.text());
  const common = { exitCode: outcome.exitCode, signal: outcome.signal, output, droppedBytes: outcome.capture.droppedBytes };
  const context = { cwd: spec.cwd };

  if (outcome.spawnError) {
    const error = describeSpawnError(spec, outcome.spawnError);
    return finish('error', { ...common, error, failures: [{ message: error }] });
  }
  if (outcome.stoppedBy === 'timeout') {
    const error = `Timed out after ${formatMs(spec.timeoutMs)}; its processes were killed.`;
    return finish('timed-out', { ...common, error, failures: [...parseKnownFailures(output, context), { message: error }] });
  }
  if (outcome.stoppedBy === 'abort') return finish('cancelled', { ...common, error: 'Cancelled; its processes were killed.' });
  if (outcome.exitCode === 0) return finish('passed', common);
  const cannotRun = outcome.exitCode === null ? undefined : CANNOT_RUN.get(outcome.exitCode);
  if (cannotRun) {
    const error = `Could not run "${spec.display}": ${cannotRun}.`;
    // The shell's own complaint (`sh: 1: jest: not found`) is in the output's tail.
    return finish('error', { ...common, error, failures: [{ message: `${error}\n${genericFailure(output).message}` }] });
  }
  const failures: StructuredFailure[] = parseFailures(output, context);
  return finish('failed', { ...common, failures });
}

interface Outcome {
  capture: OutputCapture;
  exitCode: number | null;
  signal: string | null;
  stoppedBy?: 'timeout' | 'abort';
  spawnError?: NodeJS.ErrnoException;
}

function execute(spec: CheckSpec, options: RunCheckOptions): Promise<Outcome> {
  const capture = new OutputCapture(options.outputLimit ?? DEFAULT_OUTPUT_LIMIT);
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise((resolve) => {
    const outcome: Outcome = { capture, exitCode: null, signal: null };
    const timers: NodeJS.Timeout[] = [];
    let child: ChildProcess;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const stop = (reason: 'timeout' | 'abort'): void => {
      if (outcome.stoppedBy || child.exitCode !== null || child.signalCode !== null) return;
      outcome.stoppedBy = reason;
      killTree(child, 'SIGTERM');
      timers.push(setTimeout(() => killTree(child, 'SIGKILL'), grace));
    };
    const onAbort = (): void => stop('abort');

    try {
      child = spawnCheck(spec.command, spec.cwd, options.env ?? scrubEnvironment().env);
    } catch (error) {
      outcome.spawnError = error as NodeJS.ErrnoException;
      settle();
      return;
    }
    child.stdout?.on('data', (chunk: Buffer) => capture.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => capture.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Spawn failures (ENOENT, EACCES) come here with no pid; later errors (a failed kill) do not end the run.
      if (child.pid === undefined) {
        outcome.spawnError = error;
        settle();
      }
    });
    child.on('exit', (code, signal) => {
      outcome.exitCode = code;
      outcome.signal = signal;
      killLeftovers(child);
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          settle();
        }, DRAIN_MS),
      );
    });
    child.on('close', settle);
    timers.push(setTimeout(() => stop('timeout'), spec.timeoutMs));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Aborted while we were spawning: the listener came too late to hear it.
    if (options.signal?.aborted) stop('abort');
  });
}

function describeSpawnError(spec: CheckSpec, error: NodeJS.ErrnoException): string {
  const program = 'argv' in spec.command ? spec.command.argv[0] : spec.command.shell;
  if (error.code === 'ENOENT') return `Could not start "${spec.display}": ${program} was not found (is it installed and on PATH?).`;
  if (error.code === 'EACCES') return `Could not start "${spec.display}": ${program} is not executable.`;
  return `Could not start "${spec.display}": ${error.message}`;
}
