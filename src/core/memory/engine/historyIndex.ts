import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoevolveError } from '../../errors.ts';
import { digestOf, FIELD_BOOSTS, searchFieldsOf } from '../experienceDigest.ts';
import type { ExperienceDigest } from '../experienceDigest.ts';
import type { CommitExperience } from '../experience.ts';
import { FileTable } from '../fileTable.ts';
import { FileSearch } from '../fileSearch.ts';
import type { ExperienceHit, FileQuery, FileView, HistoryCutoff, MemoryIndex, PageFilter } from '../memoryIndex.ts';
import { SHARD_SIZE } from '../storeMeta.ts';
import { storePath } from '../../store/storePath.ts';
import { lstatIfPresent, statIfPresent } from '../../util/fsProbe.ts';
import { FILE_NAMES_INDEX, FILE_SCHEMA, FILE_TABLES, FileTablesWriter, SqlFileView } from './historyFiles.ts';
import { FILE_UNDO_SCHEMA, rollBackFiles, trimUndo, UNDO_BATCH, UNDO_KEEP, UndoJournal } from './fileTablesUndo.ts';
import { FTS_TOKENIZER, ftsQuery, ftsText, matchedTerms, selectiveTerms } from './ftsText.ts';
import { tokenize } from '../tokenize.ts';
import { loadSqlite, SqliteFile } from './sqliteFile.ts';
import { DerivedCache } from '../derivedCache.ts';

/** Bumped when the tables change shape: an index of another version is rebuilt from the store, unless a migration below brings it up. */
const ENGINE_VERSION = 11;
/**
 * From the version named to the next, without a rebuild. 8, 9: an index or a table added. 10:
 * messages' links and formatting tags left out of the text index (searchFieldsOf): every shard is
 * gone through again by the next sync, and only the rows whose text changed are written.
 */
const MIGRATIONS: Record<number, string> = { 8: FILE_NAMES_INDEX, 9: FILE_UNDO_SCHEMA, 10: "UPDATE state SET value = '{}' WHERE key = 'shardRevs'" };
/** The index file, relative to the store: derived from memory/ (git-ignored, per machine). */
export const HISTORY_INDEX = ['cache', 'history-index.sqlite'] as const;
/**
 * Digests applied to the file tables per transaction while they are rebuilt: each file changed in
 * a chunk is written (and its text indexed) once per chunk, so larger chunks cost less in all, and
 * hold the file longer (a recall waits for at most one chunk, some seconds).
 */
const REBUILD_CHUNK = 50_000;
/** A word matched in more experiences than this is left out of a query (see selectiveTerms). */
const COMMON_DOCS = 1500;
/** Documents a query's words may match in all before its commonest words are left out (see selectiveTerms). */
const SCORED_DOCS = 4000;
/** The FTS5 text indexes: experiences' text, and files' words. */
const TEXT_INDEXES = ['exp_fts', 'file_fts'] as const;
/** A text index in more segments than this after a mine is merged into one (see sync). */
const MAX_SEGMENTS = 8;
/** Rows filed in one sync before the segments are counted (see sync). */
const MERGE_CHECK_ROWS = 1000;
/** Pages of merging FTS5 may do after filing fewer rows than a mine's worth (see syncFiles). */
const FOLLOW_MERGE_PAGES = 64;

const SCHEMA = `
CREATE TABLE state(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE exp(seq INTEGER PRIMARY KEY, sha TEXT NOT NULL UNIQUE, time INTEGER NOT NULL, kind TEXT NOT NULL,
  quarantined INTEGER NOT NULL, forgotten INTEGER NOT NULL, fhash TEXT NOT NULL, thash TEXT NOT NULL, rhash TEXT NOT NULL, digest BLOB NOT NULL);
CREATE INDEX exp_by_kind ON exp(kind, seq);
CREATE VIRTUAL TABLE exp_fts USING fts5(subject, keywords, body, code, content='', contentless_delete=1, ${FTS_TOKENIZER}, prefix='6');
CREATE TABLE subject_df(term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
${FILE_SCHEMA}`;

