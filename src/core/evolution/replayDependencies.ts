import { lstat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { findDependencyFolders, linkDependencyFolders } from '../sandbox/dependencyLinks.ts';
import { gitAt } from '../git/gitRunner.ts';
import { cachedNodeModules } from './dependencyCache.ts';
import type { InstallOptions } from './dependencyCache.ts';
import { commitFiles, folderFiles, nodeDependencySpec } from './nodeDependencyKey.ts';

/** Where a replay task's dependencies came from. */
export interface ReplayDependencies {
  /**
   * - none: no package.json at the task's root, or one that declares no dependencies;
   * - user: the user's own node_modules, because the commit's dependency files hash the same
   *   (or, for a workspace project, because history's workspaces cannot be installed apart);
   * - cache: an install made for the commit's own lockfile or manifest.
   */
  node: 'none' | 'user' | 'cache';
  /** The hash the commit's dependency files gave (see nodeDependencyKey.ts). */
  key?: string;
  /** For `cache`: the folder, the command, whether an earlier install was reused, and how long a new one took. */
  cache?: { dir: string; command: string; reused: boolean; installMs?: number };
  /** Paths in the worktree that are links to dependency folders. */
  linked: string[];
  note?: string;
}

export type ProvidedDependencies = { ok: true; dependencies: ReplayDependencies } | { ok: false; detail: string; dependencies: ReplayDependencies };

/**
 * Gives the worktree `tree` of a replay task the dependencies its tests were written for: those
 * of `commit` (the commit being replayed; the same as its parent's unless the commit changed them,
 * and then the commit's tests need the new ones). The user's node_modules when the commit's
 * lockfile (or manifest) hashes the same as the user's current one, else an install for it from
 * the cache (installed now if missing). The worktree's own package.json stays the parent's: a
 * dependency bump is environment, not part of the solution. The user's Python virtual environment
 * is linked as it is: which interpreter runs the tests is chosen per task (see pythonInterpreter.ts).
 */
export async function provideReplayDependencies(userRoot: string, tree: string, commit: string, options: InstallOptions = {}): Promise<ProvidedDependencies> {
  const { signal } = options;
  const user = gitAt(userRoot, signal);
  const linked = await linkDependencyFolders(userRoot, tree, await findDependencyFolders(user, ['.venv', 'venv'], signal), signal);
  const dependencies: ReplayDependencies = { node: 'none', linked };
  const task = await nodeDependencySpec(commitFiles(userRoot, commit, signal));
  if ('none' in task) return { ok: true, dependencies };
  if ('error' in task) return { ok: false, detail: `Cannot install the commit's dependencies: ${task.error}.`, dependencies };
  if (task.spec.empty) return { ok: true, dependencies };
  dependencies.key = task.spec.key;
  const current = await nodeDependencySpec(folderFiles(userRoot));
  const userFolders = await findDependencyFolders(user, ['node_modules'], signal);
  const sameAsUser = 'spec' in current && current.spec.key === task.spec.key && userFolders.includes('node_modules');
  if (sameAsUser || task.spec.workspaces) {
    dependencies.node = 'user';
    if (!sameAsUser) dependencies.note = "A workspace project: its dependencies are linked from the current tree (history's workspaces are not installed apart).";
    linked.push(...(await linkDependencyFolders(userRoot, tree, userFolders, signal)));
    return { ok: true, dependencies };
  }
  const install = await cachedNodeModules(task.spec, options);
  dependencies.node = 'cache';
  dependencies.cache = { dir: install.dir, command: install.command, reused: install.ok && install.reused, ...(install.ok && install.installMs !== undefined ? { installMs: install.installMs } : {}) };
  if (!install.ok) return { ok: false, detail: install.detail, dependencies };
  // A node_modules the commit tracks wins, as with the user's folders.
  const link = join(tree, 'node_modules');
  if (!(await lstat(link).then(() => true, () => false))) {
    await symlink(install.nodeModules, link, process.platform === 'win32' ? 'junction' : 'dir');
    linked.push('node_modules');
  }
  return { ok: true, dependencies };
}
