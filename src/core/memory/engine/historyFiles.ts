import type { ExperienceDigest } from '../experienceDigest.ts';
import { MAX_FILE_SYMBOLS, MAX_FILE_WORDS, MAX_HOPS, MAX_SUBJECTS, NOISE, pathTokens } from '../fileTable.ts';
import { FILE_BOOSTS } from '../fileSearch.ts';
import type { FileQuery, FileView } from '../memoryIndex.ts';
import type { RecallQuery } from '../queryBuilder.ts';
import { tokenize } from '../tokenize.ts';
import { FTS_TOKENIZER, ftsQuery, ftsTokens, matchedTerms, selectiveTerms } from './ftsText.ts';
import type { SqliteFile } from './sqliteFile.ts';
import { DerivedCache } from '../derivedCache.ts';
import { FILE_UNDO_SCHEMA } from './fileTablesUndo.ts';
import type { UndoJournal } from './fileTablesUndo.ts';

/**
 * A file's name and path words without the rest of its row (its symbols, subjects and words, ~2 KB):
 * finding the files a query's path words bring reads this (4 ms for 2,000 files at 500k commits, 24
 * ms through the rows).
 */
export const FILE_NAMES_INDEX = 'CREATE INDEX file_names ON file(id, present, path, tokens)';

/** The file tables: what history says about each file, kept on disk and updated commit by commit. */
export const FILE_SCHEMA = `
CREATE TABLE file(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, present INTEGER NOT NULL, test INTEGER NOT NULL, changes INTEGER NOT NULL,
  tokens TEXT NOT NULL, symbols TEXT NOT NULL, subjects TEXT NOT NULL, words TEXT NOT NULL);
CREATE TABLE renamed(old TEXT PRIMARY KEY, new TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE touch(file INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(file, seq)) WITHOUT ROWID;
CREATE INDEX touch_by_seq ON touch(seq);
${FILE_NAMES_INDEX};
CREATE TABLE file_name(key TEXT NOT NULL, file INTEGER NOT NULL, PRIMARY KEY(key, file)) WITHOUT ROWID;
CREATE TABLE file_token(token TEXT NOT NULL, file INTEGER NOT NULL, PRIMARY KEY(token, file)) WITHOUT ROWID;
CREATE TABLE symbol(key TEXT NOT NULL, path TEXT NOT NULL, container TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY(key, path, container)) WITHOUT ROWID;
CREATE VIRTUAL TABLE file_fts USING fts5(tokens, symbols, subjects, words, content='', contentless_delete=1, ${FTS_TOKENIZER}, prefix='6');
${FILE_UNDO_SCHEMA}`;
export const FILE_TABLES = ['file', 'renamed', 'touch', 'file_name', 'file_token', 'symbol', 'file_undo', 'file_batch'] as const;

/** Sweeping changes say little about coupling. */
const SWEEPING = 30;
/** Co-change is counted over a file's newest changes: a hot file's whole history would cost a query per change. */
const CO_CHANGE_WINDOW = 1000;
const SYMBOLS_PER_NAME = 50;
/** A word in more files' histories than this is left out of the file query (see selectiveTerms). */
const COMMON_FILES = 1500;
/** Files a query's path words may bring as candidates (see pathMatches). */
const PATH_CANDIDATES = 2000;

export interface FileRow {
  id: number;
  path: string;
  present: boolean;
  test: boolean;
  changes: number;
  tokens: string[];
  symbols: Set<string>;
  subjects: string[];
  words: Set<string>;
  dirty: boolean;
}

export interface StoredFile {
  id: number;
  path: string;
  present: number;
  test: number;
  changes: number;
  tokens: string;
  symbols: string;
  subjects: string;
  words: string;
}

/**
 * Applies digests, oldest first, to the file tables, as FileTable's constructor does in memory (the
 * same caps, the same rename rules), reading each file's row once per batch and writing it back at
 * the end. Callers run it inside one transaction per batch.
 */
export class FileTablesWriter {
  private readonly rows = new Map<string, FileRow | null>();
  /** Names renamed away: few beside all files, so kept here instead of a delete per file changed. */
  private readonly renamedAway: Set<string>;
  private readonly symbolCounts = new Map<string, number>();

  constructor(
    private readonly db: SqliteFile,
    /** Given for the newest commits: what each change replaced, so that a rewrite can take them back. */
    private readonly journal?: UndoJournal,
  ) {
    this.renamedAway = new Set(db.all<{ old: string }>('SELECT old FROM renamed').map((row) => row.old));
  }

