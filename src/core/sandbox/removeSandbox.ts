import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runGit, sandboxGit } from './sandboxGit.ts';

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
    await runGit(sandboxGit(sandbox.userRoot), ['worktree', 'remove', '--force', sandbox.tree]).catch(() => undefined);
  }
  await rm(sandbox.dir, { recursive: true, force: true, maxRetries: 3 });
  if (sandbox.kind === 'worktree') await pruneWorktrees(sandbox.userRoot);
  // The per-root folder goes when its last sandbox does; another sandbox may still be in it.
  await rmdir(dirname(sandbox.dir)).catch(() => undefined);
}

/** Drops the records of worktrees whose folders are gone. Never fails: it is housekeeping. */
export async function pruneWorktrees(userRoot: string): Promise<void> {
  await runGit(sandboxGit(userRoot), ['worktree', 'prune']).catch(() => undefined);
}

/**
 * The synchronous variant for a process that is exiting. git is spawned directly because an
 * `exit` listener cannot wait for simple-git's promises.
 */
export function removeSandboxSync(sandbox: RemovableSandbox): void {
  rmSync(sandbox.dir, { recursive: true, force: true, maxRetries: 3 });
  if (sandbox.kind === 'worktree') {
    const env = { ...process.env };
    for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY']) delete env[key];
    spawnSync('git', ['-C', sandbox.userRoot, 'worktree', 'prune'], { stdio: 'ignore', env, timeout: 10_000, windowsHide: true });
  }
}
