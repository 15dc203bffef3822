import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from '../sandbox/exitCleanup.ts';
import { gitAt, runGit, runGitSyncQuietly } from '../git/gitRunner.ts';
import { oneWorktreeAddAtATime } from '../sandbox/worktreeAdds.ts';
import { ignoreError } from '../ignoredErrors.ts';

/** Replay worktrees live outside the repository, so the user's tree and its tools never see them. */
export function replayRoot(): string {
  return join(tmpdir(), 'coevolve-replay');
}

export interface ReplayWorktree {
  /** The task's own folder: the worktree plus files of ours (the source patch). */
  readonly dir: string;
  /** The checked-out tree. */
  readonly tree: string;
  /** Removes the worktree and its registration; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * `git worktree add --detach` of `revision` in a fresh folder. The folder and the repository's
 * worktree entry are removed by `remove()`, by the exit hook if the process ends first, and here
 * when the add itself fails or is cancelled half-way.
 */
export async function addReplayWorktree(repoRoot: string, revision: string, label: string, signal?: AbortSignal): Promise<ReplayWorktree> {
  mkdirSync(replayRoot(), { recursive: true });
  const dir = mkdtempSync(join(replayRoot(), `${label.replace(/[^\w-]/g, '').slice(0, 12)}-`));
  const tree = join(dir, 'tree');
  const git = gitAt(repoRoot);
  let removed = false;
  const removeNow = (): void => {
    // Synchronous so the exit hook can use it too; prune drops the entry once the folder is gone.
    rmSync(dir, { recursive: true, force: true });
    runGitSyncQuietly(repoRoot, ['worktree', 'prune']);
  };
  const unregister = onProcessExit(removeNow);
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    unregister();
    // `worktree remove` refuses a tree with changes unless forced twice; failure is fine, the prune below covers it.
    await runGit(git, ['worktree', 'remove', '--force', '--force', tree]).catch(ignoreError('git worktree remove failed; the folder is removed and pruned next'));
    removeNow();
  };
  try {
    await oneWorktreeAddAtATime(repoRoot, () => runGit(git, ['worktree', 'add', '--detach', '--quiet', tree, revision], signal));
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, tree, remove };
}
