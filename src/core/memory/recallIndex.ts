import { constants } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { atomicWriteFile } from '../util/atomicWrite.ts';
import { storePath } from '../store/storePath.ts';
import type { SearchResult } from 'minisearch';
import { digestOf, FIELD_BOOSTS, searchFieldsOf } from './experienceDigest.ts';
import type { ExperienceDigest } from './experienceDigest.ts';
import type { MemoryStore } from './store.ts';
import { shardOf } from './store.ts';
import { TEXT_OPTIONS } from './tokenize.ts';
import { FileSearch } from './fileSearch.ts';
import { FileTable } from './fileTable.ts';
import { reportIgnored } from '../ignoredErrors.ts';
import { lstatIfPresent } from '../util/fsProbe.ts';
import { parseCacheText } from '../store/cacheFile.ts';
import type { ExperienceHit, FileQuery, FileView, HistoryCutoff, MemoryIndex, PageFilter } from './memoryIndex.ts';
import { tokenize } from './tokenize.ts';
import { DerivedCache } from './derivedCache.ts';

const CACHE_VERSION = 7;
// Few fields keep each query cheap: every field is another lookup and scoring pass per term.
const FIELDS = ['title', 'body', 'code'] as const;

interface IndexDoc {
  id: string;
  title: string;
  body: string;
  code: string;
}

/** The recall index cache, relative to the store: derived from memory/, per machine (git-ignored). */
export const RECALL_CACHE = ['cache', 'recall-index.json'] as const;

const KINDS = ['fix', 'feature', 'refactor', 'test', 'docs', 'chore', 'revert'] as const;
const CATEGORIES = ['source', 'test', 'docs', 'config', 'vendored', 'generated', 'lock', 'binary', 'submodule'] as const;

const digestSchema = z.object({
  sha: z.string().min(1),
  seq: z.number().int(),
  time: z.number(),
  kind: z.enum(KINDS),
  subject: z.string(),
  files: z.array(z.object({ path: z.string(), oldPath: z.string().optional(), category: z.enum(CATEGORIES), deleted: z.boolean().optional(), words: z.array(z.string()).optional() })),
  symbols: z.array(z.object({ path: z.string(), name: z.string(), container: z.string().optional(), kind: z.string() })),
  reverted: z.boolean(),
  isRevert: z.boolean(),
  q: z.number(),
  lastUsed: z.number().optional(),
  quarantined: z.boolean().optional(),
  pinned: z.boolean().optional(),
  forgotten: z.boolean().optional(),
}) satisfies z.ZodType<ExperienceDigest>;

/** A MiniSearch index as its toJSON writes it (what MiniSearch.loadJS reads). */
interface SearchJson {
  documentCount: number;
  nextId: number;
  documentIds: Record<string, string>;
  fieldIds: Record<string, number>;
  fieldLength: Record<string, number[]>;
  averageFieldLength: number[];
  storedFields: Record<string, unknown>;
  dirtCount?: number;
  index: [string, Record<string, Record<string, number>>][];
  serializationVersion: 2;
}

/**
 * Checked before MiniSearch.loadJS trusts it. By hand, not by a zod object: the term table and the
 * per-document maps are most of the file, and zod took longer over them than parsing the JSON did.
 */
const searchJsonSchema = z.custom<SearchJson>(isSearchJson, 'not a serialized search index');

function isSearchJson(value: unknown): boolean {
  if (!isPlainObject(value) || value.serializationVersion !== 2) return false;
  if (!isCount(value.documentCount) || !isCount(value.nextId) || (value.dirtCount !== undefined && !isCount(value.dirtCount))) return false;
  if (!isRecordOf(value.documentIds, (id) => typeof id === 'string') || !isRecordOf(value.fieldIds, isCount) || !isRecordOf(value.storedFields, () => true)) return false;
  if (!isRecordOf(value.fieldLength, isNumbers) || !isNumbers(value.averageFieldLength)) return false;
  if (!Array.isArray(value.index)) return false;
  for (const entry of value.index) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') return false;
    if (!isRecordOf(entry[1], (postings) => isRecordOf(postings, (frequency) => typeof frequency === 'number'))) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecordOf(value: unknown, each: (item: unknown) => boolean): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) if (!each(value[key])) return false;
  return true;
}