  apply(digest: ExperienceDigest): void {
    for (const file of digest.files) {
      if (NOISE.has(file.category)) continue;
      if (file.oldPath && file.oldPath !== file.path) {
        this.journal?.renamed(file.oldPath);
        this.db.run('INSERT OR REPLACE INTO renamed(old, new) VALUES (?, ?)', [file.oldPath, file.path]);
        this.renamedAway.add(file.oldPath);
        const old = this.row(file.oldPath);
        if (old) this.change(old, () => (old.present = false));
      }
      if (this.renamedAway.delete(file.path)) {
        this.journal?.renamed(file.path);
        this.db.run('DELETE FROM renamed WHERE old = ?', [file.path]);
      }
      let state = this.row(file.path);
      if (!state) {
        const previous = file.oldPath ? this.row(file.oldPath) : undefined;
        state = this.create(file.path, file.category === 'test', previous ?? undefined);
      }
      const row = state;
      this.change(row, () => {
        row.present = !file.deleted;
        if (this.db.run('INSERT OR IGNORE INTO touch(file, seq) VALUES (?, ?)', [row.id, digest.seq]) > 0) {
          row.changes++;
          this.journal?.record('touch', { file: row.id, seq: digest.seq });
        }
        if (row.subjects.length >= MAX_SUBJECTS) row.subjects.shift();
        row.subjects.push(digest.subject);
        for (const word of file.words ?? []) if (row.words.size < MAX_FILE_WORDS) row.words.add(word);
      });
    }
    for (const symbol of digest.symbols) {
      const owner = this.row(symbol.path);
      if (owner && owner.symbols.size < MAX_FILE_SYMBOLS) this.change(owner, () => owner.symbols.add(symbol.container ? `${symbol.container}.${symbol.name}` : symbol.name));
      const key = symbol.name.toLowerCase();
      let held = this.symbolCounts.get(key);
      if (held === undefined) this.symbolCounts.set(key, (held = this.db.get<{ n: number }>('SELECT count(*) AS n FROM symbol WHERE key = ?', [key])!.n));
      if (held < SYMBOLS_PER_NAME && this.db.run('INSERT OR IGNORE INTO symbol(key, path, container, name, kind) VALUES (?, ?, ?, ?, ?)', [key, symbol.path, symbol.container ?? '', symbol.name, symbol.kind]) > 0) {
        this.symbolCounts.set(key, held + 1);
        this.journal?.record('symbol', { key, path: symbol.path, container: symbol.container ?? '' });
      }
    }
  }

  /** Writes the changed rows and their text to the file index. */
  flush(): void {
    for (const row of this.rows.values()) {
      if (!row?.dirty) continue;
      this.db.run('UPDATE file SET present = ?, changes = ?, symbols = ?, subjects = ?, words = ? WHERE id = ?', [
        row.present ? 1 : 0,
        row.changes,
        JSON.stringify([...row.symbols]),
        JSON.stringify(row.subjects),
        JSON.stringify([...row.words]),
        row.id,
      ]);
      writeFileDoc(this.db, row);
      row.dirty = false;
    }
    this.rows.clear();
  }

  private change(row: FileRow, edit: () => void): void {
    edit();
    row.dirty = true;
  }

  private row(path: string): FileRow | undefined {
    const cached = this.rows.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const stored = this.db.get<StoredFile>('SELECT * FROM file WHERE path = ?', [path]);
    if (stored) this.journal?.record('file', stored);
    const row = stored ? fromStored(stored) : null;
    this.rows.set(path, row);
    return row ?? undefined;
  }

  private create(path: string, test: boolean, previous: FileRow | undefined): FileRow {
    const tokens = pathTokens(path);
    const row: FileRow = {
      id: 0,
      path,
      present: true,
      test,
      changes: 0,
      tokens,
      symbols: new Set(previous?.symbols),
      subjects: [...(previous?.subjects ?? [])],
      words: new Set(previous?.words),
      dirty: true,
    };
    row.id = this.db.insert('INSERT INTO file(path, present, test, changes, tokens, symbols, subjects, words) VALUES (?, 1, ?, 0, ?, ?, ?, ?)', [path, test ? 1 : 0, tokens.join(' '), '[]', '[]', '[]']);
    this.journal?.record('created', { id: row.id });
    const lower = path.toLowerCase();
    const base = lower.slice(lower.lastIndexOf('/') + 1);
    const names = new Set([lower, base]);
    if (base.includes('.')) names.add(base.replace(/\.[^.]+$/, ''));
    for (const key of names) this.db.run('INSERT OR IGNORE INTO file_name(key, file) VALUES (?, ?)', [key, row.id]);
    for (const token of tokens) this.db.run('INSERT OR IGNORE INTO file_token(token, file) VALUES (?, ?)', [token, row.id]);
    this.rows.set(path, row);
    return row;
  }
}

