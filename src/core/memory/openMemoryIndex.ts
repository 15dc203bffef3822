import { rm } from 'node:fs/promises';
import { CoevolveError } from '../errors.ts';
import { statIfPresent } from '../util/fsProbe.ts';
import { storePath } from '../store/storePath.ts';
import { HISTORY_INDEX, HistoryIndex } from './engine/historyIndex.ts';
import type { MemoryIndex } from './memoryIndex.ts';
import { RECALL_CACHE, RecallIndex } from './recallIndex.ts';
import type { MemoryStore } from './store.ts';

/**
 * Above this many experiences a store's recall index lives on disk in SQLite (engine/): the whole
 * in-memory index of git's 24k commits was a 41 MB JSON file that took 1.8 s and 560 MB to load.
 * Below it the in-memory index is faster to build and to query, and its figures are the ones tuned.
 */
export const DISK_ENGINE_FROM = 20_000;

export type EngineName = 'json' | 'sqlite';

/**
 * The engine for a store: COEVOLVE_MEMORY_ENGINE when set (benchmarks, tests), else SQLite once the
 * store is large or already has its index on disk (a store that grew past the mark stays there).
 */
export async function engineFor(store: MemoryStore, expected = store.state.counts.experiences): Promise<EngineName> {
  const forced = process.env.COEVOLVE_MEMORY_ENGINE;
  if (forced === 'json' || forced === 'sqlite') return forced;
  if (forced) throw new CoevolveError('bad-input', `COEVOLVE_MEMORY_ENGINE is "${forced}"; it must be json or sqlite.`);
  if (expected >= DISK_ENGINE_FROM) return 'sqlite';
  return (await statIfPresent(await storePath(store.dir, ...HISTORY_INDEX))) ? 'sqlite' : 'json';
}

/**
 * The store's recall index, brought up to date with the store by the engine that suits it. With
 * `onNote`, what the disk engine found on opening (a rebuild, a migration) is said before it catches
 * up, which can take a while (18 s at 500k commits), instead of after.
 */
export async function openMemoryIndex(store: MemoryStore, onNote?: (note: string) => void): Promise<MemoryIndex> {
  return (await engineFor(store)) === 'json' ? RecallIndex.load(store) : openDiskIndex(store, true, onNote);
}

/**
 * After a mine: a store on the disk engine has its index brought up to date now, so that the next
 * recall opens it ready instead of indexing what was mined. The in-memory engine catches up on load.
 */
export async function syncDiskIndex(store: MemoryStore, options: { files?: boolean; expected?: number } = {}): Promise<HistoryIndex | undefined> {
  return (await engineFor(store, options.expected)) === 'sqlite' ? openDiskIndex(store, options.files !== false) : undefined;
}

async function openDiskIndex(store: MemoryStore, files: boolean, onNote?: (note: string) => void): Promise<HistoryIndex> {
  const index = await HistoryIndex.open(store.dir);
  if (onNote) for (const note of index.notes.splice(0)) onNote(note);
  try {
    await index.sync(store, { files });
    // Migrated: the in-memory engine's cache (tens of MB on such a store) is no longer read.
    await rm(await storePath(store.dir, ...RECALL_CACHE), { force: true });
  } catch (error) {
    index.close();
    throw error;
  }
  return index;
}
