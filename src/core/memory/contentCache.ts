import { CoevolveError } from '../errors.ts';
import { ignoreError, reportIgnored } from '../ignoredErrors.ts';
import { treeOf } from './codeTree.ts';
import { ContentIndex } from './contentIndex.ts';
import { loadCodeIndex, saveCodeIndex } from './contentIndexCache.ts';

/** Where a code index comes from (the repository) and where it is kept (the store's cache). */
export interface CodePlace {
  root: string;
  storeDir: string;
}

export interface CodeIndexOptions {
  /** Told what the user should know: a damaged cache that was rebuilt, a cache that could not be saved. */
  onNote?: (note: string) => void;
}

/**
 * The index of the code kept per process (a long-lived editor or MCP server recalls many times on
 * the same repository): the one that follows HEAD, loaded from `<store>/cache` once, moved
 * incrementally when HEAD moves, dropped after a while unused — on a large repository it is a
 * sizeable part of the heap, and reloading it from the cache is cheap.
 */
const IDLE_MS = 10 * 60_000;
interface Kept {
  key: string;
  index: Promise<ContentIndex>;
  /** The tree the cache file holds, so an unchanged index is not written again. */
  savedTree: string | undefined;
  expiry: NodeJS.Timeout;
}
let kept: Kept | undefined;

function keptFor(place: CodePlace, onNote: ((note: string) => void) | undefined): Kept {
  const key = `${place.root}\0${place.storeDir}`;
  if (kept?.key === key) {
    kept.expiry.refresh();
    return kept;
  }
  if (kept) clearTimeout(kept.expiry);
  const expiry = setTimeout(() => {
    if (kept?.key === key) kept = undefined;
  }, IDLE_MS);
  expiry.unref();
  const entry: Kept = { key, index: Promise.resolve(ContentIndex.empty()), savedTree: undefined, expiry };
  entry.index = loadCodeIndex(place.storeDir).then(({ index, problem }) => {
    if (problem) onNote?.(`The code index cache in ${place.storeDir} could not be used (${problem}); it is rebuilt from the repository.`);
    entry.savedTree = index?.tree;
    return index ?? ContentIndex.empty();
  });
  kept = entry;
  return entry;
}

/**
 * The code channel for recall (BM25 over the files of a commit) at `revision`. HEAD's index is
 * loaded from the store's cache, brought up to date by re-reading only the files whose blob
 * changed, saved back, and kept in memory. Another revision (a `--before` cutoff) gets a copy of it
 * moved to that revision, neither kept nor saved, so HEAD's cache is never overwritten by the past.
 * Without a cache the first call builds the index and saves it.
 */
export async function codeIndexAt(place: CodePlace, revision: string, options: CodeIndexOptions = {}): Promise<ContentIndex> {
  const [tree, head] = await Promise.all([treeOf(place.root, revision), treeOf(place.root, 'HEAD')]);
  const entry = keptFor(place, options.onNote);
  let index: ContentIndex;
  try {
    index = await entry.index;
  } catch (error) {
    // A load that failed (a link in the cache) is not kept: the next call tries again and says so again.
    if (kept === entry) kept = undefined;
    throw error;
  }
  if (!tree) {
    // Let the index say that the revision does not exist, as a typed error.
    await index.update(place.root, revision);
  }
  if (tree !== head) {
    const past = await index.copy();
    await past.update(place.root, revision);
    return past;
  }
  await index.update(place.root, revision);
  if (index.tree !== entry.savedTree) {
    try {
      if (await saveCodeIndex(place.storeDir, index)) entry.savedTree = index.tree;
    } catch (error) {
      options.onNote?.(`The code index could not be saved in ${place.storeDir} (${error instanceof Error ? error.message : String(error)}); the next process builds it again.`);
      reportIgnored('the code index is only a cache: recall goes on with the one in memory', error);
    }
  }
  return index;
}

/**
 * {@link codeIndexAt} for a solve, which must not wait long: at most `waitMs`. A large repository's
 * first build goes on in the background for the next task instead of holding this one up.
 * Undefined when the index is not ready in time, or cannot be had (reported; a link in the cache
 * also as a note).
 */
export async function contentIndexFor(place: CodePlace, revision: string, waitMs: number, options: CodeIndexOptions = {}): Promise<ContentIndex | undefined> {
  const building = codeIndexAt(place, revision, options).catch((error: unknown) => {
    // Recall goes on from memory alone; a damaged cache (a link) is worth telling the user about.
    if (CoevolveError.is(error, 'store-corrupt')) options.onNote?.(`The code was left out of recall: ${error.message}`);
    return ignoreError('the code channel is left out of recall: its index could not be built')(error);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
    timer.unref();
  });
  try {
    return await Promise.race([building, late]);
  } finally {
    clearTimeout(timer);
  }
}