/** The part of the store the index was built from, and how far the file tables have got. */
interface IndexState {
  shardRevs: Record<string, number>;
  /** The file tables hold every experience up to this seq (-1: none). */
  filesThrough: number;
  filesCount: number;
  /** The file tables must be built again. */
  filesDirty: boolean;
  /** The lowest seq at or below filesThrough that changed since (-1: none): taken back, or rebuilt. */
  filesFrom: number;
  /** A commit was forgotten: its words must leave the text index's segments too (merged at the next sync). */
  scrub: boolean;
}

/** The store the index is built from (MemoryStore; an interface so that tests can hand it shards). */
export interface IndexSource {
  readonly dir: string;
  readonly state: { shards: Record<string, { rev: number }> };
  loadShard(shard: number): Promise<CommitExperience[]>;
}

/**
 * The recall index for a large store, on disk in SQLite: experiences by first-parent position with
 * an FTS5 index over their text, and the file tables (historyFiles.ts). Opening it reads nothing but
 * a few rows; a query reads the postings and rows it needs. It is derived from the store's shards and
 * brought up to date shard by shard (by revision), each shard in one transaction, so a process killed
 * half-way leaves an index that the next sync finishes.
 */
export class HistoryIndex implements MemoryIndex {
  readonly notes: string[] = [];
  private readonly derived = new DerivedCache();
  private files: SqlFileView | undefined;
  private count: number | undefined;
  private readonly homes = new DerivedCache(10_000);
  /** How many experiences each word matches (up to a cap), for choosing a query's words. */
  private readonly termCounts = new DerivedCache(10_000);
  /** `PRAGMA data_version` at the last read: it changes when another connection commits, and then nothing derived is kept. */
  private seenVersion: number | undefined;

  private constructor(
    private readonly db: SqliteFile,
    readonly path: string,
  ) {}

  /** Opens (creating or rebuilding when unusable) the index of the store in `storeDir`. */
  static async open(storeDir: string): Promise<HistoryIndex> {
    const path = await storePath(storeDir, ...HISTORY_INDEX);
    await mkdir(dirname(path), { recursive: true });
    // SQLite opens its side files by name: one that is a link (a cloned repository could hold one) is refused, never written through.
    for (const side of [path, `${path}-journal`, `${path}.lock`, `${path}.users`]) {
      if ((await lstatIfPresent(side))?.isSymbolicLink()) {
        throw new CoevolveError('store-corrupt', `${side} is a symbolic link: the memory index is never read or written through a link.`, { hint: 'Remove the link (the index is rebuilt from the store), or run `coevolve store repair`.' });
      }
    }
    await loadSqlite();
    try {
      return HistoryIndex.openAt(path);
    } catch (error) {
      if (!CoevolveError.is(error, 'store-corrupt')) throw error;
      // Derived: a damaged index is removed and built again from the store.
      await rm(path, { force: true });
      await rm(`${path}-journal`, { force: true });
      const index = HistoryIndex.openAt(path);
      index.notes.push(`The memory index ${path} could not be used (${error.message}); it is rebuilt from the store.`);
      return index;
    }
  }

  /**
   * Where shas are, for a store transaction on a store that has its index on disk (undefined
   * otherwise): the index is first brought up to the store's shards, read from disk (never the
   * transaction's uncommitted copies), so that what it says is what is stored.
   */
  static async locatorFor(source: IndexSource): Promise<{ locate: (shaOrPrefix: string) => number | undefined; close: () => void } | undefined> {
    if (!(await statIfPresent(await storePath(source.dir, ...HISTORY_INDEX)))) return undefined;
    const index = await HistoryIndex.open(source.dir);
    try {
      await index.sync(source, { files: false });
    } catch (error) {
      index.close();
      throw error;
    }
    return { locate: (sha) => index.seqOf(sha), close: () => index.close() };
  }

