import { lstat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CoevolveError } from '../errors.ts';

/**
 * The path of a file inside the store, checked component by component: the store folder itself
 * and every folder or file on the way must be a real folder or file, never a symbolic link. A
 * cloned repository is untrusted input and `.coevolve/memory` is meant to be committed, so a link
 * committed anywhere in the store could make mining, MCP or an import read or write outside the
 * repository. Parts that do not exist yet are fine (they are created as plain folders and files).
 */
export async function storePath(storeDir: string, ...parts: string[]): Promise<string> {
  const root = resolve(storeDir);
  const target = resolve(root, ...parts);
  const rel = relative(root, target);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new CoevolveError('path-outside-workspace', `${target} is not inside the store ${root}.`);
  let current = root;
  for (const part of ['', ...(rel ? rel.split(sep) : [])]) {
    current = part ? join(current, part) : current;
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (!info) break;
    if (info.isSymbolicLink()) {
      const what = current === root ? 'The store folder itself' : relative(root, current);
      throw new CoevolveError('store-corrupt', `${what} (${current}) is a symbolic link: Co-evolve never follows links in its store, because a cloned repository could point them anywhere.`, {
        hint: `Replace the link with a real ${current === root ? 'folder' : 'file or folder'} (or remove it); nothing was read or written through it.`,
      });
    }
  }
  return target;
}
