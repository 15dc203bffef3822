import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { CoevolveError } from '../errors.ts';
import { EXPERIENCE_SCHEMA } from './experience.ts';
import type { CommitExperience } from './experience.ts';
import { tombstoneOf } from './tombstone.ts';
import { withStoreLock } from './storeLock.ts';
import { STORE_LOG_SCHEMAS } from '../store/logSchemas.ts';
import { repairStoreLogs } from '../store/storeLogs.ts';
import { emptyMeta, META_SCHEMA } from './storeMeta.ts';
import type { StoreMeta } from './storeMeta.ts';

/** Experiences are sharded by first-parent depth: a new commit rewrites only the newest shard. */
export const SHARD_SIZE = 1000;

interface ShardFile {
  schema: number;
  shard: number;
  items: CommitExperience[];
}

export function shardOf(seq: number): number {
  return Math.floor(seq / SHARD_SIZE);
}

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
    return new MemoryStore(dir, meta);
  }

  get state(): Readonly<StoreMeta> {
    return this.meta;
  }

  /** Re-reads meta.json, e.g. after another process wrote. */
  async refresh(): Promise<void> {
    this.meta = (await readMeta(this.dir)) ?? emptyMeta();
  }

  /**
   * Runs `fn` under the store's write lock with fresh copies of meta and of every shard it touches;
   * writes the changed shards, then meta, when `fn` returns.
   */
  async transaction<T>(fn: (tx: StoreTransaction) => Promise<T> | T): Promise<T> {
    await ensureLayout(this.dir);
    return withStoreLock(this.dir, async () => {
      const meta = (await readMeta(this.dir)) ?? emptyMeta();
      const tx = new StoreTransaction(this.dir, meta);
      const result = await fn(tx);
      await tx.commit();
      this.meta = tx.meta;
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
}

export class StoreTransaction {
  private readonly shards = new Map<number, Low<ShardFile>>();
  private readonly dirty = new Set<number>();
  private shaToSeq: Map<string, number> | undefined;

  constructor(
    private readonly dir: string,
    readonly meta: StoreMeta,
  ) {}

  async shard(number: number): Promise<ShardFile> {
    let db = this.shards.get(number);
    if (!db) {
      db = new Low<ShardFile>(shardAdapter(this.dir, number), { schema: EXPERIENCE_SCHEMA, shard: number, items: [] });
      await db.read();
      this.shards.set(number, db);
    }
    return db.data;
  }

  /** Inserts or replaces experiences by sha; a forgotten sha is only ever stored as its tombstone. */
  /**
   * Writes experiences, replacing stored ones of the same sha. With `keepLearned` (mining), a
   * commit mined again keeps what was learned about it — its utility: Q, counts, pin, quarantine —
   * and only the mined fields are renewed; without it (a credit, a pin), the given record is the truth.
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
          this.meta.counts.experiences++;
        } else {
          const stored = file.items[at]!;
          file.items[at] = options.keepLearned ? { ...experience, utility: stored.utility } : experience;
        }
        this.shaToSeq?.set(experience.sha, experience.seq);
      }
      file.items.sort((a, b) => b.seq - a.seq);
      this.dirty.add(number);
    }
  }

  /** Finds an experience by full sha or unique prefix (7+ chars). */
  async find(shaOrPrefix: string): Promise<CommitExperience | undefined> {
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
    this.meta.counts.experiences -= removed;
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
    this.meta.counts.experiences = 0;
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

  async commit(): Promise<void> {
    for (const number of this.dirty) {
      const db = this.shards.get(number)!;
      const previous = this.meta.shards[String(number)];
      this.meta.shards[String(number)] = { count: db.data.items.length, rev: (previous?.rev ?? 0) + 1 };
      await db.write();
    }
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

function shardPath(dir: string, shard: number): string {
  return join(MemoryStore.memoryDir(dir), 'experiences', `shard-${String(shard).padStart(6, '0')}.json`);
}

function metaPath(dir: string): string {
  return join(MemoryStore.memoryDir(dir), 'meta.json');
}

function shardAdapter(dir: string, shard: number): DataFile<ShardFile> {
  const path = shardPath(dir, shard);
  return new DataFile<ShardFile>(path, {
    parse: (text) => parseShard(text, path),
    // One experience per line: small, readable diffs when a team commits its memory.
    stringify: (data) =>
      `{"schema":${data.schema},"shard":${data.shard},"items":[\n${data.items.map((item) => JSON.stringify(item)).join(',\n')}\n]}\n`,
  });
}

function parseShard(text: string, path: string): ShardFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, 'is not valid JSON (it may have been cut off)', error);
  }
  const file = parsed as Partial<ShardFile>;
  if (!file || typeof file !== 'object' || !Array.isArray(file.items) || typeof file.schema !== 'number') {
    throw corrupt(path, 'does not have the shape of a Co-evolve shard');
  }
  if (file.schema > EXPERIENCE_SCHEMA) {
    throw new CoevolveError('store-newer-schema', `${path} was written by a newer Co-evolve (schema ${file.schema}; this one reads ${EXPERIENCE_SCHEMA}).`, {
      hint: 'Update Co-evolve; the file was left as it is.',
    });
  }
  return file as ShardFile;
}

async function readShard(dir: string, shard: number): Promise<ShardFile | null> {
  return shardAdapter(dir, shard).read();
}

function metaAdapter(dir: string): DataFile<StoreMeta> {
  const path = metaPath(dir);
  return new DataFile<StoreMeta>(path, {
    parse: (text) => {
      let parsed: StoreMeta;
      try {
        parsed = JSON.parse(text) as StoreMeta;
      } catch (error) {
        throw corrupt(path, 'is not valid JSON (it may have been cut off)', error);
      }
      if (!parsed || typeof parsed !== 'object' || typeof parsed.shards !== 'object' || !parsed.mining) {
        throw corrupt(path, 'does not have the shape of a Co-evolve store index');
      }
      if (parsed.schema > META_SCHEMA) {
        throw new CoevolveError('store-newer-schema', `${path} was written by a newer Co-evolve (schema ${parsed.schema}).`, {
          hint: 'Update Co-evolve; the file was left as it is.',
        });
      }
      return parsed;
    },
    stringify: (data) => `${JSON.stringify(data, null, 2)}\n`,
  });
}

async function readMeta(dir: string): Promise<StoreMeta | null> {
  return metaAdapter(dir).read();
}

async function writeMeta(dir: string, meta: StoreMeta): Promise<void> {
  await new Low<StoreMeta>(metaAdapter(dir), meta).write();
}

function corrupt(path: string, what: string, cause?: unknown): CoevolveError {
  return new CoevolveError('store-corrupt', `The memory store file ${path} ${what}. It was not changed.`, {
    hint: 'Run `coevolve store repair` to move it aside (a .bak copy is kept) and mine the commits it held again.',
    cause,
  });
}

async function ensureLayout(dir: string): Promise<void> {
  await mkdir(join(MemoryStore.memoryDir(dir), 'experiences'), { recursive: true });
  ensureStoreIgnores(dir);
}

// Caches, locks and run trajectories (prompts, code, outputs) are per machine; memory/ is what a
// team may commit.
const PER_MACHINE = ['cache/', '*.lock', '*.bak', 'runs/'];

/** Keeps the store's .gitignore listing what is per machine, adding what an older version left out. */
export function ensureStoreIgnores(dir: string): void {
  const ignore = join(dir, '.gitignore');
  let text = '';
  try {
    text = readFileSync(ignore, 'utf8');
  } catch {
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
    const shardDir = join(MemoryStore.memoryDir(dir), 'experiences');
    const good = new Map<number, ShardFile>();
    for (const name of (await readdir(shardDir)).filter((n) => /^shard-\d+\.json$/.test(n)).sort()) {
      const number = Number(name.slice(6, -5));
      try {
        const file = await readShard(dir, number);
        if (file) good.set(number, file);
      } catch (error) {
        if (!CoevolveError.is(error, 'store-corrupt')) throw error;
        const path = join(shardDir, name);
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
      await rename(metaPath(dir), `${metaPath(dir)}.corrupt-${stamp}.bak`);
      report.movedAside.push(`${metaPath(dir)}.corrupt-${stamp}.bak`);
      report.metaRebuilt = true;
    }
    if (!meta) meta = rebuildMeta(good);
    for (const hole of report.holes) {
      delete meta.shards[String(shardOf(hole.from))];
      meta.mining.holes.push(hole);
    }
    const revs = meta.shards;
    meta.shards = Object.fromEntries([...good].map(([number, file]) => [String(number), { count: file.items.length, rev: (revs[String(number)]?.rev ?? 0) + 1 }]));
    meta.counts.experiences = [...good.values()].reduce((sum, file) => sum + file.items.length, 0);
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