/** A file's document in the file index, as its row now is: only existing files are documents, as FileTable.documents() has it. */
export function writeFileDoc(db: SqliteFile, row: FileRow): void {
  db.run('DELETE FROM file_fts WHERE rowid = ?', [row.id]);
  if (!row.present) return;
  db.run('INSERT INTO file_fts(rowid, tokens, symbols, subjects, words) VALUES (?, ?, ?, ?, ?)', [
    row.id,
    ftsTokens(row.tokens),
    ftsTokens([...row.symbols].flatMap((s) => tokenize(s))),
    ftsTokens(row.subjects.flatMap((s) => tokenize(s))),
    ftsTokens([...row.words].flatMap((w) => tokenize(w))),
  ]);
}

export function fromStored(stored: StoredFile): FileRow {
  return {
    id: stored.id,
    path: stored.path,
    present: stored.present === 1,
    test: stored.test === 1,
    changes: stored.changes,
    tokens: stored.tokens ? stored.tokens.split(' ') : [],
    symbols: new Set(JSON.parse(stored.symbols) as string[]),
    subjects: JSON.parse(stored.subjects) as string[],
    words: new Set(JSON.parse(stored.words) as string[]),
    dirty: false,
  };
}

/** {@link FileView} read from the file tables: each answer is a few indexed lookups. */
export class SqlFileView implements FileView, FileQuery {
  /** Per file: a recall asks the same few hundred files many times; the view lives until the next sync. */
  private readonly known = new DerivedCache(100_000);
  /** How many files each word is in (up to a cap): queries share most of their words. */
  private readonly counts = new DerivedCache(10_000);

  constructor(
    private readonly db: SqliteFile,
    readonly newestSeq: number,
    readonly oldestSeq: number,
    private readonly experienceCount: number,
  ) {}

  current(path: string): string | undefined {
    return this.file(path).current;
  }

  isTest(path: string): boolean {
    return this.file(path).test;
  }

  specificity(path: string): number {
    const df = this.file(path).changes || 1;
    return Math.log(1 + this.experienceCount / df) / Math.log(1 + this.experienceCount);
  }

  private file(path: string): { current: string | undefined; test: boolean; changes: number } {
    return this.known.get(path, () => {
      let name = path;
      for (let hops = 0; hops < MAX_HOPS; hops++) {
        const next = this.db.get<{ new: string }>('SELECT new FROM renamed WHERE old = ?', [name]);
        if (!next) break;
        name = next.new;
      }
      const own = this.db.get<{ present: number; test: number; changes: number }>('SELECT present, test, changes FROM file WHERE path = ?', [path]);
      const exists = name === path ? own?.present === 1 : this.db.get<{ present: number }>('SELECT present FROM file WHERE path = ?', [name])?.present === 1;
      return { current: exists ? name : undefined, test: own?.test === 1, changes: own?.changes ?? 0 };
    });
  }

  history(path: string): string[] {
    return this.db.all<{ sha: string }>('SELECT e.sha AS sha FROM touch t JOIN file f ON f.id = t.file JOIN exp e ON e.seq = t.seq WHERE f.path = ? ORDER BY t.seq', [path]).map((r) => r.sha);
  }

  filesNamedBy(query: RecallQuery): string[] {
    const named = new Set<string>();
    for (const id of query.identifierSet) {
      for (const row of this.db.all<{ path: string }>('SELECT f.path AS path FROM file_name n JOIN file f ON f.id = n.file WHERE n.key = ? AND f.present = 1', [id])) named.add(row.path);
    }
    return [...named];
  }

  pathMatches(query: RecallQuery): Array<{ path: string; strength: number; terms: string[]; exact: boolean }> {
    const named = new Set(this.filesNamedBy(query));
    const candidates = new Map<string, string[]>();
    const consider = (rows: Array<{ path: string; tokens: string }>) => {
      for (const row of rows) candidates.set(row.path, row.tokens ? row.tokens.split(' ') : []);
    };
    for (const path of named) consider(this.db.all('SELECT path, tokens FROM file WHERE path = ? AND present = 1', [path]));
    // Rarest path words first, while the files they bring stay within a budget: a word most paths hold
    // (`src`, `ts`) would bring thousands of candidates that share only it with the query (60 ms at 500k).
    const counted = [...query.tokenSet]
      .map((term) => ({ term, files: this.countUpTo('path', term, PATH_CANDIDATES + 1, 'SELECT count(*) AS n FROM (SELECT 1 FROM file_token WHERE token = ? LIMIT ?)') }))
      .sort((a, b) => a.files - b.files);
    let spent = 0;
    for (const { term, files } of counted) {
      if (spent + files > PATH_CANDIDATES) break;
      if (files > 0) consider(this.db.all('SELECT f.path AS path, f.tokens AS tokens FROM file_token t JOIN file f INDEXED BY file_names ON f.id = t.file WHERE t.token = ? AND f.present = 1', [term]));
      spent += files;
    }
    const out: Array<{ path: string; strength: number; terms: string[]; exact: boolean }> = [];
    for (const [path, tokens] of candidates) {
      const terms = tokens.filter((t) => query.tokenSet.has(t));
      const exact = named.has(path);
      if (terms.length === 0 && !exact) continue;
      out.push({ path, strength: exact ? 1 : terms.length / (tokens.length + 1), terms, exact });
    }
    return out.sort((a, b) => b.strength - a.strength || a.path.localeCompare(b.path)).slice(0, 50);
  }

