import type { CoevolveErrorReason } from '../core/errors.ts';

/** Documented in README.md ("Exit codes"); scripts may rely on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  storeCorrupt: 3,
  storeLocked: 4,
  gitFailed: 5,
  model: 6,
  /**
   * solve: the change did not pass the project's checks (or left a target failing, or was empty),
   * none were found or could run, or the budget ran out.
   */
  notVerified: 7,
  /** solve: the checks pass as before, but no test demonstrates the change (no regressions, not proven). */
  notProven: 8,
  cancelled: 130,
} as const;

export function exitCodeFor(reason: CoevolveErrorReason): number {
  switch (reason) {
    case 'not-a-git-repo':
    case 'bad-input':
    case 'store-empty':
    case 'sidecar-bad-model':
    case 'path-outside-workspace':
    case 'workspace-untrusted':
      return EXIT.usage;
    case 'store-corrupt':
    case 'store-newer-schema':
      return EXIT.storeCorrupt;
    case 'store-locked':
      return EXIT.storeLocked;
    case 'git-failed':
      return EXIT.gitFailed;
    case 'cancelled':
      return EXIT.cancelled;
    case 'llm-auth':
    case 'llm-rate-limited':
    case 'llm-timeout':
    case 'llm-unavailable':
    case 'llm-bad-request':
    case 'llm-bad-output':
    case 'llm-stream-broken':
    case 'sidecar-unavailable':
      return EXIT.model;
    case 'checks-cannot-run':
      return EXIT.notVerified;
    case 'sandbox-failed':
    case 'edit-rejected':
    case 'command-not-approved':
      return EXIT.failure;
  }
}
