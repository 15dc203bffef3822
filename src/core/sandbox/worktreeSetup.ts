import { copyFile, rm, utimes, writeFile } from 'node:fs/promises';
import { oneWorktreeAddAtATime } from './worktreeAdds.ts';
import { join, resolve } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { findDependencyFolders, linkDependencyFolders } from './dependencyLinks.ts';
import { runGit, sandboxGit } from './sandboxGit.ts';
import { commitTree, headCommit, writeWorkTree } from './snapshot.ts';
import type { TreeSource } from './snapshot.ts';
import type { OpenStep } from './openSteps.ts';
import { statIfPresent } from '../util/fsProbe.ts';

export interface PreparedTree {
  /** The private commit that records the start state; diffs are taken against it. */
  base: string;
  linkedPaths: string[];
}

/**
 * Makes `tree` a detached worktree of the user's repository holding exactly the user's current
 * files: committed, staged, unstaged, deleted and untracked-but-not-ignored.
 *
 * The worktree is added without a checkout; its (private) index is then filled from the user's
 * files through `--work-tree`, so the user's own index, refs and files are never written. The
 * result is committed as a snapshot with the sandbox identity (parent: the user's HEAD), and the
 * worktree is reset onto it.
 */
export async function prepareWorktree(
  userRoot: string,
  tree: string,
  scratchDir: string,
  linkedFolders: readonly string[],
  step: (step: OpenStep) => void,
  signal?: AbortSignal,
): Promise<PreparedTree> {
  const user: TreeSource = { git: sandboxGit(userRoot, signal), signal };
  step('snapshot');
  const dependencyFolders = await findDependencyFolders(user.git, linkedFolders, signal);
  const head = await headCommit(user);
  const start = head ?? (await emptyCommit(user, scratchDir));
  await oneWorktreeAddAtATime(userRoot, () => runGit(user.git, ['worktree', 'add', '--detach', '--no-checkout', tree, start], signal));

  const sandbox: TreeSource = { git: sandboxGit(tree, signal), signal };
  const gitDir = (await runGit(sandbox.git, ['rev-parse', '--absolute-git-dir'], signal)).trim();
  const intoSandboxIndex = [`--git-dir=${gitDir}`, `--work-tree=${userRoot}`];
  const userFiles: TreeSource = { ...user, gitArgs: intoSandboxIndex };
  const index = join(gitDir, 'index');
  let snapshotTree: string;
  try {
    // The user's index as the starting point: its stat data spares hashing every unchanged file,
    // and files the user staged keep being tracked.
    const userIndex = resolve(userRoot, (await runGit(user.git, ['rev-parse', '--git-path', 'index'], signal)).trim());
    await copyIndex(userIndex, index);
    snapshotTree = await writeWorkTree(userFiles, dependencyFolders);
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) throw error;
    // A split or otherwise unusual index: start from HEAD instead and hash everything.
    await rm(index, { force: true });
    if (head) await runGit(userFiles.git, [...intoSandboxIndex, 'read-tree', head], signal);
    snapshotTree = await writeWorkTree(userFiles, dependencyFolders);
  }
  const base = await commitTree(user, snapshotTree, head, "Co-evolve sandbox: the user's working state");

  step('checkout');
  await runGit(sandbox.git, ['reset', '--quiet', '--hard', base], signal);
  step('link');
  const linkedPaths = await linkDependencyFolders(userRoot, tree, dependencyFolders, signal);
  return { base, linkedPaths };
}

/** A repository without commits still needs a commit to add a worktree at. */
async function emptyCommit(user: TreeSource, scratchDir: string): Promise<string> {
  const empty = join(scratchDir, 'empty');
  await writeFile(empty, '');
  // Hashing an empty file as a tree gives the empty tree in either object format (sha1, sha256).
  const tree = (await runGit(user.git, ['hash-object', '-t', 'tree', '-w', '--', empty], user.signal)).trim();
  await rm(empty, { force: true });
  return commitTree(user, tree, undefined, 'Co-evolve sandbox: empty start');
}

/**
 * The user's index with its own timestamp. Git trusts an entry's stat data only for files changed
 * before the index was written; a file changed in the same second (same size) is "racily clean"
 * and hashed again. A copy with a new timestamp would hide that, and the sandbox would get the
 * committed version of a file the user had just edited.
 */
async function copyIndex(from: string, to: string): Promise<void> {
  const source = await statIfPresent(from);
  if (!source) return;
  await copyFile(from, to);
  await utimes(to, source.atime, source.mtime);
}
