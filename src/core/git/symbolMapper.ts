import { CoevolveError } from '../errors.ts';
import { hunkLineRanges } from '../code/symbolParser.ts';
import type { ParsedFile, SymbolParser, SymbolRef } from '../code/symbolParser.ts';
import type { SymbolChange } from '../memory/experience.ts';
import type { BlobReader } from './blobReader.ts';
import type { RawChange, RawCommit } from './rawCommit.ts';
import { wantsSymbols } from './symbolScope.ts';

export interface SymbolMapperLimits {
  /** Files per commit whose symbols are mapped; a huge commit degrades to file level past this. */
  maxFilesPerCommit: number;
  maxSymbolsPerCommit: number;
  /** Parsed file versions kept between commits (text bytes); bounds memory on any history. */
  maxCachedBytes: number;
  maxCachedFiles: number;
  /** Larger files (often generated or minified) are recorded at file level only. */
  maxFileBytes: number;
}

export interface SymbolStats {
  incremental: number;
  fullParses: number;
  blobReads: number;
  skippedLarge: number;
  reusedForAdd: number;
}

export const DEFAULT_SYMBOL_LIMITS: SymbolMapperLimits = {
  maxFilesPerCommit: 60,
  maxSymbolsPerCommit: 80,
  // A parsed tree costs about 20x its text in WebAssembly memory, which never shrinks.
  maxCachedBytes: 6 * 1024 * 1024,
  maxCachedFiles: 1000,
  maxFileBytes: 384 * 1024,
};

/**
 * Maps each changed hunk to the enclosing declarations. History is walked newest first, so the
 * parsed post-image of a file at one commit is what the next (older) commit that touches the file
 * produced. The pre-image is derived by reversing the hunks with an incremental re-parse and kept
 * for that older commit, so each file version is parsed about once, mostly incrementally. A cached
 * version is only trusted after checking the hunk's added lines against it; otherwise the exact
 * blob is read from git.
 */
export class SymbolMapper {
  /** Path -> the parsed version of that file just before the last commit walked, and its blob id. */
  private readonly cache = new Map<string, { file: ParsedFile; blob: string }>();
  private cachedBytes = 0;
  /** How the parse work was done: the cache's hit rate decides mining speed. */
  readonly stats: SymbolStats = { incremental: 0, fullParses: 0, blobReads: 0, skippedLarge: 0, reusedForAdd: 0 };

  constructor(
    private readonly parser: SymbolParser,
    private readonly blobs: BlobReader,
    private readonly limits: SymbolMapperLimits = DEFAULT_SYMBOL_LIMITS,
  ) {}

  async map(commit: Pick<RawCommit, 'changes'>): Promise<SymbolChange[]> {
    const found: SymbolChange[] = [];
    let mapped = 0;
    for (const change of commit.changes) {
      if (!change.hunks || !wantsSymbols(change) || mapped >= this.limits.maxFilesPerCommit) {
        this.forget(change.path);
        if (change.oldPath) this.forget(change.oldPath);
        if (!change.hunks && change.status === 'renamed' && change.oldPath && change.score === 100) {
          // A pure rename: the same content lived at the old path before this commit.
          this.move(change.path, change.oldPath);
        }
        continue;
      }
      mapped++;
      try {
        await this.mapChange(change, found);
      } catch (error) {
        // git itself stopped (or was interrupted): every later file would read as unmappable, so
        // the commit must not be stored with too few symbols.
        if (CoevolveError.is(error, 'cancelled') || CoevolveError.is(error, 'git-failed')) throw error;
        // A file the grammar cannot handle degrades to file level; mining goes on.
        this.forget(change.path);
        if (change.oldPath) this.forget(change.oldPath);
      }
      if (found.length >= this.limits.maxSymbolsPerCommit) break;
    }
    return found.slice(0, this.limits.maxSymbolsPerCommit);
  }

