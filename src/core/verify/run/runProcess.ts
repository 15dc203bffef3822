import type { ChildProcess } from 'node:child_process';
import type { CheckCommand } from '../checkSpec.ts';
import { scrubEnvironment } from './environment.ts';
import { DEFAULT_OUTPUT_LIMIT, OutputCapture } from './outputCapture.ts';
import type { OutputLimit } from './outputCapture.ts';
import { killLeftovers, killTree, spawnCheck } from './processTree.ts';

const DEFAULT_KILL_GRACE_MS = 2000;
/** After the main process exits, how long to wait for its pipes to close before giving up on them. */
const DRAIN_MS = 1000;

export interface RunProcessOptions {
  timeoutMs: number;
  env?: Record<string, string>;
  signal?: AbortSignal;
  outputLimit?: OutputLimit;
  /** How long the process gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export interface ProcessOutcome {
  capture: OutputCapture;
  exitCode: number | null;
  signal: string | null;
  stoppedBy?: 'timeout' | 'abort';
  spawnError?: NodeJS.ErrnoException;
}

/**
 * Runs a command to completion, deadline or abort, killing its whole process tree when stopped,
 * with capped output and (unless given one) the scrubbed environment. Never throws: a command that
 * cannot start comes back as `spawnError`.
 */
export function runProcess(command: CheckCommand, cwd: string, options: RunProcessOptions): Promise<ProcessOutcome> {
  const capture = new OutputCapture(options.outputLimit ?? DEFAULT_OUTPUT_LIMIT);
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return new Promise((resolve) => {
    const outcome: ProcessOutcome = { capture, exitCode: null, signal: null };
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
      child = spawnCheck(command, cwd, options.env ?? scrubEnvironment().env);
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
    timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Aborted while we were spawning: the listener came too late to hear it.
    if (options.signal?.aborted) stop('abort');
  });
}

