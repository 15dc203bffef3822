export const META_SCHEMA = 1;

/** Experiences are sharded by first-parent depth: a new commit rewrites only the newest shard. */
export const SHARD_SIZE = 1000;

export function shardOf(seq: number): number {
  return Math.floor(seq / SHARD_SIZE);
}

/**
 * What meta.json knows of a shard: its size and a revision bumped on each change (caches refresh
 * one shard by it), and the file's size and modification time as last written, so that a shard
 * changed behind meta's back (a crash between the two writes, a hand edit, a bad merge) is noticed
 * on the next open.
 */
export interface ShardRecord {
  count: number;
  rev: number;
  bytes?: number;
  mtimeMs?: number;
}

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
  /** The redaction rules the stored text was mined under (security/minedText.ts); absent: the first. */
  redaction?: number;
  /** The branch HEAD was on when `head` was mined (absent: detached, or mined by an older version). */
  branch?: string;
}

export interface StoreMeta {
  schema: number;
  /** Bumped on every write; caches derived from the store (the search index) key on it. */
  generation: number;
  updatedAt?: string;
  counts: { experiences: number };
  shards: Record<string, ShardRecord>;
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