  private async mapChange(change: RawChange, found: SymbolChange[]): Promise<void> {
    const hunks = change.hunks!;
    const path = change.path;
    if (change.status === 'added') {
      // The version newer commits left us is usually exactly the one this commit created.
      let file = this.take(path, change.newBlob);
      if (file) this.stats.reusedForAdd++;
      if (!file) {
        const text = joinLines(hunks.flatMap((h) => h.added), change.newNoEol);
        if (text.length > this.limits.maxFileBytes) return;
        file = this.parser.parse(path, text);
        this.stats.fullParses++;
      }
      for (const symbol of file.outline(this.limits.maxSymbolsPerCommit)) found.push(toChange(path, symbol, 'added'));
      file.dispose();
      return;
    }
    if (change.status === 'deleted') {
      const text = joinLines(hunks.flatMap((h) => h.removed), change.oldNoEol);
      if (text.length > this.limits.maxFileBytes) return this.forget(path);
      const file = this.parser.parse(path, text);
      this.stats.fullParses++;
      for (const symbol of file.outline(this.limits.maxSymbolsPerCommit)) found.push(toChange(path, symbol, 'deleted'));
      this.remember(path, file, change.oldBlob);
      return;
    }
    let post = this.take(path, change.newBlob);
    if (post && !post.isPostImageOf(hunks)) {
      post.dispose();
      post = undefined;
    }
    if (!post) {
      const blob = await this.blobs.read(change.newBlob);
      this.stats.blobReads++;
      if (!blob || blob.length > this.limits.maxFileBytes) {
        this.stats.skippedLarge++;
        return;
      }
      post = this.parser.parse(path, blob.toString('utf8'));
      this.stats.fullParses++;
    }
    const seen = new Set<string>();
    // Each side only where it has lines: an insertion point says nothing about the code around it.
    const addedRanges = hunkLineRanges(hunks.filter((h) => h.newLines > 0), 'new');
    for (const symbol of post.symbolsInLines(addedRanges)) {
      seen.add(key(symbol));
      found.push(toChange(path, symbol, coveredBy(symbol, addedRanges) ? 'added' : 'modified'));
    }
    const pre = post.toPreImage(hunks, change.oldNoEol);
    this.stats.incremental++;
    const removedRanges = hunkLineRanges(hunks.filter((h) => h.oldLines > 0), 'old');
    for (const symbol of pre.symbolsInLines(removedRanges)) {
      if (seen.has(key(symbol))) continue;
      seen.add(key(symbol));
      found.push(toChange(path, symbol, coveredBy(symbol, removedRanges) ? 'deleted' : 'modified'));
    }
    if (change.oldPath && change.oldPath !== path) this.forget(path);
    this.remember(change.oldPath ?? path, pre, change.oldBlob);
  }

  /** Takes the cached version of `path` if it is exactly blob `blob` (else drops it). */
  private take(path: string, blob?: string): ParsedFile | undefined {
    const entry = this.cache.get(path);
    if (!entry) return undefined;
    this.cache.delete(path);
    this.cachedBytes -= entry.file.text.length;
    if (blob !== undefined && entry.blob !== blob) {
      entry.file.dispose();
      return undefined;
    }
    return entry.file;
  }

  private remember(path: string, file: ParsedFile, blob: string): void {
    this.forget(path);
    if (file.text.length > this.limits.maxCachedBytes / 4) {
      file.dispose();
      return;
    }
    this.cache.set(path, { file, blob });
    this.cachedBytes += file.text.length;
    // Map iteration order is insertion order: the first entries are the least recently used.
    for (const [oldest, entry] of this.cache) {
      if (this.cachedBytes <= this.limits.maxCachedBytes && this.cache.size <= this.limits.maxCachedFiles) break;
      this.cache.delete(oldest);
      this.cachedBytes -= entry.file.text.length;
      entry.file.dispose();
    }
  }

  private move(from: string, to: string): void {
    const entry = this.cache.get(from);
    const file = this.take(from);
    if (file && entry) this.remember(to, file, entry.blob);
  }

  private forget(path: string): void {
    this.take(path)?.dispose();
  }

  dispose(): void {
    for (const entry of this.cache.values()) entry.file.dispose();
    this.cache.clear();
    this.cachedBytes = 0;
  }
}

function joinLines(lines: readonly string[], noEol: boolean | undefined): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (noEol ? '' : '\n');
}

function key(symbol: SymbolRef): string {
  return `${symbol.container ?? ''}\u0000${symbol.name}\u0000${symbol.kind}`;
}

function coveredBy(symbol: SymbolRef, ranges: ReadonlyArray<{ start: number; end: number }>): boolean {
  return ranges.some((r) => r.start <= symbol.startLine && r.end >= symbol.endLine);
}

function toChange(path: string, symbol: SymbolRef, change: SymbolChange['change']): SymbolChange {
  const out: SymbolChange = { path, name: symbol.name, kind: symbol.kind, change };
  if (symbol.container) out.container = symbol.container;
  return out;
}