function isCount(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isNumbers(value: unknown): boolean {
  return Array.isArray(value) && value.every((n) => typeof n === 'number');
}

const cacheSchema = z.object({
  version: z.literal(CACHE_VERSION),
  shardRevs: z.record(z.string(), z.number()),
  digests: z.array(digestSchema),
  index: searchJsonSchema,
  /** The file-level index over all of memory (no cutoff): costly to build, cheap to load. */
  fileSearch: searchJsonSchema.optional(),
});
type CacheFile = z.infer<typeof cacheSchema>;
/** What is written: the indexes as MiniSearch serializes them (checked when read back). */
type CacheOut = Omit<CacheFile, 'index' | 'fileSearch'> & { index: unknown; fileSearch?: unknown };

const INDEX_OPTIONS = { fields: [...FIELDS], storeFields: [], ...TEXT_OPTIONS };

/**
 * The lexical index over experiences (MiniSearch, BM25+) plus their digests. It is cached in
 * `<store>/cache/` and refreshed shard by shard: after one new commit only the newest shard is
 * indexed again.
 */
export class RecallIndex implements MemoryIndex {
  private readonly derived = new DerivedCache();
  /** What the user should know about this load: a damaged cache that was rebuilt. */
  readonly notes: string[] = [];

  private constructor(
    private readonly search: MiniSearch<IndexDoc>,
    private readonly bySha: Map<string, ExperienceDigest>,
    private savedFileSearch?: unknown,
  ) {}

  /** The file table and file index over all of memory, restored from the cache when it has them. */
  unfilteredFiles(): { table: FileTable; search: FileSearch } {
    return this.derive('files:unfiltered', () => {
      const table = new FileTable([...this.digests()]);
      const search = (this.savedFileSearch ? restoredFileSearch(this.savedFileSearch) : undefined) ?? FileSearch.build(table);
      this.savedFileSearch = undefined;
      return { table, search };
    });
  }

  get size(): number {
    return this.bySha.size;
  }

  reading<T>(fn: () => T): T {
    return fn();
  }

  /** Memoizes a value derived from the digests (a few per index: one per cutoff in use). */
  derive<T>(key: string, build: () => T): T {
    return this.derived.get(key, build);
  }

  digests(): IterableIterator<ExperienceDigest> {
    return this.bySha.values();
  }

  digest(sha: string): ExperienceDigest | undefined {
    return this.bySha.get(sha);
  }

  digestsOf(shas: readonly string[]): ExperienceDigest[] {
    return shas.map((sha) => this.bySha.get(sha)).filter((digest) => digest !== undefined);
  }

  subjectFrequency(terms: readonly string[]): Map<string, number> {
    const df = this.derive('subject-df', () => {
      const counts = new Map<string, number>();
      for (const digest of this.digests()) for (const term of new Set(tokenize(digest.subject))) counts.set(term, (counts.get(term) ?? 0) + 1);
      return counts;
    });
    return new Map(terms.map((term) => [term, df.get(term) ?? 0]));
  }

  filesWhere(key: string, allowed: (digest: ExperienceDigest) => boolean): { table: FileView; search: FileQuery } {
    return this.derive(`files:${key}`, () => {
      const scoped = new FileTable([...this.digests()].filter(allowed));
      return { table: scoped, search: FileSearch.build(scoped) };
    });
  }

  newestBefore(cutoff: HistoryCutoff): ExperienceDigest | undefined {
    let newest: ExperienceDigest | undefined;
    for (const digest of this.digests()) {
      if ((cutoff.seq !== undefined && digest.seq >= cutoff.seq) || (cutoff.time !== undefined && digest.time >= cutoff.time)) continue;
      if (!newest || digest.seq > newest.seq) newest = digest;
    }
    return newest;
  }

  touching(paths: readonly string[]): ExperienceDigest[] {
    const names = new Set(paths);
    const ordered = this.derive('newest-first', () => [...this.digests()].sort((a, b) => b.seq - a.seq));
    // Newest first, gathering a file's former names from its renames on the way back.
    return ordered.filter((digest) => {
      const files = digest.files.filter((f) => names.has(f.path));
      for (const f of files) if (f.oldPath && f.oldPath !== f.path) names.add(f.oldPath);
      return files.length > 0;
    });
  }

  symbolHomes(symbol: { name: string; container?: string }): string[] {
    // Built on first use (only when a symbol has gone), and kept with a long-lived index.
    const homes = this.derive('symbol-homes', () => {
      const table = this.unfilteredFiles().table;
      const byName = new Map<string, Set<string>>();
      for (const digest of this.digests()) {
        for (const s of digest.symbols) {
          const path = table.current(s.path);
          if (!path) continue;
          const key = `${s.container ?? ''}\0${s.name}`;
          let paths = byName.get(key);
          if (!paths) byName.set(key, (paths = new Set()));
          paths.add(path);
        }
      }
      return byName;
    });
    return [...(homes.get(`${symbol.container ?? ''}\0${symbol.name}`) ?? [])];
  }

  page(offset: number, limit: number, filter: PageFilter): { digests: ExperienceDigest[]; total: number } {
    const ordered = this.derive('newest-first', () => [...this.digests()].sort((a, b) => b.seq - a.seq));
    const path = filter.path;
    const matches = ordered.filter(
      (digest) =>
        (filter.kind === undefined || digest.kind === filter.kind) &&
        (!filter.quarantined || (digest.quarantined === true && !digest.forgotten)) &&
        (path === undefined || digest.files.some((file) => path(file.path) || (file.oldPath !== undefined && path(file.oldPath)))),
    );
    return { digests: matches.slice(offset, offset + limit), total: matches.length };
  }

  /** The `limit` best experiences for the terms (only those passing `filter`, when given). */
  query(terms: string[], limit: number, filter?: (digest: ExperienceDigest) => boolean): ExperienceHit[] {
    if (terms.length === 0) return [];
    const results: SearchResult[] = this.search.search(terms.join(' '), {
      boost: FIELD_BOOSTS,
      combineWith: 'OR',
      // Prefixes catch plurals and verb forms (migrate, migrations); fuzzy matching cost more than it found.
      prefix: (term) => term.length >= 6,
      ...(filter ? { filter: (result: SearchResult) => { const d = this.bySha.get(String(result.id)); return d !== undefined && filter(d); } } : {}),
    });
    const out: Array<{ digest: ExperienceDigest; score: number; terms: string[] }> = [];
    for (const result of results) {
      const digest = this.bySha.get(String(result.id));
      if (digest) out.push({ digest, score: result.score, terms: result.terms });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Loads the index for `store`, re-indexing only the shards that changed since the cache was
   * written. The cache is derived: one that cannot be read (cut off, zeroed, garbage, empty, of
   * another shape) is rebuilt from the store, with a note in `notes`, never an error. A cache
   * folder or file that is a symbolic link is refused (`store-corrupt`), never followed.
   */
  static async load(store: MemoryStore): Promise<RecallIndex> {
    const cachePath = await recallCachePath(store.dir);
    const wanted = Object.fromEntries(Object.entries(store.state.shards).map(([n, s]) => [n, s.rev]));
    const read = await readCache(cachePath);
    let cache = read.cache;
    let search: MiniSearch<IndexDoc> | undefined;
    const bySha = new Map<string, ExperienceDigest>();
    const fresh = new Set<string>();
    if (cache) {
      try {
        search = MiniSearch.loadJS<IndexDoc>(cache.index, INDEX_OPTIONS);
      } catch (error) {
        read.problem = `its index cannot be loaded (${error instanceof Error ? error.message : String(error)})`;
        cache = undefined;
      }
    }
    if (cache && search) {
      for (const digest of cache.digests) bySha.set(digest.sha, digest);
      for (const [shard, rev] of Object.entries(cache.shardRevs)) if (wanted[shard] === rev) fresh.add(shard);
    } else {
      search = new MiniSearch<IndexDoc>(INDEX_OPTIONS);
    }
    const note = read.problem ? `The recall index cache ${cachePath} could not be used (${read.problem}); it was rebuilt from the store.` : undefined;
    const stale = new Set(Object.keys({ ...wanted, ...(cache?.shardRevs ?? {}) }).filter((shard) => !fresh.has(shard)));
    if (stale.size === 0 && cache) return new RecallIndex(search, bySha, cache.fileSearch);
    for (const digest of [...bySha.values()]) {
      if (stale.has(String(shardOf(digest.seq)))) {
        search.discard(digest.sha);
        bySha.delete(digest.sha);
      }
    }
    for (const shard of stale) {
      if (wanted[shard] === undefined) continue;
      const docs: IndexDoc[] = [];
      for (const experience of await store.loadShard(Number(shard))) {
        if (bySha.has(experience.sha)) continue;
        bySha.set(experience.sha, digestOf(experience));
        const fields = searchFieldsOf(experience);
        docs.push({ id: experience.sha, title: `${fields.subject} ${fields.keywords}`, body: fields.body, code: `${fields.paths} ${fields.symbols}` });
      }
      search.addAll(docs);
    }
    const index = new RecallIndex(search, bySha);
    if (note) index.notes.push(note);
    const files = index.unfilteredFiles();
    await writeCache(cachePath, { version: CACHE_VERSION, shardRevs: wanted, digests: [...bySha.values()], index: search.toJSON(), fileSearch: files.search.toJSON() });
    return index;
  }
}

/** The cache file's path: the store, its cache folder and the file itself must not be links. */
export async function recallCachePath(storeDir: string): Promise<string> {
  return storePath(storeDir, ...RECALL_CACHE).catch((error: unknown) => {
    if (!CoevolveError.is(error, 'store-corrupt')) throw error;
    throw new CoevolveError('store-corrupt', `${error.message} (The recall index cache is never read or written through a link.)`, {
      hint: `${error.hint ?? ''} \`coevolve store repair\` moves a link in the cache aside.`.trim(),
      cause: error,
    });
  });
}

/** The cache, or why it cannot be used (undefined with no problem: there is none yet, or it is from another version). */
async function readCache(path: string): Promise<{ cache?: CacheFile; problem?: string }> {
  let text: string;
  try {
    // O_NOFOLLOW: a link that appeared after the path was checked is never followed.
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!(await handle.stat()).isFile()) return { problem: 'it is not a plain file' };
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    if (code === 'ELOOP') throw new CoevolveError('store-corrupt', `${path} is a symbolic link: the recall index cache is never read or written through a link.`, { hint: 'Remove the link (the cache is rebuilt from the store), or run `coevolve store repair`, which moves it aside.' });
    return { problem: `it cannot be read: ${(error as Error).message}` };
  }
  const { value, problem } = parseCacheText(text, CACHE_VERSION, cacheSchema);
  return value ? { cache: value } : problem ? { problem } : {};
}

/** The saved file index, or undefined when it cannot be restored (it is then built again). */
function restoredFileSearch(json: unknown): FileSearch | undefined {
  try {
    return FileSearch.fromJSON(json);
  } catch {
    return undefined;
  }
}

async function writeCache(path: string, cache: CacheOut): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    // Atomic (temp, rename), without the flush: a cache lost to a power cut is simply rebuilt.
    await atomicWriteFile(path, JSON.stringify(cache), { durable: false });
  } catch (error) {
    // A read-only store still recalls; it just rebuilds the index next time.
    reportIgnored(`could not save the recall index cache ${path}`, error);
  }
}

