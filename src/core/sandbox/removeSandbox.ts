import { runGitSyncQuietly } from '../git/gitRunner.ts';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runGit, sandboxGit } from './sandboxGit.ts';
import { ignoreError } from '../ignoredErrors.ts';
import { removeDirIfEmpty } from '../util/fsProbe.ts';

export interface RemovableSandbox {
  /** The sandbox's own folder (marker + tree). */
  dir: string;
  tree: string;
  kind: 'worktree' | 'copy';
  /** The user's repository, whose worktree list must forget the sandbox. */
  userRoot: string;
}

/**
 * Removes a sandbox and everything it created. `fs.rm` and `git worktree remove` both unlink
 * symbolic links instead of following them, so the user's linked node_modules survive.
 */
export async function removeSandbox(sandbox: RemovableSandbox): Promise<void> {
  if (sandbox.kind === 'worktree') {
    // Fails for a tree already gone or one holding submodules; the rm and prune below cover both.
    await runGit(sandboxGit(sandbox.userRoot), ['worktree', 'remove', '--force', sandbox.tree]).catch(ignoreError('git worktree remove failed; the folder is removed and the worktree pruned next'));
  }
  await rm(sandbox.dir, { recursive: true, force: true, maxRetries: 3 });
  if (sandbox.kind === 'worktree') await pruneWorktrees(sandbox.userRoot);
  // The per-root folder goes when its last sandbox does; another sandbox may still be in it.
  await removeDirIfEmpty(dirname(sandbox.dir));
}

/** Drops the records of worktrees whose folders are gone. Never fails: it is housekeeping. */
export async function pruneWorktrees(userRoot: string): Promise<void> {
  await runGit(sandboxGit(userRoot), ['worktree', 'prune']).catch(ignoreError('git worktree prune failed; the next prune retries'));
}

/** The synchronous variant for a process that is exiting (an `exit` listener cannot wait for a promise). */
export function removeSandboxSync(sandbox: RemovableSandbox): void {
  rmSync(sandbox.dir, { recursive: true, force: true, maxRetries: 3 });
  if (sandbox.kind === 'worktree') runGitSyncQuietly(sandbox.userRoot, ['worktree', 'prune']);
}
