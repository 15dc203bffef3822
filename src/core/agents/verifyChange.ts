import { writeBaseVersions } from '../sandbox/baseVersions.ts';
import type { ChangedFile, Sandbox } from '../sandbox/sandbox.ts';
import type { CheckRun } from '../verify/checkResult.ts';
import { protectedPaths } from '../verify/verifierFiles.ts';

export interface VerifiedChange {
  run: CheckRun;
  /** The checkpoint of the change that was verified (the sandbox is back at it). */
  tree: string;
  /** The files the change touched, from the start state. */
  files: ChangedFile[];
  patch: string;
  /** Files the change edited that define its own verification; they were verified as they were before it. */
  protectedEdits: string[];
}

/**
 * Verifies the change as it stands: checkpoints it, puts back the original version of any file
 * that defines how it is verified (the package's scripts, runner configuration, the target tests),
 * runs the checks, then puts the sandbox back as the change left it. A change never judges itself
 * with a verifier it rewrote.
 */
export async function verifyChange(sandbox: Sandbox, targetFiles: ReadonlySet<string>, runChecks: () => Promise<CheckRun>, signal?: AbortSignal): Promise<VerifiedChange> {
  const tree = await sandbox.checkpoint(signal);
  const diff = await sandbox.diff(signal, tree);
  const protectedEdits = protectedPaths(diff.files, targetFiles);
  let run: CheckRun;
  try {
    await writeBaseVersions(sandbox, protectedEdits, signal);
    run = await runChecks();
  } finally {
    // Whatever the checks wrote, and the swapped files, go; the change comes back.
    if (!signal?.aborted) await sandbox.restore(tree, signal);
  }
  return { run, tree, files: diff.files, patch: diff.patch, protectedEdits };
}
