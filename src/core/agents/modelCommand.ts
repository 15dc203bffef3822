import { CoevolveError } from '../errors.ts';
import { plainText } from '../verify/run/ansi.ts';
import { runProcess } from '../verify/run/runProcess.ts';
import { mayRunModelCommand } from './commandPolicy.ts';
import type { CommandPolicy } from './commandPolicy.ts';

const TIMEOUT_MS = 120_000;
const OUTPUT_LIMIT = { headBytes: 8 * 1024, tailBytes: 8 * 1024 };

export interface ModelCommandResult {
  ran: boolean;
  /** What the model is told. */
  text: string;
}

/**
 * A command the implementer asked for: refused unless the workspace is trusted and the user
 * approves it, then run in the sandbox with a scrubbed environment, a time limit and capped output.
 */
export async function runModelCommand(policy: CommandPolicy, command: string, reason: string, cwd: string, signal?: AbortSignal): Promise<ModelCommandResult> {
  try {
    await mayRunModelCommand(policy, command, reason);
  } catch (error) {
    if (CoevolveError.is(error, 'command-not-approved') || CoevolveError.is(error, 'workspace-untrusted')) {
      return { ran: false, text: `Error: not run. ${error.message} Continue without it.` };
    }
    throw error;
  }
  const outcome = await runProcess({ shell: command }, cwd, { timeoutMs: TIMEOUT_MS, outputLimit: OUTPUT_LIMIT, ...(signal ? { signal } : {}) });
  if (outcome.stoppedBy === 'abort') throw new CoevolveError('cancelled', 'Cancelled.');
  if (outcome.spawnError) return { ran: false, text: `Error: could not start the command: ${outcome.spawnError.message}` };
  const output = plainText(outcome.capture.text()).trim();
  const status = outcome.stoppedBy === 'timeout' ? `timed out after ${TIMEOUT_MS / 1000} s and was killed` : `exit code ${outcome.exitCode ?? outcome.signal}`;
  return { ran: true, text: `$ ${command}\n(${status})\n${output || '(no output)'}` };
}
