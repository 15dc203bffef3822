import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readStoreText } from '../store/storeFile.ts';
import { atomicWriteFile } from '../util/atomicWrite.ts';
import { lstatIfPresent } from '../util/fsProbe.ts';
import { ensureStoreIgnores } from './store.ts';
import { storePath } from '../store/storePath.ts';
import { MAX_CODE_FILE_BYTES, MAX_CODE_FILES } from './codeTree.ts';
import { ContentIndex } from './contentIndex.ts';
import { parseCacheText } from '../store/cacheFile.ts';

/** The code index cache, relative to the store: derived from the repository, per machine (git-ignored). */
export const CODE_INDEX_CACHE = ['cache', 'code-index.json'] as const;

/** Bumped when what an entry holds changes (tokenizer, redaction, fields): an older cache is rebuilt without a word. */
const CACHE_VERSION = 1;

const objectId = z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/);

/**
 * MiniSearch's JSON, checked before it is loaded: the cache is derived data that anything could
 * have overwritten, and loadJS trusts what it is given. Hand-written: zod over every posting took
 * longer than parsing the JSON.
 */
function isSearchJson(value: unknown): boolean {
  if (!isRecord(value) || value.serializationVersion !== 2) return false;
  if (!isCount(value.documentCount) || !isCount(value.nextId) || (value.dirtCount !== undefined && !isCount(value.dirtCount))) return false;
  if (!isRecordOf(value.documentIds, (id) => typeof id === 'string') || !isRecordOf(value.fieldIds, isCount) || !isRecordOf(value.storedFields, () => true)) return false;
  if (!isRecordOf(value.fieldLength, isNumbers) || !isNumbers(value.averageFieldLength) || !Array.isArray(value.index)) return false;
  // Plain loops: a large tree's index has a million postings, and this runs on every load.
  for (const entry of value.index as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !isRecord(entry[1])) return false;
    for (const field in entry[1]) {
      const postings = entry[1][field];
      if (!isRecord(postings)) return false;
      for (const doc in postings) if (!isCount(postings[doc])) return false;
    }
  }
  return true;
}

const cacheSchema = z.object({
  version: z.literal(CACHE_VERSION),
  limits: z.object({ maxFileBytes: z.literal(MAX_CODE_FILE_BYTES), maxFiles: z.literal(MAX_CODE_FILES) }),
  tree: objectId,
  blobs: z.record(z.string().min(1), objectId),
  index: z.custom<unknown>(isSearchJson, 'not a serialized search index'),
});

export interface LoadedCodeIndex {
  /** The saved index, or undefined when there is none or it could not be used. */
  index?: ContentIndex;
  /** Why a cache that was there could not be used (it is then rebuilt). */
  problem?: string;
}

/**
 * The code index saved in the store, if any. A cache that is cut off, garbage or of another shape is
 * not used (`problem` says why; the caller rebuilds and overwrites it); one from another version is
 * ignored silently. A link anywhere on its path is refused (`store-corrupt`), never followed.
 */
export async function loadCodeIndex(storeDir: string): Promise<LoadedCodeIndex> {
  const text = await readStoreText(await cachePath(storeDir)).catch(refused);
  if (text === undefined) return {};
  const { value, problem } = parseCacheText(text, CACHE_VERSION, cacheSchema);
  if (!value) return problem ? { problem } : {};
  try {
    return { index: ContentIndex.fromJSON(value) };
  } catch (error) {
    return { problem: `its index cannot be loaded: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Saves the index atomically (temp file, rename): two processes saving at once leave one whole file,
 * the last one's. Without the flush to disk (writeStoreFile's): a cache lost to a power cut is rebuilt.
 * False when there is no store to keep it in.
 */
export async function saveCodeIndex(storeDir: string, index: ContentIndex): Promise<boolean> {
  const path = await cachePath(storeDir);
  // Only into a store that exists: a solve in a repository never mined leaves no .coevolve behind.
  if (!(await lstatIfPresent(storeDir))) return false;
  // The cache is per machine: the store's .gitignore must say so before a large file lands there.
  ensureStoreIgnores(storeDir);
  const body = JSON.stringify({ version: CACHE_VERSION, limits: { maxFileBytes: MAX_CODE_FILE_BYTES, maxFiles: MAX_CODE_FILES }, ...index.toJSON() });
  await mkdir(dirname(path), { recursive: true });
  await atomicWriteFile(path, body, { durable: false });
  return true;
}

/** The cache file's path: the store, its cache folder and the file itself must not be links. */
export async function cachePath(storeDir: string): Promise<string> {
  return storePath(storeDir, ...CODE_INDEX_CACHE).catch(refused);
}

/** A link (or a folder) where the cache should be: refused, with what to do about it. */
function refused(error: unknown): never {
  if (!CoevolveError.is(error, 'store-corrupt')) throw error;
  throw new CoevolveError('store-corrupt', `${error.message} (The code index cache is never read or written through a link.)`, {
    hint: `Remove it: the code index is derived data, rebuilt from the repository on the next call. (${CODE_INDEX_CACHE.join('/')} in the store; \`coevolve store repair\` moves a linked cache folder aside.)`,
    cause: error,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecordOf(value: unknown, check: (item: unknown) => boolean): boolean {
  return isRecord(value) && Object.values(value).every(check);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isNumbers(value: unknown): boolean {
  return Array.isArray(value) && value.every((n) => typeof n === 'number' && Number.isFinite(n));
}
