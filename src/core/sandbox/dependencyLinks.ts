import type { SandboxGit } from './sandboxGit.ts';
import { lstat, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { throwIfAborted } from '../errors.ts';
import { runGit, splitNul } from './sandboxGit.ts';

/**
 * The untracked dependency folders of a repository (node_modules at the top, in any package, or
 * inside another untracked folder) that should be linked, not copied. With `--directory` git
 * names each matching folder once without walking into it, so a huge node_modules costs nothing.
 */
export async function findDependencyFolders(git: SandboxGit, names: readonly string[], signal?: AbortSignal): Promise<string[]> {
  if (names.length === 0) return [];
  const specs = names.map((name) => `:(top,glob)**/${name.replace(/[*?[\\]/g, '\\$&')}/`);
  const out = await runGit(git, ['ls-files', '-z', '--others', '--directory', '--', ...specs], signal);
  return splitNul(out)
    .filter((entry) => entry.endsWith('/'))
    .map((entry) => entry.slice(0, -1))
    .sort();
}

/** Links each folder of the user's tree into the sandbox at the same place. */
export async function linkDependencyFolders(userRoot: string, tree: string, paths: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const linked: string[] = [];
  for (const path of paths) {
    throwIfAborted(signal);
    const target = join(userRoot, path);
    const link = join(tree, path);
    // A tracked file or folder already there wins; the link is only a convenience.
    if (await lstat(link).then(() => true, () => false)) continue;
    await mkdir(dirname(link), { recursive: true });
    await symlink(target, link, process.platform === 'win32' ? 'junction' : 'dir');
    linked.push(path);
  }
  return linked;
}
