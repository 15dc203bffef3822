import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { CoevolveError } from '../errors.ts';
import { storePath, storePathSync } from '../store/storePath.ts';
import { readStoreText } from '../store/storeFile.ts';
import { ifPresent } from '../util/fsProbe.ts';
import { EXPERIENCE_SCHEMA } from './experience.ts';
import type { CommitExperience } from './experience.ts';
import { tombstoneOf } from './tombstone.ts';
import { HistoryIndex } from './engine/historyIndex.ts';
import { withStoreLock } from './storeLock.ts';
import { STORE_LOG_SCHEMAS } from '../store/logSchemas.ts';
import { repairStoreLogs } from '../store/storeLogs.ts';
import { metaAdapter, shardAdapter, shardFilePath, shardFileState, shardFileStates, shardsOnDisk } from './storeFiles.ts';
import type { ShardAdapter, ShardFile } from './storeFiles.ts';
import { ShardRows } from './shardRows.ts';
import { emptyMeta, SHARD_SIZE, shardOf } from './storeMeta.ts';
import type { StoreMeta } from './storeMeta.ts';

export { SHARD_SIZE, shardOf };

/**
 * The memory store: `<dir>/memory/meta.json` plus one JSON file per shard of experiences, each read
 * and written through lowdb (atomic temp-file-and-rename writes). Writers take a lock and re-read
 * what they change, so two processes never lose each other's writes.
 */
export class MemoryStore {
  private constructor(
    readonly dir: string,
    private meta: StoreMeta,
  ) {}

  static memoryDir(dir: string): string {
    return join(dir, 'memory');
  }

  /** Opens (without creating) the store in `dir`; an absent store reads as empty. */
  static async open(dir: string): Promise<MemoryStore> {
    const meta = (await readMeta(dir)) ?? emptyMeta();
    const store = new MemoryStore(dir, meta);
    if ((await driftedShards(dir, meta)).length > 0) {
      // Rare (a crash between a shard's write and meta's, a hand edit, a merge): set meta right
      // under the lock, where a writer that was half-way has finished.
      await withStoreLock(dir, async () => {
        const fresh = (await readMeta(dir)) ?? emptyMeta();
        if (await reconcileMeta(dir, fresh, store.notices)) await writeMeta(dir, fresh);
        store.meta = fresh;
      });
    }
    return store;
  }

  /** What opening the store had to set right, in plain sentences. */
  readonly notices: string[] = [];

  get state(): Readonly<StoreMeta> {
    return this.meta;
  }

  /** meta.json as last read by refresh: a long-lived reader refreshes before every recall. */
  private metaStamp: string | undefined;

  /**
   * Re-reads meta.json, e.g. after another process wrote; not when it is the file last read (it is
   * replaced by a rename on every write, so a new inode or size or time says it changed). At 500k
   * commits it is ~60 KB to parse and check.
   */
  async refresh(): Promise<void> {
    const stamp = await metaStampOf(this.dir);
    if (stamp !== undefined && stamp === this.metaStamp) return;
    this.meta = (await readMeta(this.dir)) ?? emptyMeta();
    this.metaStamp = stamp;
  }

  /**
   * Runs `fn` under the store's write lock with fresh copies of meta and of every shard it touches;
   * writes the changed shards, then meta, when `fn` returns.
   */
  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T> | T): Promise<T> {
    await ensureLayout(this.dir);
    return withStoreLock(this.dir, async () => {
      const meta = (await readMeta(this.dir)) ?? emptyMeta();
      await reconcileMeta(this.dir, meta, this.notices);
      const tx = new StoreTransaction(this.dir, meta);
      let result: T;
      try {
        result = await fn(tx);
      } finally {
        tx.dispose();
      }
      await tx.commit();
      this.meta = tx.meta;
      this.metaStamp = undefined;
      return result;
    });
  }

  /** Every experience, shard by shard, oldest shard first. */
  async *experiences(): AsyncGenerator<CommitExperience> {
    for (const shard of shardNumbers(this.meta)) {
      const file = await readShard(this.dir, shard);
      if (file) yield* file.items;
    }
  }

  async loadAll(): Promise<CommitExperience[]> {
    const all: CommitExperience[] = [];
    for await (const experience of this.experiences()) all.push(experience);
    return all;
  }

  async loadShard(shard: number): Promise<CommitExperience[]> {
    return (await readShard(this.dir, shard))?.items ?? [];
  }

  /** One shard for reading a few of its experiences: only the lines asked for are parsed. */
  async shardRows(shard: number): Promise<ShardRows> {
    const path = await shardFilePath(this.dir, shard);
    return ShardRows.fromText(await readStoreText(path), path, shard);
  }
}

