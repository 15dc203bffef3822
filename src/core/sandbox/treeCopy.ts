import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, readlink, stat, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { CoevolveError, throwIfAborted } from '../errors.ts';

export interface CopyLimits {
  maxFiles: number;
  maxBytes: number;
}

export const DEFAULT_COPY_LIMITS: CopyLimits = { maxFiles: 50_000, maxBytes: 2 * 1024 ** 3 };

/**
 * Copies a folder that is not under git into the sandbox. Folders named in `linkedFolders` (or
 * symlinks of that name to a folder) are not copied but reported (relative, `/`-separated) for
 * linking; nested `.git` folders are skipped so the private snapshot repository does not see them
 * as submodules. Stops at the limits: a copy of a home folder would fill the disk.
 */
export async function copyTree(from: string, to: string, linkedFolders: readonly string[], limits: CopyLimits, signal?: AbortSignal): Promise<string[]> {
  const linkNames = new Set(linkedFolders);
  const linked: string[] = [];
  let files = 0;
  let bytes = 0;

  const tooLarge = (what: string) =>
    new CoevolveError('sandbox-failed', `${from} is too large to copy into a sandbox (over ${what}).`, {
      hint: 'Put the folder under git (`git init`, then commit) so the sandbox can be a git worktree, or open a smaller folder.',
    });

  async function walk(relative: string): Promise<void> {
    const entries = await readdir(join(from, relative), { withFileTypes: true });
    await mkdir(join(to, relative), { recursive: true });
    for (const entry of entries) {
      throwIfAborted(signal);
      const rel = relative ? posix.join(relative, entry.name) : entry.name;
      const source = join(from, rel);
      const target = join(to, rel);
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) {
        if (linkNames.has(entry.name)) linked.push(rel);
        else await walk(rel);
      } else if (entry.isSymbolicLink()) {
        // A dependency folder kept elsewhere and linked in is linked like a real one, not copied as a
        // link: a relative link would point elsewhere from inside the sandbox.
        if (linkNames.has(entry.name) && (await stat(source).then((info) => info.isDirectory(), () => false))) linked.push(rel);
        else await symlink(await readlink(source), target);
      } else if (entry.isFile()) {
        files += 1;
        bytes += (await lstat(source)).size;
        if (files > limits.maxFiles) throw tooLarge(`${limits.maxFiles} files`);
        if (bytes > limits.maxBytes) throw tooLarge(`${Math.round(limits.maxBytes / 1024 ** 2)} MiB`);
        // A copy-on-write clone where the file system offers one; copyFile keeps the mode.
        await copyFile(source, target, constants.COPYFILE_FICLONE);
      }
      // Sockets, fifos and devices are not project files.
    }
  }

  await walk('');
  return linked.sort();
}
