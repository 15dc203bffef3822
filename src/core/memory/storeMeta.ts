export const META_SCHEMA = 1;

/** What has been mined: the contiguous first-parent range [tail .. head], plus repairs to redo. */
export interface MiningState {
  head?: string;
  headSeq?: number;
  tail?: string;
  tailSeq?: number;
  /** The walk reached the root (or the shallow boundary). */
  complete: boolean;
  shallow: boolean;
  /** Revert commits whose target was not mined yet: target sha -> revert sha. */
  pendingReverts: Record<string, string>;
  /** Seq ranges lost to a repaired shard, to mine again. */
  holes: Array<{ from: number; to: number }>;
  lastRunAt?: string;
}

export interface StoreMeta {
  schema: number;
  /** Bumped on every write; caches derived from the store (the search index) key on it. */
  generation: number;
  updatedAt?: string;
  counts: { experiences: number };
  /** Per shard: its size and a revision bumped on each write, so caches can refresh one shard. */
  shards: Record<string, { count: number; rev: number }>;
  mining: MiningState;
  /** Shas a person told memory to forget: mined again (a rewrite, a repair, a fresh start), they stay tombstones. */
  forgotten?: string[];
}

export function emptyMeta(): StoreMeta {
  return {
    schema: META_SCHEMA,
    generation: 0,
    counts: { experiences: 0 },
    shards: {},
    mining: { complete: false, shallow: false, pendingReverts: {}, holes: [] },
  };
}