export class StoreTransaction {
  private readonly shards = new Map<number, Low<ShardFile> & { adapter: ShardAdapter }>();
  private readonly dirty = new Set<number>();
  private shaToSeq: Map<string, number> | undefined;
  /**
   * Where a sha is, when the caller knows (the disk index, over what was committed): find() then
   * reads one shard instead of every shard, which a large store cannot afford per transaction.
   */
  locate?: (shaOrPrefix: string) => number | undefined;
  private locator: Awaited<ReturnType<typeof HistoryIndex.locatorFor>> | null = null;
  /** After commit: each shard written, with its new revision and all its items. */
  readonly written: Array<{ shard: number; rev: number; items: CommitExperience[] }> = [];

  constructor(
    private readonly dir: string,
    readonly meta: StoreMeta,
  ) {}

  async shard(number: number): Promise<ShardFile> {
    let db = this.shards.get(number);
    if (!db) {
      db = new Low<ShardFile>(shardAdapter(this.dir, number), { schema: EXPERIENCE_SCHEMA, shard: number, items: [] }) as Low<ShardFile> & { adapter: ShardAdapter };
      await db.read();
      this.shards.set(number, db);
    }
    return db.data;
  }

  /**
   * Writes experiences, replacing stored ones of the same sha. With `keepLearned` (mining), a
   * commit mined again keeps what was learned about it — its utility (Q, counts, pin, quarantine)
   * and the revert that undid it — and only the mined fields are renewed; without it (a credit, a
   * pin), the given record is the truth. A forgotten sha is only ever stored as its tombstone.
   */
  async upsert(experiences: readonly CommitExperience[], options: { keepLearned?: boolean } = {}): Promise<void> {
    const byShard = new Map<number, CommitExperience[]>();
    const forgotten = this.meta.forgotten?.length ? new Set(this.meta.forgotten) : undefined;
    for (const mined of experiences) {
      const experience = forgotten?.has(mined.sha) && !mined.forgotten ? tombstoneOf(mined, new Date().toISOString()) : mined;
      const list = byShard.get(shardOf(experience.seq)) ?? [];
      list.push(experience);
      byShard.set(shardOf(experience.seq), list);
    }
    for (const [number, list] of byShard) {
      const file = await this.shard(number);
      const position = new Map(file.items.map((item, index) => [item.sha, index]));
      for (const experience of list) {
        const at = position.get(experience.sha);
        if (at === undefined) {
          position.set(experience.sha, file.items.length);
          file.items.push(experience);
        } else {
          const stored = file.items[at]!;
          file.items[at] = options.keepLearned ? remined(experience, stored) : experience;
        }
        this.shaToSeq?.set(experience.sha, experience.seq);
      }
      file.items.sort((a, b) => b.seq - a.seq);
      this.dirty.add(number);
    }
  }

