import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import type { SearchResult } from 'minisearch';
import { digestOf, searchFieldsOf } from './experienceDigest.ts';
import type { ExperienceDigest } from './experienceDigest.ts';
import type { MemoryStore } from './store.ts';
import { shardOf } from './store.ts';
import { TEXT_OPTIONS } from './tokenize.ts';
import { FileSearch } from './fileSearch.ts';
import { FileTable } from './fileTable.ts';

const CACHE_VERSION = 6;
// Few fields keep each query cheap: every field is another lookup and scoring pass per term.
const FIELDS = ['title', 'body', 'code'] as const;
export const FIELD_BOOSTS = { title: 3, body: 1, code: 2 };

interface IndexDoc {
  id: string;
  title: string;
  body: string;
  code: string;
}

interface CacheFile {
  version: number;
  shardRevs: Record<string, number>;
  digests: ExperienceDigest[];
  index: unknown;
  /** The file-level index over all of memory (no cutoff): costly to build, cheap to load. */
  fileSearch?: unknown;
}

const INDEX_OPTIONS = { fields: [...FIELDS], storeFields: [], ...TEXT_OPTIONS };

/**
 * The lexical index over experiences (MiniSearch, BM25+) plus their digests. It is cached in
 * `<store>/cache/` and refreshed shard by shard: after one new commit only the newest shard is
 * indexed again.
 */
export class RecallIndex {
  private readonly derived = new Map<string, unknown>();

  private constructor(
    private readonly search: MiniSearch<IndexDoc>,
    private readonly bySha: Map<string, ExperienceDigest>,
    private savedFileSearch?: unknown,
  ) {}

  /** The file table and file index over all of memory, restored from the cache when it has them. */
  unfilteredFiles(): { table: FileTable; search: FileSearch } {
    return this.derive('files:unfiltered', () => {
      const table = new FileTable([...this.digests()]);
      const search = this.savedFileSearch ? FileSearch.fromJSON(this.savedFileSearch) : FileSearch.build(table);
      this.savedFileSearch = undefined;
      return { table, search };
    });
  }

  get size(): number {
    return this.bySha.size;
  }

  /** Memoizes a value derived from the digests (a few per index: one per cutoff in use). */
  derive<T>(key: string, build: () => T): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    if (this.derived.size >= 8) this.derived.delete(this.derived.keys().next().value!);
    const value = build();
    this.derived.set(key, value);
    return value;
  }

  digests(): IterableIterator<ExperienceDigest> {
    return this.bySha.values();
  }

  digest(sha: string): ExperienceDigest | undefined {
    return this.bySha.get(sha);
  }

  /** The `limit` best experiences for the terms (only those passing `filter`, when given). */
  query(terms: string[], limit: number, filter?: (digest: ExperienceDigest) => boolean): Array<{ digest: ExperienceDigest; score: number; terms: string[] }> {
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

  /** Loads the index for `store`, re-indexing only the shards that changed since the cache was written. */
  static async load(store: MemoryStore): Promise<RecallIndex> {
    const cachePath = join(store.dir, 'cache', 'recall-index.json');
    const wanted = Object.fromEntries(Object.entries(store.state.shards).map(([n, s]) => [n, s.rev]));
    const cache = await readCache(cachePath);
    let search: MiniSearch<IndexDoc>;
    const bySha = new Map<string, ExperienceDigest>();
    const fresh = new Set<string>();
    if (cache) {
      search = MiniSearch.loadJS<IndexDoc>(cache.index as never, INDEX_OPTIONS);
      for (const digest of cache.digests) bySha.set(digest.sha, digest);
      for (const [shard, rev] of Object.entries(cache.shardRevs)) if (wanted[shard] === rev) fresh.add(shard);
    } else {
      search = new MiniSearch<IndexDoc>(INDEX_OPTIONS);
    }
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
    const files = index.unfilteredFiles();
    await writeCache(cachePath, { version: CACHE_VERSION, shardRevs: wanted, digests: [...bySha.values()], index: search.toJSON(), fileSearch: files.search.toJSON() });
    return index;
  }
}

async function readCache(path: string): Promise<CacheFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
    return parsed.version === CACHE_VERSION ? parsed : undefined;
  } catch {
    // A missing or broken cache is rebuilt from the store; it holds nothing of its own.
    return undefined;
  }
}

async function writeCache(path: string, cache: CacheFile): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(cache));
    await rename(temp, path);
  } catch {
    // A read-only store still recalls; it just rebuilds the index next time.
  }
}
