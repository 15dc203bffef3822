import { CoevolveError } from '../errors.ts';
import type { CommitExperience } from './experience.ts';
import type { MemoryIndex } from './memoryIndex.ts';
import { HistoryIndex } from './engine/historyIndex.ts';
import { openMemoryIndex } from './openMemoryIndex.ts';
import { MemoryStore, shardOf } from './store.ts';
import type { ShardRows } from './shardRows.ts';
import type { HeadFollower } from '../mining/headFollower.ts';

export interface LoadedMemory {
  store: MemoryStore;
  index: MemoryIndex;
  generation: number;
}

/**
 * The store and its recall index, loaded once and kept by a long-lived caller (the MCP server, the
 * editor) that recalls many times. Each call re-reads only meta.json; when another process (a
 * `coevolve mine`, a credit) bumped the generation, the index is loaded again, which re-indexes only
 * the shards that changed.
 */
export class WarmMemory {
  private loaded: LoadedMemory | undefined;
  private loading: Promise<LoadedMemory> | undefined;
  private readonly shards = new Map<string, ShardRows>();

  /** `onNote` is told what the user should know about a load (a damaged index cache that was rebuilt). */
  constructor(
    private readonly storeDir: string,
    private readonly onNote?: (note: string) => void,
    /** Mines commits made on top of the mined head before each use (the CLI's MCP server; the editor follows on its own). */
    private readonly follower?: HeadFollower,
  ) {}

  async get(): Promise<LoadedMemory> {
    // Concurrent calls share one load instead of each parsing the index.
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Full records (the digest lacks bodies and revert links), by sha; shards are cached per revision. */
  async experiences(memory: LoadedMemory, shas: readonly string[]): Promise<Map<string, CommitExperience>> {
    const out = new Map<string, CommitExperience>();
    // One read of the index for all of them: each read of the disk index takes its lock folder.
    const digests = memory.index.reading(() => shas.map((sha) => memory.index.digest(sha)));
    for (const [i, sha] of shas.entries()) {
      const digest = digests[i];
      if (!digest) continue;
      const rows = await this.shardRows(memory.store, shardOf(digest.seq));
      // By position, halving; an index a step behind its shard may place a commit elsewhere in it.
      const atSeq = rows.bySeq(digest.seq);
      const row = atSeq?.sha === sha ? atSeq : rows.find(sha);
      if (row) out.set(sha, row);
    }
    return out;
  }

  /**
   * One shard's rows, kept for the last few shards read at the revision `store` (refreshed by the
   * caller) records: paging or looking up in the same shard reads it once while it is unchanged.
   */
  async shardRows(store: MemoryStore, shard: number): Promise<ShardRows> {
    const key = `${shard}@${store.state.shards[String(shard)]?.rev ?? 0}`;
    let rows = this.shards.get(key);
    if (!rows) {
      rows = await store.shardRows(shard);
      if (this.shards.size >= 4) this.shards.delete(this.shards.keys().next().value!);
      this.shards.set(key, rows);
    }
    return rows;
  }

  private async load(): Promise<LoadedMemory> {
    const store = this.loaded?.store ?? (await MemoryStore.open(this.storeDir));
    if (this.loaded) await store.refresh();
    if (this.follower && (await this.follower.catchUp(store.state.mining.head))) await store.refresh();
    if (this.loaded && store.state.generation === this.loaded.generation) return this.loaded;
    if (store.state.counts.experiences === 0) {
      this.loaded = undefined;
      throw new CoevolveError('store-empty', `Nothing has been mined into ${this.storeDir} yet.`, { hint: 'Run `coevolve mine` in the repository first, then call this tool again.' });
    }
    // The disk engine stays open and catches up shard by shard; the in-memory one is loaded again.
    const index = this.loaded?.index instanceof HistoryIndex ? await this.loaded.index.sync(store).then(() => this.loaded!.index) : await openMemoryIndex(store);
    for (const note of index.notes) this.onNote?.(note);
    this.loaded = { store, index, generation: store.state.generation };
    return this.loaded;
  }
}

const byStore = new Map<string, WarmMemory>();

/** One warm memory per store for this process (the editor's quick fixes and panel share it). */
export function warmMemoryFor(storeDir: string): WarmMemory {
  let memory = byStore.get(storeDir);
  if (!memory) {
    memory = new WarmMemory(storeDir);
    byStore.set(storeDir, memory);
  }
  return memory;
}
