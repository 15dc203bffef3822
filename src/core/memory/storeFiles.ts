import { open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { readStoreText, writeStoreFile } from '../store/storeFile.ts';
import { storePath } from '../store/storePath.ts';
import { lstatIfPresent } from '../util/fsProbe.ts';
import { EXPERIENCE_SCHEMA } from './experience.ts';
import type { CommitExperience } from './experience.ts';
import { META_SCHEMA, shardOf } from './storeMeta.ts';
import type { ShardRecord, StoreMeta } from './storeMeta.ts';
import { reportIgnored } from '../ignoredErrors.ts';

// The memory store's own files: meta.json and the experience shards. Read through storePath (no
// link is ever followed), checked against a schema, written atomically with a flush.

export interface ShardFile {
  schema: number;
  shard: number;
  items: CommitExperience[];
}

const count = z.number().int().nonnegative();

// Items are checked on what the store itself relies on (identity, order, utility, the text it
// searches); the rest is kept as written.
export const experienceSchema = z.looseObject({
  schema: z.number().int(),
  id: z.string().min(1),
  source: z.literal('commit'),
  sha: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/),
  seq: z.number().int().positive(),
  author: z.looseObject({ name: z.string(), email: z.string() }),
  intent: z.looseObject({ subject: z.string(), body: z.string() }),
  files: z.array(z.looseObject({ path: z.string() })),
  symbols: z.array(z.looseObject({ path: z.string(), name: z.string() })),
  keywords: z.array(z.string()),
  utility: z.looseObject({ q: z.number().min(-1).max(1), helpful: count, harmful: count, uses: count }),
});

const shardSchema = z.object({ schema: z.number().int(), shard: count, items: z.array(experienceSchema) });

const metaSchema = z.object({
  schema: z.number().int(),
  generation: count,
  updatedAt: z.string().optional(),
  counts: z.object({ experiences: count }),
  shards: z.record(z.string().regex(/^\d+$/), z.object({ count, rev: count, bytes: count.optional(), mtimeMs: z.number().optional() })),
  mining: z.object({
    head: z.string().optional(),
    headSeq: count.optional(),
    tail: z.string().optional(),
    tailSeq: count.optional(),
    complete: z.boolean(),
    shallow: z.boolean(),
    pendingReverts: z.record(z.string(), z.string()),
    holes: z.array(z.object({ from: count, to: count })),
    lastRunAt: z.string().optional(),
    redaction: count.optional(),
    branch: z.string().optional(),
  }),
  forgotten: z.array(z.string()).optional(),
});

/**
 * The header line of a shard written newest first, one experience per line (the shard writer
 * below). Only such a shard can be read a few lines at a time: its order is the writer's promise,
 * not something a reader could check without reading every line.
 */
export const NEWEST_FIRST = '"newestFirst":true';

export const SHARD_NAME = /^shard-(\d+)\.json$/;

export function shardName(shard: number): string {
  return `shard-${String(shard).padStart(6, '0')}.json`;
}

/** The path of a shard, checked inside the store. */
export function shardFilePath(storeDir: string, shard: number): Promise<string> {
  return storePath(storeDir, 'memory', 'experiences', shardName(shard));
}

/** A JSON file of the store as a lowdb adapter: checked on read, written atomically (and flushed). */
class StoreFileAdapter<T> implements Adapter<T> {
  /** Size and modification time of the file as this adapter last wrote it. */
  written: ShardRecord | undefined;

  constructor(
    private readonly storeDir: string,
    private readonly parts: string[],
    private readonly parse: (text: string, path: string) => T,
    private readonly stringify: (data: T) => string,
    private readonly options: { syncFolder?: boolean } = {},
  ) {}

  async read(): Promise<T | null> {
    const path = await storePath(this.storeDir, ...this.parts);
    const text = await readStoreText(path);
    return text === undefined ? null : this.parse(text, path);
  }

  async write(data: T): Promise<void> {
    const path = await storePath(this.storeDir, ...this.parts);
    await writeStoreFile(path, this.stringify(data));
    // The rename reaches the disk with the folder's entry; meta.json is the commit point, so it is
    // the one whose rename must survive a power cut before anyone relies on it.
    if (this.options.syncFolder) await syncFolder(dirname(path));
    const info = await stat(path);
    this.written = { count: 0, rev: 0, bytes: info.size, mtimeMs: info.mtimeMs };
  }
}

async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot flush a folder (EINVAL); the rename itself is still atomic.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') reportIgnored(`could not flush the folder ${path}`, error);
  } finally {
    await handle.close();
  }
}

