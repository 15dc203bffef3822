import type { SandboxGit } from './sandboxGit.ts';
import { lstat, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { throwIfAborted } from '../errors.ts';
import { runGit, splitNul } from './sandboxGit.ts';
import { statIfPresent } from '../util/fsProbe.ts';

/**
 * The untracked dependency folders of a repository (node_modules at the top, in any package, or
 * inside another untracked folder) that should be linked, not copied. With `--directory` git
 * names each matching folder once without walking into it, so a huge node_modules costs nothing.
 *
 * A dependency folder that is itself a symlink (a node_modules kept elsewhere and linked in) is a
 * file to git: it matches only the pathspec without the trailing slash and comes back without one.
 * It counts when it leads to a folder; a dangling link or a plain file of that name does not.
 */
export async function findDependencyFolders(git: SandboxGit, names: readonly string[], signal?: AbortSignal): Promise<string[]> {
  if (names.length === 0) return [];
  const specs = names.flatMap((name) => {
    const literal = name.replace(/[*?[\\]/g, '\\$&');
    return [`:(top,glob)**/${literal}/`, `:(top,glob)**/${literal}`];
  });
  const out = await runGit(git, ['ls-files', '-z', '--others', '--directory', '--', ...specs], signal);
  const found: string[] = [];
  for (const entry of splitNul(out)) {
    if (entry.endsWith('/')) found.push(entry.slice(0, -1));
    else if (names.includes(entry.slice(entry.lastIndexOf('/') + 1)) && (await leadsToFolder(join(git.baseDir, entry)))) found.push(entry);
  }
  return found.sort();
}

async function leadsToFolder(path: string): Promise<boolean> {
  const info = await statIfPresent(path);
  return info?.isDirectory() === true;
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