  /** Finds an experience by full sha or unique prefix (7+ chars). */
  async find(shaOrPrefix: string): Promise<CommitExperience | undefined> {
    if (!this.locate && this.locator === null && !this.shaToSeq) {
      // A store with its index on disk is large: ask the index rather than read every shard.
      const dir = this.dir;
      this.locator = await HistoryIndex.locatorFor({ dir, state: this.meta, loadShard: async (n) => (await readShard(dir, n))?.items ?? [] });
      if (this.locator) this.locate = this.locator.locate;
    }
    if (this.locate && !this.shaToSeq) {
      // What this transaction already holds first: the locator knows only what was committed.
      const matches = (sha: string) => sha === shaOrPrefix || (shaOrPrefix.length >= 7 && sha.startsWith(shaOrPrefix));
      for (const db of this.shards.values()) {
        const held = db.data.items.find((item) => matches(item.sha));
        if (held) return held;
      }
      const seq = this.locate(shaOrPrefix);
      return seq === undefined ? undefined : (await this.shard(shardOf(seq))).items.find((item) => item.seq === seq && matches(item.sha));
    }
    const index = await this.shaIndex();
    let seq = index.get(shaOrPrefix);
    let sha = shaOrPrefix;
    if (seq === undefined && shaOrPrefix.length >= 7 && shaOrPrefix.length < 40) {
      for (const [candidate, candidateSeq] of index) {
        if (candidate.startsWith(shaOrPrefix)) {
          sha = candidate;
          seq = candidateSeq;
          break;
        }
      }
    }
    if (seq === undefined) return undefined;
    const file = await this.shard(shardOf(seq));
    return file.items.find((item) => item.sha === sha);
  }

  /** Marks a shard as changed after editing an item obtained from {@link find}. */
  touch(experience: CommitExperience): void {
    this.dirty.add(shardOf(experience.seq));
  }

  /** Removes every experience whose seq is above `seq` (a rewritten part of history). */
  async removeAbove(seq: number): Promise<number> {
    let removed = 0;
    for (const number of shardNumbers(this.meta)) {
      if ((number + 1) * SHARD_SIZE <= seq + 1) continue;
      const file = await this.shard(number);
      const before = file.items.length;
      file.items = file.items.filter((item) => item.seq <= seq);
      if (file.items.length !== before) {
        removed += before - file.items.length;
        this.dirty.add(number);
      }
    }
    this.shaToSeq = undefined;
    return removed;
  }

  /** Drops every experience (used when history must be mined again from scratch). */
  async clear(): Promise<void> {
    for (const number of shardNumbers(this.meta)) {
      const file = await this.shard(number);
      file.items = [];
      this.dirty.add(number);
    }
    this.shaToSeq = undefined;
  }

  private async shaIndex(): Promise<Map<string, number>> {
    if (!this.shaToSeq) {
      this.shaToSeq = new Map();
      for (const number of shardNumbers(this.meta)) {
        for (const item of (await this.shard(number)).items) this.shaToSeq.set(item.sha, item.seq);
      }
    }
    return this.shaToSeq;
  }

  /** Closes what find() opened. */
  dispose(): void {
    this.locator?.close();
    this.locator = undefined;
  }

  async commit(): Promise<void> {
    for (const number of this.dirty) {
      const db = this.shards.get(number)!;
      const previous = this.meta.shards[String(number)];
      await db.write();
      this.meta.shards[String(number)] = { ...db.adapter.written!, count: db.data.items.length, rev: (previous?.rev ?? 0) + 1 };
      this.written.push({ shard: number, rev: this.meta.shards[String(number)]!.rev, items: db.data.items });
    }
    // Derived from the shards, never counted along: a count can then never drift from what is stored.
    this.meta.counts.experiences = countOf(this.meta);
    if (this.dirty.size > 0) this.meta.generation++;
    this.meta.updatedAt = new Date().toISOString();
    await writeMeta(this.dir, this.meta);
  }
}

function shardNumbers(meta: StoreMeta): number[] {
  return Object.keys(meta.shards)
    .map(Number)
    .sort((a, b) => a - b);
}

async function readShard(dir: string, shard: number): Promise<ShardFile | null> {
  return shardAdapter(dir, shard).read();
}

