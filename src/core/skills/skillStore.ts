import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { readStoreBytes, writeStoreFile } from '../store/storeFile.ts';
import { storePath } from '../store/storePath.ts';

// How the skill library touches the disk: every path under `<store>/skills` goes through storePath
// (no component may be a symbolic link: a cloned repository commits its skills, and a link there
// could make a command read or write anywhere), files are read and written through
// store/storeFile.ts, and what is found damaged is `store-corrupt` with the remedy.

export const SKILLS = 'skills';

/** The remedy for a damaged file of the skill library. */
export const REPAIR_HINT = 'Run `coevolve store repair`: it moves the damaged file aside (kept as .corrupt-<time>.bak, never deleted) and restores what it can from the stored versions.';

/** A damaged file of the user's skill library. */
export function damaged(path: string, what: string, cause?: unknown): CoevolveError {
  return new CoevolveError('store-corrupt', `${path} ${what}.`, { hint: REPAIR_HINT, ...(cause === undefined ? {} : { cause }) });
}

/**
 * `<store>/skills/...parts`, refusing a symbolic link anywhere on the way (storePath). The refusal
 * names `store repair` as a remedy too, except for a store folder that is itself a link (repair
 * cannot move that one aside).
 */
export async function skillStorePath(storeDir: string, ...parts: string[]): Promise<string> {
  return storePath(storeDir, SKILLS, ...parts).catch((error: unknown) => {
    if (!CoevolveError.is(error, 'store-corrupt') || error.message.startsWith('The store folder itself')) throw error;
    throw new CoevolveError('store-corrupt', error.message, { hint: `${error.hint ?? ''} Or run \`coevolve store repair\`, which moves the link aside.`.trim(), cause: error });
  });
}

/** What `store repair` set aside beside a damaged file: never read, listed or copied again. */
export function isSetAside(name: string): boolean {
  return /\.corrupt-[\w-]+\.bak$/.test(name);
}

/**
 * Every file under `folder`, relative to it, sorted; folders for which `skip` says so are left out
 * (and so are the copies `store repair` set aside). A symbolic link anywhere inside is damage: it is
 * refused, never followed. A missing folder has no files.
 */
export async function filesUnder(folder: string, skip: (relative: string) => boolean = () => false): Promise<string[]> {
  const out: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const here = relative ? join(folder, relative) : folder;
    let entries;
    try {
      entries = await readdir(here, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (isSetAside(entry.name) || skip(rel)) continue;
      if (entry.isSymbolicLink()) throw damaged(join(folder, rel), 'is a symbolic link: Co-evolve never follows links in its store, because a cloned repository could point them anywhere');
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  await walk('');
  return out.sort();
}

/** Copies a folder's files (see filesUnder: links refused) into `to`, each written atomically. */
export async function copyFolder(from: string, to: string, skip?: (relative: string) => boolean): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const relative of await filesUnder(from, skip)) {
    const bytes = await readStoreBytes(join(from, relative));
    if (bytes !== undefined) await writeStoreFile(join(to, relative), bytes);
  }
}