  private static openAt(path: string): HistoryIndex {
    const db = SqliteFile.open(path);
    const migrated = migrate(db);
    if (versionOf(db) === ENGINE_VERSION) {
      const index = new HistoryIndex(db, path);
      // Said, since the next sync reads every shard once (18 s at 500k commits): no silent wait.
      if (migrated.includes(10)) index.notes.push('The memory index was made by an earlier version of Co-evolve: every stored change is read once to bring its text index up (links in commit messages are no longer indexed).');
      return index;
    }
    // Larger pages: fewer reads per lookup (each is a system call through this VFS). Takes effect only on an empty file.
    db.exec('PRAGMA page_size=16384');
    // New, or of another version: emptied and made again (it is rebuilt from the store), under the
    // write lock and checked again there, so that two processes opening it at once make it once.
    let from: number | undefined;
    db.transaction(() => {
      if (versionOf(db) === ENGINE_VERSION) return;
      from = versionOf(db);
      for (const { name } of db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")) db.exec(`DROP TABLE "${name}"`);
      for (const { name } of db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) db.exec(`DROP TABLE "${name}"`);
      db.exec(SCHEMA);
      db.run("INSERT INTO state(key, value) VALUES ('version', ?)", [String(ENGINE_VERSION)]);
    });
    const index = new HistoryIndex(db, path);
    // Said, since it is the one slow open: a whole history indexed again (about 5 minutes at 500k commits).
    if (from !== undefined && Number.isFinite(from)) index.notes.push(`The memory index was made by another version of Co-evolve (format ${from}, now ${ENGINE_VERSION}): it is rebuilt from the store, once.`);
    return index;
  }

  close(): void {
    this.db.close();
  }

  /**
   * Brings the index up to the store: each shard whose revision changed is indexed again in one
   * transaction. With `files` false (mining, batch by batch) the file tables wait for a later sync.
   */
  async sync(source: IndexSource, options: { files?: boolean; onShard?: (shard: number) => void } = {}): Promise<{ shards: number }> {
    const wanted = Object.fromEntries(Object.entries(source.state.shards).map(([n, s]) => [n, s.rev]));
    const stale = staleShards(wanted, this.state().shardRevs);
    for (const shard of stale) {
      const items = wanted[shard] === undefined ? [] : await source.loadShard(Number(shard));
      options.onShard?.(Number(shard));
      this.db.transaction(() => this.indexShard(Number(shard), wanted[shard], items));
    }
    if (stale.length) this.reset();
    const filed = options.files !== false ? this.syncFiles() : 0;
    const { scrub } = this.state();
    // Deleted rows of a text index stay in its segments until they are merged. And a query reads a
    // word's postings from every segment: a mine that leaves many gets them merged into one (about
    // 0.7 s at 100k commits, for 20 segments to 1 and recall ~8% faster). Counted only after a mine's
    // worth of rows (the count reads the segment index: 3-30 ms at 500k), so neither recall, which
    // syncs first, nor a followed commit pays for it; syncFiles's small merges keep what those add few.
    const merge = scrub ? TEXT_INDEXES : filed >= MERGE_CHECK_ROWS ? TEXT_INDEXES.filter((table) => this.segmentsOf(table) > MAX_SEGMENTS) : [];
    if (merge.length) {
      this.db.transaction(() => {
        for (const table of merge) this.db.run(`INSERT INTO ${table}(${table}) VALUES ('optimize')`);
        if (scrub) this.setState({ scrub: false });
      });
    }
    return { shards: stale.length };
  }

  /** Indexes shards just written (a mine's batch), from the records in hand instead of reading them back. */
  indexWritten(written: ReadonlyArray<{ shard: number; rev: number; items: readonly CommitExperience[] }>): void {
    for (const { shard, rev, items } of written) this.db.transaction(() => this.indexShard(shard, rev, items));
    if (written.length) this.reset();
  }

  get size(): number {
    this.count ??= this.db.get<{ n: number }>('SELECT count(*) AS n FROM exp')!.n;
    return this.count;
  }

  reading<T>(fn: () => T): T {
    return this.read(fn);
  }

  derive<T>(key: string, build: () => T): T {
    return this.derived.get(key, build);
  }

  digest(sha: string): ExperienceDigest | undefined {
    const row = this.db.get<{ digest: Uint8Array }>('SELECT digest FROM exp WHERE sha = ?', [sha]);
    return row ? unpack(row.digest) : undefined;
  }

  digestsOf(shas: readonly string[]): ExperienceDigest[] {
    return this.rowsWhere('sha', shas);
  }

  /** The seq of a full sha or a unique prefix of 7+ characters. */
  seqOf(shaOrPrefix: string): number | undefined {
    const exact = this.db.get<{ seq: number }>('SELECT seq FROM exp WHERE sha = ?', [shaOrPrefix]);
    if (exact || shaOrPrefix.length < 7 || shaOrPrefix.length >= 40) return exact?.seq;
    return this.db.get<{ seq: number }>('SELECT seq FROM exp WHERE sha >= ? AND sha < ? ORDER BY sha LIMIT 1', [shaOrPrefix, `${shaOrPrefix}g`])?.seq;
  }

  query(terms: string[], limit: number, filter?: (digest: ExperienceDigest) => boolean): ExperienceHit[] {
    if (terms.length === 0) return [];
    return this.read(() => {
      // Each matched experience costs a score: words in thousands of them say little and are left out.
      const selective = selectiveTerms(terms, COMMON_DOCS, 2, (term, limit) => this.termCounts.get(`${term}\0${limit}`, () => this.db.get<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM exp_fts WHERE exp_fts MATCH ? LIMIT ?)', [ftsQuery([term]), limit])!.n), SCORED_DOCS);
      // Ranked on the text index alone; the digests are read only for the window looked at.
      const ranked = this.db.all<{ seq: number; score: number }>(
        `SELECT rowid AS seq, bm25(exp_fts, ${FIELD_BOOSTS.title}, ${FIELD_BOOSTS.title}, ${FIELD_BOOSTS.body}, ${FIELD_BOOSTS.code}) AS score FROM exp_fts WHERE exp_fts MATCH ? ORDER BY score LIMIT ?`,
        [ftsQuery(selective), filter ? Math.max(limit * 20, 5000) : limit],
      );
      const out: ExperienceHit[] = [];
      for (let from = 0; from < ranked.length && out.length < limit; from += limit * 2) {
        const window = ranked.slice(from, from + limit * 2);
        const bySeq = new Map(this.digestsAt(window.map((row) => row.seq)).map((digest) => [digest.seq, digest]));
        for (const row of window) {
          const digest = bySeq.get(row.seq);
          if (!digest || (filter && !filter(digest))) continue;
          out.push({ digest, score: -row.score, terms: [] });
          if (out.length >= limit) break;
        }
      }
      this.markMatchedTerms(out, terms, selective);
      return out;
    });
  }

  subjectFrequency(terms: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const term of new Set(terms)) counts.set(term, this.db.get<{ n: number }>('SELECT n FROM subject_df WHERE term = ?', [term])?.n ?? 0);
    return counts;
  }

  unfilteredFiles(): { table: FileView; search: FileQuery } {
    const view = this.fileView();
    return { table: view, search: view };
  }

  /** A cutoff's file tables are built in memory from the experiences before it (a replay's, rare at scale). */
  filesWhere(key: string, allowed: (digest: ExperienceDigest) => boolean): { table: FileView; search: FileQuery } {
    return this.derive(`files:${key}`, () => {
      const table = new FileTable([...this.allDigests()].filter(allowed));
      return { table, search: FileSearch.build(table) };
    });
  }

  newestBefore(cutoff: HistoryCutoff): ExperienceDigest | undefined {
    const row = this.db.get<{ digest: Uint8Array }>('SELECT digest FROM exp WHERE seq < ? AND time < ? ORDER BY seq DESC LIMIT 1', [cutoff.seq ?? Number.MAX_SAFE_INTEGER, cutoff.time ?? Number.MAX_SAFE_INTEGER]);
    return row ? unpack(row.digest) : undefined;
  }

  touching(paths: readonly string[]): ExperienceDigest[] {
    // The names a file had: the old names in renames recorded by changes to any name found so far.
    const names = new Set(paths);
    const seqs = new Set<number>();
    const queue = [...paths];
    while (queue.length) {
      const name = queue.pop()!;
      for (const row of this.db.all<{ seq: number; digest: Uint8Array }>('SELECT e.seq AS seq, e.digest AS digest FROM touch t JOIN file f ON f.id = t.file JOIN exp e ON e.seq = t.seq WHERE f.path = ?', [name])) {
        seqs.add(row.seq);
        for (const file of unpack(row.digest).files) {
          if (file.path === name && file.oldPath && !names.has(file.oldPath)) {
            names.add(file.oldPath);
            queue.push(file.oldPath);
          }
        }
      }
    }
    return this.digestsAt([...seqs]).sort((a, b) => b.seq - a.seq);
  }

  symbolHomes(symbol: { name: string; container?: string }): string[] {
    return this.read(() => this.homes.get(`${symbol.container ?? ''}\0${symbol.name}`, () => this.findHomes(symbol)));
  }

  private findHomes(symbol: { name: string; container?: string }): string[] {
    const view = this.fileView();
    const homes = new Set<string>();
    for (const row of this.db.all<{ path: string }>('SELECT path FROM symbol WHERE key = ? AND container = ? AND name = ?', [symbol.name.toLowerCase(), symbol.container ?? '', symbol.name])) {
      const path = view.current(row.path);
      if (path) homes.add(path);
    }
    return [...homes];
  }

  page(offset: number, limit: number, filter: PageFilter): { digests: ExperienceDigest[]; total: number } {
    return this.read(() => {
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (filter.kind !== undefined) {
        where.push('e.kind = ?');
        params.push(filter.kind);
      }
      if (filter.quarantined) where.push('e.quarantined = 1 AND e.forgotten = 0');
      if (filter.path) {
        // The file table is small beside history: match its paths here, then read their changes by index.
        const ids = this.db.all<{ id: number; path: string }>('SELECT id, path FROM file').filter((row) => filter.path!(row.path)).map((row) => row.id);
        if (ids.length === 0) return { digests: [], total: 0 };
        where.push(`e.seq IN (SELECT seq FROM touch WHERE file IN (${ids.join(',')}))`);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = this.db.get<{ n: number }>(`SELECT count(*) AS n FROM exp e ${clause}`, params)!.n;
      const rows = this.db.all<{ digest: Uint8Array }>(`SELECT e.digest AS digest FROM exp e ${clause} ORDER BY e.seq DESC LIMIT ? OFFSET ?`, [...params, limit, offset]);
      return { digests: rows.map((row) => unpack(row.digest)), total };
    });
  }

  /** Every digest, oldest first, a row at a time. */
  *allDigests(): Generator<ExperienceDigest> {
    for (const row of this.db.iterate<{ digest: Uint8Array }>('SELECT digest FROM exp ORDER BY seq')) yield unpack(row.digest);
  }

  private digestsAt(seqs: number[]): ExperienceDigest[] {
    return this.rowsWhere('seq', seqs);
  }

  /**
   * One read transaction, after which what this process derived is dropped if another process
   * committed since its last read (a mine indexing new shards, a forget): its own writes reset it.
   */
  private read<T>(fn: () => T): T {
    return this.db.read(() => {
      const version = this.db.get<{ data_version: number }>('PRAGMA data_version')!.data_version;
      if (this.seenVersion !== undefined && version !== this.seenVersion) this.reset();
      this.seenVersion = version;
      return fn();
    });
  }

  private rowsWhere(column: 'seq' | 'sha', values: ReadonlyArray<number | string>): ExperienceDigest[] {
    const out: ExperienceDigest[] = [];
    for (let i = 0; i < values.length; i += 500) {
      const chunk = values.slice(i, i + 500);
      for (const row of this.db.all<{ digest: Uint8Array }>(`SELECT digest FROM exp WHERE ${column} IN (${chunk.map(() => '?').join(',')})`, chunk)) out.push(unpack(row.digest));
    }
    return out;
  }

  /**
   * Which query terms each hit holds (they only explain the ranking): read from its subject, paths
   * and symbols; only a hit that matched on its message body alone is asked of the text index, for
   * the words the query matched by (a common word left out of it would be read in every experience
   * that holds it: 7 ms a recall at 500k commits).
   */
  private markMatchedTerms(hits: ExperienceHit[], terms: readonly string[], queried: readonly string[]): void {
    const unexplained: ExperienceHit[] = [];
    for (const hit of hits) {
      const { digest } = hit;
      hit.terms = matchedTerms(terms, [digest.subject, ...digest.files.map((f) => f.path), ...digest.symbols.map((s) => (s.container ? `${s.container}.${s.name}` : s.name))].join(' '));
      if (hit.terms.length === 0) unexplained.push(hit);
    }
    if (unexplained.length === 0) return;
    const bySeq = new Map(unexplained.map((hit) => [hit.digest.seq, hit]));
    const rowids = [...bySeq.keys()].join(',');
    for (const term of new Set(queried)) {
      for (const row of this.db.all<{ seq: number }>(`SELECT rowid AS seq FROM exp_fts WHERE exp_fts MATCH ? AND rowid IN (${rowids})`, [ftsQuery([term])])) bySeq.get(row.seq)?.terms.push(term);
    }
  }

  private fileView(): SqlFileView {
    if (!this.files) {
      const state = this.state();
      // Two queries: SQLite answers a lone min() or max() from the key's ends, but both in one query scan every row (0.1 s at 100k).
      const newest = this.db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM exp WHERE seq <= ?', [state.filesThrough])?.seq ?? 0;
      const oldest = this.db.get<{ seq: number | null }>('SELECT min(seq) AS seq FROM exp')?.seq ?? 0;
      this.files = new SqlFileView(this.db, newest, Math.min(oldest, newest), state.filesCount);
    }
    return this.files;
  }

  private reset(): void {
    this.files = undefined;
    this.count = undefined;
    this.homes.clear();
    this.derived.clear();
    this.termCounts.clear();
  }

  private state(): IndexState {
    const rows = this.db.all<{ key: string; value: string }>('SELECT key, value FROM state');
    const value = new Map(rows.map((row) => [row.key, row.value]));
    return {
      shardRevs: JSON.parse(value.get('shardRevs') ?? '{}') as Record<string, number>,
      filesThrough: Number(value.get('filesThrough') ?? -1),
      filesCount: Number(value.get('filesCount') ?? 0),
      filesDirty: value.get('filesDirty') === '1',
      filesFrom: Number(value.get('filesFrom') ?? -1),
      scrub: value.get('scrub') === '1',
    };
  }

  private setState(changes: Partial<IndexState>): void {
    for (const [key, value] of Object.entries(changes)) {
      const text = typeof value === 'object' ? JSON.stringify(value) : typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
      this.db.run('INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)', [key, text]);
    }
  }

  /** One shard, in the caller's transaction: its rows replaced, what changed below the file tables' mark noted. */
  private indexShard(shard: number, rev: number | undefined, items: readonly CommitExperience[]): void {
    const state = this.state();
    // Another process may have indexed it meanwhile.
    if (state.shardRevs[String(shard)] === rev) return;
    const existing = new Map(this.db.all<StoredRow>('SELECT seq, sha, fhash, thash, rhash, forgotten FROM exp WHERE seq >= ? AND seq < ?', [shard * SHARD_SIZE, (shard + 1) * SHARD_SIZE]).map((row) => [row.seq, row]));
    let filesFrom = state.filesFrom;
    const changedFiles = (seq: number) => (filesFrom = filesFrom < 0 ? seq : Math.min(filesFrom, seq));
    let scrub = state.scrub;
    // Ascending: rows appended in key order fill their pages (a shard's items are stored newest first).
    for (const item of [...items].sort((a, b) => a.seq - b.seq)) {
      const digest = digestOf(item);
      const fields = searchFieldsOf(item);
      const hashes = { fhash: fileHash(digest), thash: hashOf([digest.subject, fields]), rhash: hashOf(digest) };
      const before = existing.get(item.seq);
      existing.delete(item.seq);
      // A mine rewrites a shard several times as it fills: rows already indexed as they are cost nothing.
      if (before && before.rhash === hashes.rhash && before.thash === hashes.thash) continue;
      if (before && digest.forgotten && !before.forgotten) scrub = true;
      if (before && (before.sha !== digest.sha || before.fhash !== hashes.fhash) && item.seq <= state.filesThrough) changedFiles(item.seq);
      if (!before && item.seq <= state.filesThrough) changedFiles(item.seq);
      // The old words are uncounted below: read them before the row is replaced.
      const oldSubject = before && before.thash !== hashes.thash ? this.storedSubject(item.seq) : undefined;
      const row = [item.seq, digest.sha, digest.time, digest.kind, digest.quarantined ? 1 : 0, digest.forgotten ? 1 : 0, hashes.fhash, hashes.thash, hashes.rhash, pack(digest)];
      this.db.run('INSERT OR REPLACE INTO exp(seq, sha, time, kind, quarantined, forgotten, fhash, thash, rhash, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', row);
      // The same text (a credit, a pin changed only the digest): the text index and word counts stay.
      if (before && before.thash === hashes.thash) continue;
      if (before) {
        this.db.run('DELETE FROM exp_fts WHERE rowid = ?', [item.seq]);
        this.countSubject(oldSubject!, -1);
      }
      this.countSubject(digest.subject, 1);
      this.db.run('INSERT INTO exp_fts(rowid, subject, keywords, body, code) VALUES (?, ?, ?, ?, ?)', [item.seq, ftsText(fields.subject), ftsText(fields.keywords), ftsText(fields.body), ftsText(`${fields.paths} ${fields.symbols}`)]);
    }
    // A commit rewritten away is not scrubbed: its words stay in the text index's segments as deleted
    // entries until they are merged (an amend would otherwise merge the whole index: 0.5 s at 100k
    // commits). Forgetting one (above) is the promise that its words leave the file.
    for (const gone of existing.values()) {
      this.countSubject(this.storedSubject(gone.seq), -1);
      this.db.run('DELETE FROM exp WHERE seq = ?', [gone.seq]);
      this.db.run('DELETE FROM exp_fts WHERE rowid = ?', [gone.seq]);
      if (gone.seq <= state.filesThrough) changedFiles(gone.seq);
    }
    const shardRevs = { ...state.shardRevs };
    if (rev === undefined) delete shardRevs[String(shard)];
    else shardRevs[String(shard)] = rev;
    this.setState({ shardRevs, filesFrom, scrub });
  }

  private storedSubject(seq: number): string {
    const row = this.db.get<{ digest: Uint8Array }>('SELECT digest FROM exp WHERE seq = ?', [seq]);
    return row ? unpack(row.digest).subject : '';
  }

  /** In how many subjects each word appears (recall drops the words most changes have). */
  private countSubject(subject: string, by: 1 | -1): void {
    for (const term of new Set(tokenize(subject))) {
      this.db.run('INSERT INTO subject_df(term, n) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET n = n + excluded.n', [term, by]);
    }
  }

  /** Whether another process applied, took back or reset the file tables since `state` was read. */
  private movedSince(state: IndexState): boolean {
    const now = this.state();
    return now.filesThrough !== state.filesThrough || now.filesDirty || now.filesFrom >= 0;
  }

  /** How many segments a text index's postings are in. */
  segmentsOf(table: (typeof TEXT_INDEXES)[number]): number {
    return this.db.get<{ n: number }>(`SELECT count(DISTINCT segid) AS n FROM ${table}_idx`)!.n;
  }

  /**
   * The file tables follow the experiences: new ones on top are applied; a change among the newest
   * UNDO_KEEP takes the journaled batches back to below it and applies again from there; anything
   * else rebuilds them. Answers how many were applied.
   */
  private syncFiles(): number {
    let state = this.state();
    // Each step reads the state again inside its transaction: another process may have done it meanwhile.
    if (!state.filesDirty && state.filesFrom >= 0) {
      this.db.transaction(() => {
        const now = this.state();
        if (now.filesDirty || now.filesFrom < 0) return;
        const rolled = rollBackFiles(this.db, now.filesFrom, now.filesThrough);
        this.setState(rolled ? { filesThrough: rolled.through, filesCount: now.filesCount - rolled.removed, filesFrom: -1 } : { filesDirty: true, filesFrom: -1 });
      });
      this.reset();
      state = this.state();
    }
    if (state.filesDirty) {
      this.db.transaction(() => {
        if (!this.state().filesDirty) return;
        for (const table of FILE_TABLES) this.db.run(`DELETE FROM ${table}`);
        this.db.run("INSERT INTO file_fts(file_fts) VALUES ('delete-all')");
        this.setState({ filesThrough: -1, filesCount: 0, filesDirty: false, filesFrom: -1 });
      });
      this.reset();
      state = this.state();
    }
    // The newest commits are applied in small journaled batches (see fileTablesUndo.ts); the rest in large chunks.
    const newest = this.db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM exp')?.seq ?? -1;
    const journalFrom = newest - UNDO_KEEP;
    let applied = 0;
    for (;;) {
      const journaled = state.filesThrough >= journalFrom - 1;
      const rows = journaled
        ? this.db.all<{ digest: Uint8Array }>('SELECT digest FROM exp WHERE seq > ? ORDER BY seq LIMIT ?', [state.filesThrough, UNDO_BATCH])
        : this.db.all<{ digest: Uint8Array }>('SELECT digest FROM exp WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?', [state.filesThrough, journalFrom, REBUILD_CHUNK]);
      if (rows.length === 0) {
        if (journaled) break;
        // Nothing left below the journaled range (a hole in the positions): the tables hold everything up to it.
        const moved = this.db.transaction(() => {
          if (this.movedSince(state)) return true;
          this.setState({ filesThrough: journalFrom - 1 });
          return false;
        });
        if (moved) return applied + this.syncFiles();
        state = { ...state, filesThrough: journalFrom - 1 };
        continue;
      }
      const digests = rows.map((row) => unpack(row.digest));
      const moved = this.db.transaction(() => {
        if (this.movedSince(state)) return true;
        const journal = journaled ? new UndoJournal(this.db, digests[0]!.seq) : undefined;
        const writer = new FileTablesWriter(this.db, journal);
        for (const digest of digests) writer.apply(digest);
        writer.flush();
        journal?.close(digests[digests.length - 1]!.seq, digests.length);
        state = { ...state, filesThrough: digests[digests.length - 1]!.seq, filesCount: state.filesCount + digests.length };
        this.setState({ filesThrough: state.filesThrough, filesCount: state.filesCount });
        return false;
      });
      this.reset();
      // Another process applied, took back or marked for a rebuild first: start again from what it left.
      if (moved) return applied + this.syncFiles();
      applied += digests.length;
    }
    if (applied === 0) return 0;
    this.db.transaction(() => {
      trimUndo(this.db, newest);
      // FTS5 merges segments by work proportional to what is written: a commit at a time (memory
      // following commits) would leave one segment each. A little merging keeps them few (a mine's
      // worth is counted and merged whole by sync instead).
      if (applied < MERGE_CHECK_ROWS) for (const table of TEXT_INDEXES) this.db.run(`INSERT INTO ${table}(${table}, rank) VALUES ('merge', ${FOLLOW_MERGE_PAGES})`);
    });
    return applied;
  }
}

/**
 * Brings an index of an older version up by its migrations, each in one transaction under the write
 * lock; answers the versions this process migrated from.
 */
function migrate(db: SqliteFile): number[] {
  const applied: number[] = [];
  for (let from = versionOf(db); from !== undefined && MIGRATIONS[from] !== undefined; from = versionOf(db)) {
    const version = from;
    db.transaction(() => {
      // Another process may have migrated it meanwhile.
      if (versionOf(db) !== version) return;
      db.exec(MIGRATIONS[version]!);
      db.run("UPDATE state SET value = ? WHERE key = 'version'", [String(version + 1)]);
      applied.push(version);
    });
  }
  return applied;
}

function versionOf(db: SqliteFile): number | undefined {
  const table = db.get("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'state'");
  if (!table) return undefined;
  return Number(db.get<{ value: string }>("SELECT value FROM state WHERE key = 'version'")?.value);
}

/** Digests are kept deflated: they are most of the file, and JSON of file lists packs well. */
function pack(digest: ExperienceDigest): Uint8Array {
  return deflateRawSync(JSON.stringify(digest));
}

function unpack(bytes: Uint8Array): ExperienceDigest {
  return JSON.parse(inflateRawSync(bytes).toString('utf8')) as ExperienceDigest;
}

/** Shards whose revision differs between the store and the index, oldest first. */
function staleShards(wanted: Record<string, number>, have: Record<string, number>): string[] {
  return Object.keys({ ...wanted, ...have })
    .filter((shard) => wanted[shard] !== have[shard])
    .sort((a, b) => Number(a) - Number(b));
}

/** What sync compares of a stored row: which commit, and hashes of what the file tables, the text index and the digest hold. */
interface StoredRow {
  seq: number;
  sha: string;
  fhash: string;
  thash: string;
  rhash: string;
  forgotten: number;
}

function hashOf(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** What the file tables read from a digest: when it is unchanged, a re-indexed row leaves them alone. */
function fileHash(digest: ExperienceDigest): string {
  return hashOf([digest.sha, digest.subject, digest.files, digest.symbols]);
}