/** Which meta.json is on disk (undefined when there is none). */
async function metaStampOf(dir: string): Promise<string | undefined> {
  const stats = await ifPresent(stat(await storePath(dir, 'memory', 'meta.json'), { bigint: true }));
  return stats ? `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}` : undefined;
}

async function readMeta(dir: string): Promise<StoreMeta | null> {
  return metaAdapter(dir).read();
}

async function writeMeta(dir: string, meta: StoreMeta): Promise<void> {
  await new Low<StoreMeta>(metaAdapter(dir), meta).write();
}

/**
 * A commit mined again keeps what was learned about it: its utility, and the revert that undid it
 * (found from a later commit, which this mine may not see again: another mine may have linked it).
 */
function remined(mined: CommitExperience, stored: CommitExperience): CommitExperience {
  const revertedBy = mined.revertedBy ?? stored.revertedBy;
  return { ...mined, utility: stored.utility, ...(revertedBy ? { revertedBy } : {}) };
}

function countOf(meta: StoreMeta): number {
  return Object.values(meta.shards).reduce((sum, shard) => sum + shard.count, 0);
}

/** Shards whose file is not the one meta.json recorded (changed, added or gone behind its back). */
async function driftedShards(dir: string, meta: StoreMeta): Promise<number[]> {
  const files = await shardFileStates(dir);
  const numbers = new Set([...files.keys(), ...Object.keys(meta.shards).map(Number)]);
  const drifted: number[] = [];
  for (const number of numbers) {
    const record = meta.shards[String(number)];
    const file = files.get(number);
    if (!record || !file || record.bytes !== file.bytes || record.mtimeMs !== file.mtimeMs) drifted.push(number);
  }
  return drifted.sort((a, b) => a - b);
}

/**
 * Sets meta.json's record of each drifted shard from the shard itself (a shard that is not valid
 * throws store-corrupt: `store repair` is the remedy), and its counts from the records. Returns
 * whether anything changed.
 */
async function reconcileMeta(dir: string, meta: StoreMeta, notices: string[]): Promise<boolean> {
  const drifted = await driftedShards(dir, meta);
  if (drifted.length === 0) return false;
  const before = meta.counts.experiences;
  for (const number of drifted) {
    const record = meta.shards[String(number)];
    const file = await shardFileState(dir, number);
    const items = file ? ((await readShard(dir, number))?.items.length ?? 0) : undefined;
    if (items === undefined) {
      delete meta.shards[String(number)];
      // Its commits are gone: mine them again.
      if (record && record.count > 0) meta.mining.holes.push({ from: Math.max(1, number * SHARD_SIZE), to: number * SHARD_SIZE + SHARD_SIZE - 1 });
      continue;
    }
    meta.shards[String(number)] = { count: items, rev: (record?.rev ?? 0) + 1, bytes: file!.bytes, mtimeMs: file!.mtimeMs };
  }
  meta.counts.experiences = countOf(meta);
  meta.generation++;
  // A store from before these records were kept, or a clone (new file times), is only being recorded.
  if (meta.counts.experiences !== before) {
    notices.push(`The store's index did not match its shards (an interrupted write?): it now counts ${meta.counts.experiences} experience(s), not ${before}.`);
  }
  return true;
}

async function ensureLayout(dir: string): Promise<void> {
  await mkdir(await storePath(dir, 'memory', 'experiences'), { recursive: true });
  ensureStoreIgnores(dir);
}

// Caches, locks and run trajectories (prompts, code, outputs) are per machine; memory/ is what a
// team may commit.
const PER_MACHINE = ['cache/', '*.lock', '*.bak', 'runs/'];

