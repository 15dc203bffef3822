import type { ExperienceDigest } from './experienceDigest.ts';
import type { RecallQuery } from './queryBuilder.ts';
import { tokenize } from './tokenize.ts';
import type { FileView } from './memoryIndex.ts';

interface FileState {
  exists: boolean;
  test: boolean;
  history: string[];
  tokens: string[];
  /** What history says about the file: the names changed in it and why, newest last (capped). */
  symbols: Set<string>;
  subjects: string[];
  words: Set<string>;
}

export const MAX_SUBJECTS = 40;
export const MAX_FILE_SYMBOLS = 200;
export const MAX_FILE_WORDS = 400;

export const NOISE = new Set(['lock', 'vendored', 'generated', 'binary', 'submodule']);
export const MAX_HOPS = 32;

/**
 * What history says about files up to a point in time: which exist, what they were renamed to,
 * which commits touched them, which files change together, and which symbols they hold.
 */
export class FileTable implements FileView {
  private readonly files = new Map<string, FileState>();
  private readonly renamedTo = new Map<string, string>();
  private readonly filesBySha = new Map<string, string[]>();
  private readonly symbolsByName = new Map<string, Array<{ path: string; name: string; container?: string; kind: string }>>();
  readonly newestSeq: number;
  readonly oldestSeq: number;
  experienceCount = 0;
  private paths: { byName: Map<string, string[]>; byToken: Map<string, string[]> } | undefined;

  constructor(digests: readonly ExperienceDigest[]) {
    const ordered = [...digests].sort((a, b) => a.seq - b.seq);
    this.newestSeq = ordered[ordered.length - 1]?.seq ?? 0;
    this.oldestSeq = ordered[0]?.seq ?? 0;
    for (const digest of ordered) {
      const touched: string[] = [];
      for (const file of digest.files) {
        if (NOISE.has(file.category)) continue;
        if (file.oldPath && file.oldPath !== file.path) {
          this.renamedTo.set(file.oldPath, file.path);
          const old = this.files.get(file.oldPath);
          if (old) old.exists = false;
        }
        this.renamedTo.delete(file.path);
        let state = this.files.get(file.path);
        if (!state) {
          const previous = file.oldPath ? this.files.get(file.oldPath) : undefined;
          state = {
            exists: true,
            test: file.category === 'test',
            history: [],
            tokens: pathTokens(file.path),
            symbols: new Set(previous?.symbols),
            subjects: [...(previous?.subjects ?? [])],
            words: new Set(previous?.words),
          };
          this.files.set(file.path, state);
        }
        state.exists = !file.deleted;
        state.history.push(digest.sha);
        if (state.subjects.length >= MAX_SUBJECTS) state.subjects.shift();
        state.subjects.push(digest.subject);
        for (const word of file.words ?? []) if (state.words.size < MAX_FILE_WORDS) state.words.add(word);
        touched.push(file.path);
      }
      this.filesBySha.set(digest.sha, touched);
      this.experienceCount++;
      for (const symbol of digest.symbols) {
        const owner = this.files.get(symbol.path);
        if (owner && owner.symbols.size < MAX_FILE_SYMBOLS) owner.symbols.add(symbol.container ? `${symbol.container}.${symbol.name}` : symbol.name);
        const key = symbol.name.toLowerCase();
        const list = this.symbolsByName.get(key) ?? [];
        if (!list.some((s) => s.path === symbol.path && s.container === symbol.container) && list.length < 50) list.push(symbol);
        this.symbolsByName.set(key, list);
      }
    }
  }

  /** The file's name now (following renames), or undefined when it no longer exists. */
  current(path: string): string | undefined {
    let name = path;
    for (let hops = 0; hops < MAX_HOPS; hops++) {
      const next = this.renamedTo.get(name);
      if (!next) break;
      name = next;
    }
    return this.files.get(name)?.exists ? name : undefined;
  }

  isTest(path: string): boolean {
    return this.files.get(path)?.test ?? false;
  }

  /** How specific a file is to any one change: rarely changed files say more when they match. */
  specificity(path: string): number {
    const df = this.files.get(path)?.history.length ?? 1;
    return Math.log(1 + this.experienceCount / df) / Math.log(1 + this.experienceCount);
  }

