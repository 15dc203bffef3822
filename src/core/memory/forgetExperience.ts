import { rm } from 'node:fs/promises';
import { CoevolveError } from '../errors.ts';
import { recallCachePath } from './recallIndex.ts';
import type { CommitExperience } from './experience.ts';
import { MemoryStore } from './store.ts';
import { tombstoneOf } from './tombstone.ts';
import { syncDiskIndex } from './openMemoryIndex.ts';

/**
 * Forgets one mined commit for good: its record becomes a tombstone (message, author, files,
 * symbols, diff summary and utility erased from the shard on disk) and its sha is listed in
 * meta.json, so mining it again — after a history rewrite, a store repair, a fresh start — keeps it
 * a tombstone; the search index cache is dropped. The commit itself stays in git; runs that recalled
 * it before keep their own logs. Returns the record as it was (for the caller to say what was
 * forgotten) and the tombstone now stored; undefined when no experience has that sha.
 */
export async function forgetExperience(storeDir: string, shaOrPrefix: string): Promise<{ was: CommitExperience; tombstone: CommitExperience } | undefined> {
  // Checked before anything is written: a cache folder that is a link is refused, never deleted through.
  const cache = await recallCachePath(storeDir);
  const store = await MemoryStore.open(storeDir);
  const forgotten = await store.transaction(async (tx) => {
    const found = await tx.find(shaOrPrefix);
    if (!found) return undefined;
    if (found.forgotten) throw new CoevolveError('bad-input', `${found.sha.slice(0, 10)} was already forgotten (${found.forgotten.at}).`);
    tx.meta.forgotten = [...new Set([...(tx.meta.forgotten ?? []), found.sha])];
    const tombstone = tombstoneOf(found, new Date().toISOString());
    await tx.upsert([tombstone]);
    return { was: found, tombstone };
  });
  // The search index cache holds the commit's words too: it is derived, so it is rebuilt on next use.
  if (forgotten) await rm(cache, { force: true });
  // A large store's index on disk is brought up to the tombstone now, its old text overwritten.
  if (forgotten) (await syncDiskIndex(store))?.close();
  return forgotten;
}

/** Pin, quarantine and restore do not apply to a forgotten commit: there is nothing left to rank. */
export function refuseForgotten(experience: CommitExperience, action: string): void {
  if (experience.forgotten) throw new CoevolveError('bad-input', `${experience.sha.slice(0, 10)} was forgotten (${experience.forgotten.at}); it cannot be ${action}.`);
}