/**
 * `store repair` for the cache folder: a link where the cache folder or the index cache should be
 * is moved aside (renaming a link never follows it), and so is a cache that cannot be used (it is
 * rebuilt on the next recall in any case). Nothing is deleted.
 */
export async function repairRecallCache(storeDir: string, stamp: string): Promise<{ movedAside: string[]; notes: string[] }> {
  const report = { movedAside: [] as string[], notes: [] as string[] };
  await storePath(storeDir);
  const aside = async (path: string, why: string): Promise<void> => {
    const backup = `${path}.corrupt-${stamp}.bak`;
    await rename(path, backup);
    report.movedAside.push(backup);
    report.notes.push(`${relative(storeDir, path)}: ${why} (kept as ${relative(storeDir, backup)}).`);
  };
  const folder = join(storeDir, RECALL_CACHE[0]);
  const folderInfo = await lstatIfPresent(folder);
  if (!folderInfo) return report;
  if (!folderInfo.isDirectory()) {
    await aside(folder, `${folderInfo.isSymbolicLink() ? 'a symbolic link' : 'not a folder'} where the cache folder should be; the cache is rebuilt on the next recall`);
    return report;
  }
  // The disk engine's index and its side files: a link among them is moved aside (it is rebuilt from the store).
  for (const name of ['history-index.sqlite', 'history-index.sqlite-journal', 'history-index.sqlite.lock', 'history-index.sqlite.users']) {
    const side = join(folder, name);
    if ((await lstatIfPresent(side))?.isSymbolicLink()) await aside(side, 'a symbolic link where the memory index (or its side file) should be; the index is rebuilt on the next recall');
  }
  const file = join(folder, RECALL_CACHE[1]);
  const info = await lstatIfPresent(file);
  if (!info) return report;
  if (info.isSymbolicLink()) return aside(file, 'a symbolic link where the recall index cache should be; it is rebuilt on the next recall').then(() => report);
  const { problem } = await readCache(file);
  if (problem) await aside(file, `the recall index cache could not be used (${problem}); it is rebuilt on the next recall`);
  return report;
}
