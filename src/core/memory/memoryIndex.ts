import type { ExperienceDigest } from './experienceDigest.ts';
import type { RecallQuery } from './queryBuilder.ts';

/** A past change's place in history, as a cutoff asks: before this first-parent position or time. */
export interface HistoryCutoff {
  seq?: number;
  time?: number;
}

/**
 * What history says about files: which exist now, what they were renamed to, which commits touched
 * them, which change together and which symbols they hold. In memory for a small store
 * (fileTable.ts); read from the on-disk engine for a large one (engine/historyFiles.ts).
 */
export interface FileView {
  readonly newestSeq: number;
  readonly oldestSeq: number;
  /** The file's name now (following renames), or undefined when it no longer exists. */
  current(path: string): string | undefined;
  isTest(path: string): boolean;
  /** How specific a file is to any one change: rarely changed files say more when they match. */
  specificity(path: string): number;
  /** The shas of the changes that touched the file under this name, oldest first. */
  history(path: string): string[];
  filesNamedBy(query: RecallQuery): string[];
  pathMatches(query: RecallQuery): Array<{ path: string; strength: number; terms: string[]; exact: boolean }>;
  coChanged(path: string, limit: number): Array<{ path: string; together: number; total: number; ratio: number }>;
  symbolsNamedBy(query: RecallQuery): Array<{ path: string; name: string; container?: string; kind: string }>;
}

/** The file-level lexical index: a file matches by its path words, the symbols changed in it and why it changed. */
export interface FileQuery {
  query(terms: string[]): Array<{ path: string; score: number; terms: string[] }>;
}

export interface ExperienceHit {
  digest: ExperienceDigest;
  score: number;
  terms: string[];
}

/**
 * The recall index over a store's experiences. Two engines answer it: the whole index in memory,
 * cached as JSON, for a small store (recallIndex.ts), and SQLite on disk for a large one
 * (engine/historyIndex.ts), which reads only the postings and rows a query needs.
 */
export interface MemoryIndex {
  readonly size: number;
  /** What the user should know about this load: a damaged cache that was rebuilt. */
  readonly notes: string[];
  /** Runs `fn`'s many lookups as one read of the index (on disk: one lock, one consistent state). */
  reading<T>(fn: () => T): T;
  /** Memoizes a value derived from the index (a few per index: one per cutoff in use). */
  derive<T>(key: string, build: () => T): T;
  digest(sha: string): ExperienceDigest | undefined;
  /** The digests of these shas that are in the index (in no particular order). */
  digestsOf(shas: readonly string[]): ExperienceDigest[];
  /** The `limit` best experiences for the terms (only those passing `filter`, when given). */
  query(terms: string[], limit: number, filter?: (digest: ExperienceDigest) => boolean): ExperienceHit[];
  /** In how many experiences' subjects each term appears. */
  subjectFrequency(terms: readonly string[]): Map<string, number>;
  /** The file view and file index over all of memory. */
  unfilteredFiles(): { table: FileView; search: FileQuery };
  /** The same restricted to what passes (a cutoff, kinds): built on first use and kept. */
  filesWhere(key: string, allowed: (digest: ExperienceDigest) => boolean, cutoff: HistoryCutoff | undefined): { table: FileView; search: FileQuery };
  /** The newest experience before the cutoff (by first-parent position). */
  newestBefore(cutoff: HistoryCutoff): ExperienceDigest | undefined;
  /** The experiences that touched `paths` or a former name of them, newest first. */
  touching(paths: readonly string[]): ExperienceDigest[];
  /** The files (by current name) where a symbol of this container and name was changed. */
  symbolHomes(symbol: { name: string; container?: string }): string[];
  /** Experiences newest first, `offset` on, passing `filter`; with how many pass in all. */
  page(offset: number, limit: number, filter: PageFilter): { digests: ExperienceDigest[]; total: number };
}

/** What the memory browser filters on that an index can answer without full records. */
export interface PageFilter {
  kind?: string;
  /** A file the change touched (under its name then), by the browser's pattern. */
  path?: (path: string) => boolean;
  quarantined?: boolean;
}