  coChanged(path: string, limit: number): Array<{ path: string; together: number; total: number; ratio: number }> {
    const id = this.db.get<{ id: number }>('SELECT id FROM file WHERE path = ?', [path])?.id;
    if (id === undefined) return [];
    const total = this.db.get<{ n: number }>('SELECT count(*) AS n FROM (SELECT seq FROM touch WHERE file = ? ORDER BY seq DESC LIMIT ?)', [id, CO_CHANGE_WINDOW])!.n;
    if (total < 2) return [];
    // The file's newest changes that are not sweeping, and how often each other file was in them.
    const partners = this.db.all<{ path: string; n: number }>(
      `WITH mine AS (SELECT seq FROM touch WHERE file = ? ORDER BY seq DESC LIMIT ?),
            small AS (SELECT m.seq AS seq FROM mine m JOIN touch t ON t.seq = m.seq GROUP BY m.seq HAVING count(*) <= ${SWEEPING})
       SELECT f.path AS path, count(*) AS n FROM small s JOIN touch t ON t.seq = s.seq JOIN file f ON f.id = t.file WHERE t.file != ? GROUP BY f.path`,
      [id, CO_CHANGE_WINDOW, id],
    );
    const together = new Map<string, number>();
    for (const partner of partners) {
      const current = this.current(partner.path);
      if (current && current !== path) together.set(current, (together.get(current) ?? 0) + partner.n);
    }
    return [...together]
      .filter(([, n]) => n >= 2)
      .map(([other, n]) => ({ path: other, together: n, total, ratio: n / total }))
      .sort((a, b) => b.ratio - a.ratio || a.path.localeCompare(b.path))
      .slice(0, limit);
  }

  symbolsNamedBy(query: RecallQuery): Array<{ path: string; name: string; container?: string; kind: string }> {
    const out: Array<{ path: string; name: string; container?: string; kind: string }> = [];
    for (const id of query.identifierSet) {
      for (const row of this.db.all<{ path: string; container: string; name: string; kind: string }>('SELECT path, container, name, kind FROM symbol WHERE key = ?', [id])) {
        const path = this.current(row.path);
        if (path) out.push({ path, name: row.name, kind: row.kind, ...(row.container ? { container: row.container } : {}) });
      }
    }
    return out;
  }

  private countUpTo(kind: 'path' | 'text', term: string, limit: number, sql: string): number {
    return this.counts.get(`${kind}\0${term}\0${limit}`, () => this.db.get<{ n: number }>(sql, [term, limit])!.n);
  }

  /** The file-level lexical index (FileQuery): BM25 over existing files' path words, symbols, subjects and words. */
  query(terms: string[]): Array<{ path: string; score: number; terms: string[] }> {
    if (terms.length === 0) return [];
    // Words that most files' histories mention cost a score per file and say little.
    const selective = selectiveTerms(terms, COMMON_FILES, 2, (term, limit) => this.countUpTo('text', ftsQuery([term]), limit, 'SELECT count(*) AS n FROM (SELECT 1 FROM file_fts WHERE file_fts MATCH ? LIMIT ?)'));
    const rows = this.db.all<{ path: string; score: number; tokens: string; symbols: string; subjects: string; words: string }>(
      // Ranked first, then joined: sorting the joined rows would carry every match's text through the sort.
      `SELECT f.path AS path, r.score AS score, f.tokens AS tokens, f.symbols AS symbols, f.subjects AS subjects, f.words AS words
       FROM (SELECT rowid, bm25(file_fts, ${FILE_BOOSTS.tokens}, ${FILE_BOOSTS.symbols}, ${FILE_BOOSTS.subjects}, ${FILE_BOOSTS.words}) AS score FROM file_fts WHERE file_fts MATCH ? ORDER BY score LIMIT 100) r
       JOIN file f ON f.id = r.rowid ORDER BY r.score`,
      [ftsQuery(selective)],
    );
    return rows.map((row) => ({
      path: row.path,
      // FTS5's bm25() is lower for better matches.
      score: -row.score,
      terms: matchedTerms(terms, [row.tokens, ...(JSON.parse(row.symbols) as string[]), ...(JSON.parse(row.subjects) as string[]), ...(JSON.parse(row.words) as string[])].join(' ')),
    }));
  }
}
