/**
 * Typed errors thrown by the core. Front doors (CLI, extension) turn them into messages and
 * exit codes by `reason`, never by matching message text.
 */
export type CoevolveErrorReason =
  | 'not-a-git-repo'
  | 'git-failed'
  | 'store-corrupt'
  | 'store-locked'
  | 'store-newer-schema'
  | 'store-empty'
  | 'cancelled'
  | 'bad-input'
  | 'llm-auth'
  | 'llm-rate-limited'
  | 'llm-timeout'
  | 'llm-unavailable'
  | 'llm-bad-request'
  | 'llm-bad-output'
  | 'llm-stream-broken'
  | 'sidecar-unavailable'
  | 'sidecar-bad-model'
  | 'sandbox-failed'
  | 'edit-rejected'
  | 'path-outside-workspace'
  | 'command-not-approved'
  | 'workspace-untrusted'
  /** The project's checks could not run before any change (missing packages, a service down): nothing could be verified. */
  | 'checks-cannot-run';

export class CoevolveError extends Error {
  readonly reason: CoevolveErrorReason;
  /** A hint the user can act on, shown under the message. */
  readonly hint: string | undefined;

  constructor(reason: CoevolveErrorReason, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CoevolveError';
    this.reason = reason;
    this.hint = options?.hint;
  }

  static is(value: unknown, reason?: CoevolveErrorReason): value is CoevolveError {
    return value instanceof CoevolveError && (reason === undefined || value.reason === reason);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CoevolveError('cancelled', 'Cancelled.');
}
