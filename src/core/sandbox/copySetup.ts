import { copyTree } from './treeCopy.ts';
import type { CopyLimits } from './treeCopy.ts';
import { linkDependencyFolders } from './dependencyLinks.ts';
import { runGit, sandboxGit } from './sandboxGit.ts';
import { commitTree, writeWorkTree } from './snapshot.ts';
import type { TreeSource } from './snapshot.ts';
import type { OpenStep } from './openSteps.ts';
import type { PreparedTree } from './worktreeSetup.ts';

/**
 * A folder that is not under git gets a plain copy, and a private repository inside the copy
 * (never in the user's folder) records the start state so the agent's changes can be diffed the
 * same way as in a worktree.
 */
export async function prepareCopy(
  userRoot: string,
  tree: string,
  linkedFolders: readonly string[],
  limits: CopyLimits,
  step: (step: OpenStep) => void,
  signal?: AbortSignal,
): Promise<PreparedTree> {
  step('copy');
  const dependencyFolders = await copyTree(userRoot, tree, linkedFolders, limits, signal);
  step('snapshot');
  const sandbox: TreeSource = { git: sandboxGit(tree, signal), signal };
  await runGit(sandbox.git, ['init', '--quiet'], signal);
  const snapshotTree = await writeWorkTree(sandbox, dependencyFolders);
  const base = await commitTree(sandbox, snapshotTree, undefined, "Co-evolve sandbox: the user's files");
  await runGit(sandbox.git, ['update-ref', 'HEAD', base], signal);
  step('link');
  const linkedPaths = await linkDependencyFolders(userRoot, tree, dependencyFolders, signal);
  return { base, linkedPaths };
}
