import { lstatSync } from 'node:fs';
import type { Stats } from 'node:fs';
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
  const { root, target, components } = split(storeDir, parts);
  for (const current of components) {
    const info = await lstat(current).catch(absent);
    if (!info) break;
    refuseLink(info, current, root);
  }
  return target;
}

/** {@link storePath} for the few writers that must stay synchronous (a run's trajectory log). */
export function storePathSync(storeDir: string, ...parts: string[]): string {
  const { root, target, components } = split(storeDir, parts);
  for (const current of components) {
    let info: Stats | undefined;
    try {
      info = lstatSync(current);
    } catch (error) {
      info = absent(error as NodeJS.ErrnoException);
    }
    if (!info) break;
    refuseLink(info, current, root);
  }
  return target;
}

function split(storeDir: string, parts: string[]): { root: string; target: string; components: string[] } {
  const root = resolve(storeDir);
  const target = resolve(root, ...parts);
  const rel = relative(root, target);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new CoevolveError('path-outside-workspace', `${target} is not inside the store ${root}.`);
  const components = [root];
  for (const part of rel ? rel.split(sep) : []) components.push(join(components[components.length - 1]!, part));
  return { root, target, components };
}

function absent(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
  throw error;
}

function refuseLink(info: Stats, current: string, root: string): void {
  if (!info.isSymbolicLink()) return;
  const what = current === root ? 'The store folder itself' : relative(root, current);
  throw new CoevolveError('store-corrupt', `${what} (${current}) is a symbolic link: Co-evolve never follows links in its store, because a cloned repository could point them anywhere.`, {
    hint: `Replace the link with a real ${current === root ? 'folder' : 'file or folder'} (or remove it); nothing was read or written through it.`,
  });
}
