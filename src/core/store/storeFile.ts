import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { atomicWriteFile } from '../util/atomicWrite.ts';

// Reading and writing one file of the store, once its path has passed storePath: a link that
// appears after that check is still never followed, and a file is replaced atomically.

/**
 * The bytes of a store file, undefined when there is none; a link or a folder in its place is damage.
 * With `into`, they are read into the buffer it gives
 * for a length (at least that long) and a view of it is returned: a caller reading many large
 * files one after another (vector segments) reuses one buffer instead of making garbage of each.
 */
export async function readStoreBytes(path: string, into?: (size: number) => Buffer): Promise<Buffer | undefined> {
  let handle;
  try {
    // O_NOFOLLOW: a link that appeared after the path was checked is still never followed.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw damagedFile(path, 'is a symbolic link: Co-evolve never follows links in its store');
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw damagedFile(path, 'is not a plain file');
    if (!into) return await handle.readFile();
    // One byte more than the file's size: reading to the end is then seen as such.
    const buffer = into(info.size + 1);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, read);
      if (bytesRead === 0) return buffer.subarray(0, read);
      read += bytesRead;
    }
    // It grew since its size was taken: read whole (positional reads left the file's offset at 0).
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function readStoreText(path: string): Promise<string | undefined> {
  return (await readStoreBytes(path))?.toString('utf8');
}

/** Writes a store file atomically (temp, flush, rename), making its folder first. */
export async function writeStoreFile(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await atomicWriteFile(path, data);
}

function damagedFile(path: string, what: string): CoevolveError {
  return new CoevolveError('store-corrupt', `${path} ${what}.`, {
    hint: 'Run `coevolve store repair`: it moves the damaged file aside (kept as .corrupt-<time>.bak, never deleted).',
  });
}