export type ShardAdapter = StoreFileAdapter<ShardFile>;

export function shardAdapter(storeDir: string, shard: number): ShardAdapter {
  return new StoreFileAdapter<ShardFile>(
    storeDir,
    ['memory', 'experiences', shardName(shard)],
    (text, path) => parseShard(text, path, shard),
    // One experience per line: small, readable diffs when a team commits its memory. Newest first,
    // and saying so: a reader may then parse only the lines it needs (shardRows.ts).
    (data) =>
      `{"schema":${data.schema},"shard":${data.shard},${NEWEST_FIRST},"items":[\n${[...data.items]
        .sort((a, b) => b.seq - a.seq)
        .map((item) => JSON.stringify(item))
        .join(',\n')}\n]}\n`,
  );
}

export function metaAdapter(storeDir: string): StoreFileAdapter<StoreMeta> {
  return new StoreFileAdapter<StoreMeta>(storeDir, ['memory', 'meta.json'], parseMeta, (data) => `${JSON.stringify(data, null, 2)}\n`, { syncFolder: true });
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw corrupt(path, text.length === 0 ? 'is empty' : 'is not valid JSON (it may have been cut off)', error);
  }
}

function checkSchemaVersion(parsed: unknown, path: string, reads: number): void {
  const schema = (parsed as { schema?: unknown } | null)?.schema;
  if (typeof schema === 'number' && schema > reads) {
    throw new CoevolveError('store-newer-schema', `${path} was written by a newer Co-evolve (schema ${schema}; this one reads ${reads}).`, {
      hint: 'Update Co-evolve; the file was left as it is.',
    });
  }
}

export function parseShard(text: string, path: string, shard: number): ShardFile {
  const parsed = parseJson(text, path);
  checkSchemaVersion(parsed, path, EXPERIENCE_SCHEMA);
  const checked = shardSchema.safeParse(parsed);
  if (!checked.success) throw corrupt(path, `does not have the shape of a Co-evolve shard (${describeIssue(checked.error)})`);
  if (checked.data.shard !== shard) throw corrupt(path, `holds shard ${checked.data.shard}, not ${shard}`);
  const outside = checked.data.items.find((item) => shardOf(item.seq) !== shard);
  if (outside) throw corrupt(path, `holds commit ${outside.sha.slice(0, 10)} at position ${outside.seq}, which belongs to another shard`);
  return checked.data as unknown as ShardFile;
}

function parseMeta(text: string, path: string): StoreMeta {
  const parsed = parseJson(text, path);
  checkSchemaVersion(parsed, path, META_SCHEMA);
  const checked = metaSchema.safeParse(parsed);
  if (!checked.success) throw corrupt(path, `does not have the shape of a Co-evolve store index (${describeIssue(checked.error)})`);
  return checked.data as StoreMeta;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'unknown shape';
}

export function corrupt(path: string, what: string, cause?: unknown): CoevolveError {
  return new CoevolveError('store-corrupt', `The memory store file ${path} ${what}. It was not changed.`, {
    hint: 'Run `coevolve store repair` to move it aside (a .bak copy is kept) and mine the commits it held again.',
    cause,
  });
}

/** Shard numbers with a file in the store (links refused like any other path). */
export async function shardsOnDisk(storeDir: string): Promise<number[]> {
  const folder = await storePath(storeDir, 'memory', 'experiences');
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => SHARD_NAME.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The size and modification time of every shard file, from one listing and one `lstat` each, run
 * together: opening a 500k-commit store checks 500 shards, one by one that was 0.2 s of a recall.
 * A shard that is a link is reported as it is (a link's own size), so it reads as changed and the
 * shard's own read refuses it.
 */
export async function shardFileStates(storeDir: string): Promise<Map<number, { bytes: number; mtimeMs: number }>> {
  const folder = await storePath(storeDir, 'memory', 'experiences');
  const numbers = await shardsOnDisk(storeDir);
  const states = await Promise.all(numbers.map((number) => lstatIfPresent(join(folder, shardName(number)))));
  const out = new Map<number, { bytes: number; mtimeMs: number }>();
  numbers.forEach((number, i) => {
    const info = states[i];
    if (info) out.set(number, { bytes: info.size, mtimeMs: info.mtimeMs });
  });
  return out;
}

/** The size and modification time of a shard's file, or undefined when it has none. */
export async function shardFileState(storeDir: string, shard: number): Promise<{ bytes: number; mtimeMs: number } | undefined> {
  const path = await shardFilePath(storeDir, shard);
  try {
    const info = await stat(path);
    return { bytes: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