  /** Existing files with the text history holds about them, for the file-level lexical index. */
  *documents(): Generator<{ path: string; symbols: string; subjects: string; tokens: string; words: string }> {
    for (const [path, state] of this.files) {
      if (!state.exists) continue;
      yield { path, tokens: state.tokens.join(' '), symbols: [...state.symbols].join(' '), subjects: state.subjects.join('\n'), words: [...state.words].join(' ') };
    }
  }

  history(path: string): string[] {
    return this.files.get(path)?.history ?? [];
  }

  filesNamedBy(query: RecallQuery): string[] {
    const named = new Set<string>();
    for (const id of query.identifierSet) {
      for (const path of this.pathIndex().byName.get(id) ?? []) if (this.files.get(path)?.exists) named.add(path);
    }
    return [...named];
  }

  /** Existing files whose path words appear in the query, strongest first. */
  pathMatches(query: RecallQuery): Array<{ path: string; strength: number; terms: string[]; exact: boolean }> {
    const named = new Set(this.filesNamedBy(query));
    const candidates = new Set(named);
    for (const term of query.tokenSet) for (const path of this.pathIndex().byToken.get(term) ?? []) candidates.add(path);
    const out: Array<{ path: string; strength: number; terms: string[]; exact: boolean }> = [];
    for (const path of candidates) {
      const state = this.files.get(path);
      if (!state?.exists) continue;
      const terms = state.tokens.filter((t) => query.tokenSet.has(t));
      const exact = named.has(path);
      if (terms.length === 0 && !exact) continue;
      out.push({ path, strength: exact ? 1 : terms.length / (state.tokens.length + 1), terms, exact });
    }
    return out.sort((a, b) => b.strength - a.strength || a.path.localeCompare(b.path)).slice(0, 50);
  }

  /** Lookups from a file's name (full path, base name, stem) and path words to the files, built once. */
  private pathIndex(): { byName: Map<string, string[]>; byToken: Map<string, string[]> } {
    if (this.paths) return this.paths;
    const byName = new Map<string, string[]>();
    const byToken = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string, path: string) => {
      const list = map.get(key);
      if (!list) map.set(key, [path]);
      else if (list[list.length - 1] !== path) list.push(path);
    };
    for (const [path, state] of this.files) {
      const lower = path.toLowerCase();
      const base = lower.slice(lower.lastIndexOf('/') + 1);
      add(byName, lower, path);
      add(byName, base, path);
      if (base.includes('.')) add(byName, base.replace(/\.[^.]+$/, ''), path);
      for (const token of state.tokens) add(byToken, token, path);
    }
    this.paths = { byName, byToken };
    return this.paths;
  }

  /** Files that changed in the same commits as `path`, with how often. */
  coChanged(path: string, limit: number): Array<{ path: string; together: number; total: number; ratio: number }> {
    const history = this.history(path);
    if (history.length < 2) return [];
    const together = new Map<string, number>();
    for (const sha of history) {
      const files = this.filesBySha.get(sha) ?? [];
      if (files.length > 30) continue; // sweeping changes say little about coupling
      for (const other of files) {
        if (other === path) continue;
        const current = this.current(other);
        if (current && current !== path) together.set(current, (together.get(current) ?? 0) + 1);
      }
    }
    return [...together]
      .filter(([, n]) => n >= 2)
      .map(([other, n]) => ({ path: other, together: n, total: history.length, ratio: n / history.length }))
      .sort((a, b) => b.ratio - a.ratio || a.path.localeCompare(b.path))
      .slice(0, limit);
  }

  symbolsNamedBy(query: RecallQuery): Array<{ path: string; name: string; container?: string; kind: string }> {
    const out: Array<{ path: string; name: string; container?: string; kind: string }> = [];
    for (const id of query.identifierSet) {
      for (const symbol of this.symbolsByName.get(id) ?? []) {
        const path = this.current(symbol.path);
        if (path) out.push({ ...symbol, path });
      }
    }
    return out;
  }
}

export function pathTokens(path: string): string[] {
  const withoutExt = path.replace(/\.[^./]+$/, '');
  return [...new Set(tokenize(withoutExt.replace(/[/\\]/g, ' ')).filter((t) => t.length > 2))];
}