/** Keeps the store's .gitignore listing what is per machine, adding what an older version left out. */
export function ensureStoreIgnores(dir: string): void {
  const ignore = storePathSync(dir, '.gitignore');
  let text = '';
  try {
    text = readFileSync(ignore, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true });
  }
  const present = new Set(text.split(/\r?\n/).map((line) => line.trim()));
  const missing = PER_MACHINE.filter((entry) => !present.has(entry));
  if (missing.length) writeFileSync(ignore, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${missing.join('\n')}\n`);
}

export interface RepairReport {
  movedAside: string[];
  /** Seq ranges whose experiences were lost and must be mined again. */
  holes: Array<{ from: number; to: number }>;
  metaRebuilt: boolean;
  /** Logs rewritten with their valid records only (the original kept as a backup), with the lines dropped. */
  logs: { log: string; backup: string; dropped: number }[];
}

/**
 * Moves corrupt files aside (never deletes them), rebuilds meta.json from the shards when it is the
 * broken one, and records the seq ranges that must be mined again.
 */
export async function repairStore(dir: string): Promise<RepairReport> {
  await ensureLayout(dir);
  return withStoreLock(dir, async () => {
    const report: RepairReport = { movedAside: [], holes: [], metaRebuilt: false, logs: [] };
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const repaired of await repairStoreLogs(dir, STORE_LOG_SCHEMAS, `.corrupt-${stamp}.bak`)) {
      report.logs.push({ log: repaired.log, backup: repaired.backup, dropped: repaired.dropped.length });
      report.movedAside.push(repaired.backup);
    }
    const good = new Map<number, ShardFile>();
    for (const number of await shardsOnDisk(dir)) {
      try {
        const file = await readShard(dir, number);
        if (file) good.set(number, file);
      } catch (error) {
        if (!CoevolveError.is(error, 'store-corrupt')) throw error;
        const path = await shardFilePath(dir, number);
        await rename(path, `${path}.corrupt-${stamp}.bak`);
        report.movedAside.push(`${path}.corrupt-${stamp}.bak`);
        report.holes.push({ from: Math.max(1, number * SHARD_SIZE), to: number * SHARD_SIZE + SHARD_SIZE - 1 });
      }
    }
    let meta: StoreMeta | null = null;
    try {
      meta = await readMeta(dir);
    } catch (error) {
      if (!CoevolveError.is(error, 'store-corrupt')) throw error;
      const path = await storePath(dir, 'memory', 'meta.json');
      await rename(path, `${path}.corrupt-${stamp}.bak`);
      report.movedAside.push(`${path}.corrupt-${stamp}.bak`);
      report.metaRebuilt = true;
    }
    if (!meta) meta = rebuildMeta(good);
    for (const hole of report.holes) {
      delete meta.shards[String(shardOf(hole.from))];
      meta.mining.holes.push(hole);
    }
    const revs = meta.shards;
    meta.shards = {};
    for (const [number, file] of good) {
      const state = await shardFileState(dir, number);
      meta.shards[String(number)] = { count: file.items.length, rev: (revs[String(number)]?.rev ?? 0) + 1, ...state };
    }
    meta.counts.experiences = countOf(meta);
    meta.generation++;
    await writeMeta(dir, meta);
    return report;
  });
}

function rebuildMeta(shards: Map<number, ShardFile>): StoreMeta {
  const meta = emptyMeta();
  let newest: CommitExperience | undefined;
  let oldest: CommitExperience | undefined;
  for (const file of shards.values()) {
    for (const item of file.items) {
      if (!newest || item.seq > newest.seq) newest = item;
      if (!oldest || item.seq < oldest.seq) oldest = item;
    }
  }
  // The tombstones in the good shards still say what was forgotten.
  const forgotten = [...shards.values()].flatMap((file) => file.items.filter((item) => item.forgotten).map((item) => item.sha));
  if (forgotten.length) meta.forgotten = forgotten;
  if (newest && oldest) {
    meta.mining.head = newest.sha;
    meta.mining.headSeq = newest.seq;
    meta.mining.tail = oldest.sha;
    meta.mining.tailSeq = oldest.seq;
    meta.mining.complete = oldest.seq === 1;
  }
  return meta;
}
