import { CoevolveError } from '../errors.ts';
import { SymbolParser } from '../code/symbolParser.ts';
import type { ParsedFile } from '../code/symbolParser.ts';
import { BlobReader } from '../git/blobReader.ts';
import { KEPT_READER_MAX_BYTES, keptBlobReader } from '../git/keptBlobReader.ts';

/** A declaration found in a file as it is at some revision. */
export interface Declared {
  name: string;
  container?: string;
  kind: string;
  /** A binding of something defined elsewhere (`const x = require(…)`, `import x …`): says nothing about this file. */
  imported?: true;
}

/**
 * What a file declares at the revision under the names asked about; `missing` when the file is not
 * there; `unknown` when it cannot be told (a language without a grammar, a binary or oversized file).
 */
export type FileDeclarations = Declared[] | 'missing' | 'unknown';

const MAX_FILE_BYTES = KEPT_READER_MAX_BYTES;
/** Answers are kept by blob id and name, so the same file content is parsed once per process for a name. */
const MAX_CACHED_BLOBS = 2000;
const cache = new Map<string, { unknown: true } | { names: Map<string, Declared[]> }>();
let parser: Promise<SymbolParser> | undefined;

const IMPORT_LOOKAHEAD = 4;
const IMPORT_LINE = /\brequire\s*\(|^\s*(?:export\s+)?import\b|^\s*from\s+\S+\s+import\b|=\s*(?:await\s+)?import\s*\(/;

/**
 * The declarations of a few files of one revision, under a few names, read lazily: one
 * `git cat-file --batch` asked for `<revision>:<path>` (each file's blob id and bytes at once), and a
 * tree-sitter parse of each blob not seen before, queried only on the lines where the names occur.
 * Used to check that a symbol recall names still exists where it says.
 */
export class TreeSymbols {
  /** Each path's blob at the revision (undefined: no file there), with its bytes until `close`. */
  private readonly files = new Map<string, { blob: string; content: Buffer | undefined } | undefined>();
  /** Files parsed during this check, kept until `close` for the names asked next (where a moved symbol went). */
  private readonly parsed = new Map<string, ParsedFile | undefined>();
  private reader: BlobReader | undefined;

  private constructor(
    private readonly root: string,
    private readonly revision: string,
    private readonly keepReader: boolean,
  ) {}

  /** `keepReader`: a long-lived process's checks share one running git (keptBlobReader.ts) instead of starting one each. */
  static at(root: string, revision: string, options: { keepReader?: boolean } = {}): TreeSymbols {
    if (revision.startsWith('-') || revision.includes(':') || revision.includes('\n')) throw new CoevolveError('bad-input', `Not a revision: ${revision}`);
    return new TreeSymbols(root, revision, options.keepReader === true);
  }

  /** The declarations named `names` in each path. */
  async find(wanted: ReadonlyMap<string, ReadonlySet<string>>): Promise<Map<string, FileDeclarations>> {
    await this.fetch(wanted.keys());
    const out = new Map<string, FileDeclarations>();
    const toRead: Array<{ path: string; key: string; names: string[] }> = [];
    for (const [path, names] of wanted) {
      // A path that is not valid UTF-8 is known to memory only by a lossy rendering, and one with a
      // line break cannot be asked of git by name: neither can be looked up.
      if (!askable(path)) {
        out.set(path, 'unknown');
        continue;
      }
      const file = this.files.get(path);
      if (!file) {
        out.set(path, 'missing');
        continue;
      }
      const key = `${file.blob}\0${extensionOf(path)}`;
      const known = cache.get(key);
      if (known && 'unknown' in known) {
        out.set(path, 'unknown');
        continue;
      }
      const missing = [...names].filter((name) => !known?.names.has(name));
      if (missing.length) toRead.push({ path, key, names: missing });
      else out.set(path, [...names].flatMap((name) => known!.names.get(name)!));
    }
    if (toRead.length) await this.parse(toRead);
    for (const { path, key } of toRead) {
      const known = cache.get(key);
      out.set(path, !known || 'unknown' in known ? 'unknown' : [...wanted.get(path)!].flatMap((name) => known.names.get(name) ?? []));
    }
    return out;
  }

  /** Asks git for the paths not asked before, all on one running process. */
  private async fetch(paths: Iterable<string>): Promise<void> {
    const wanted = [...new Set(paths)].filter((path) => askable(path) && path !== '' && !this.files.has(path));
    if (wanted.length === 0) return;
    this.reader ??= this.keepReader ? keptBlobReader(this.root, MAX_FILE_BYTES) : new BlobReader(this.root, MAX_FILE_BYTES);
    const reader = this.reader;
    const found = await Promise.all(wanted.map((path) => reader.lookup(`${this.revision}:${path}`)));
    wanted.forEach((path, i) => {
      const object = found[i];
      // A folder or a submodule at that path is no file that declares anything.
      this.files.set(path, object?.type === 'blob' ? { blob: object.id, content: object.content } : undefined);
    });
  }

  close(): void {
    if (!this.keepReader) this.reader?.close();
    this.reader = undefined;
    this.files.clear();
    for (const file of this.parsed.values()) file?.dispose();
    this.parsed.clear();
  }

  private async parse(items: Array<{ path: string; key: string; names: string[] }>): Promise<void> {
    const symbols = await (parser ??= SymbolParser.create()).catch((error: unknown) => {
      // The caller says why nothing was checked; the next call tries to load the grammars again.
      parser = undefined;
      throw error;
    });
    for (const item of items) {
      // Over the size cap, a language without a grammar, or binary: cannot be told.
      const content = symbols.supports(item.path) ? this.files.get(item.path)?.content : undefined;
      if (!content || content.includes(0)) {
        remember(item.key, { unknown: true });
        continue;
      }
      const text = content.toString('utf8');
      const entry = cache.get(item.key);
      const names = entry && 'names' in entry ? entry.names : new Map<string, Declared[]>();
      // A name the text never mentions is not declared there: no parse needed (most places a moved symbol is looked for).
      const mentioned = item.names.filter((name) => text.includes(lastSegment(name)));
      for (const name of item.names) if (!mentioned.includes(name)) names.set(name, []);
      if (mentioned.length) {
        if (!this.parsed.has(item.key)) this.parsed.set(item.key, parseOrUndefined(symbols, item.path, text));
        const parsed = this.parsed.get(item.key);
        if (!parsed) {
          remember(item.key, { unknown: true });
          continue;
        }
        for (const [name, declared] of declarationsNamed(parsed, mentioned)) names.set(name, declared);
      }
      remember(item.key, { names });
    }
  }
}

function askable(path: string): boolean {
  return !path.includes('\uFFFD') && !path.includes('\n');
}

function parseOrUndefined(symbols: SymbolParser, path: string, text: string): ParsedFile | undefined {
  try {
    return symbols.parse(path, text);
  } catch {
    // A grammar that cannot parse this file leaves its symbols unchecked, as for a language without one.
    return undefined;
  }
}

/**
 * The declarations of each name: those found on the lines where the name occurs (a declaration's
 * name is on its first line in every language parsed). Adjacent lines are asked in separate passes,
 * and never as a single range: a range that covers a declaration whole only outlines it (as mining
 * does for added files), while lines asked apart reach every declaration on them, however deep.
 */
function declarationsNamed(parsed: ParsedFile, names: readonly string[]): Map<string, Declared[]> {
  const lines = parsed.text.split('\n');
  const out = new Map<string, Declared[]>(names.map((name) => [name, []]));
  const wanted = new Set(names);
  const hits: number[] = [];
  lines.forEach((line, i) => {
    if (names.some((name) => line.includes(lastSegment(name)))) hits.push(i + 1);
  });
  const beyond = { start: lines.length + 2, end: lines.length + 2 };
  const seen = new Set<string>();
  for (const parity of [0, 1]) {
    const rows = hits.filter((line) => line % 2 === parity).map((line) => ({ start: line, end: line }));
    if (rows.length === 0) continue;
    // A second, empty range keeps a lone line from being read as one range that outlines.
    for (const symbol of parsed.symbolsInLines([...rows, beyond], Number.MAX_SAFE_INTEGER)) {
      if (!wanted.has(symbol.name)) continue;
      const key = `${symbol.container ?? ''}\0${symbol.name}\0${symbol.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const declared: Declared = { name: symbol.name, kind: symbol.kind };
      if (symbol.container !== undefined) declared.container = symbol.container;
      if (symbol.kind === 'variable' && bindsImport(lines, symbol.startLine, symbol.endLine)) declared.imported = true;
      out.get(symbol.name)!.push(declared);
    }
  }
  return out;
}

/** The declaration's first lines (its range starts at any comment above it) bind an import. */
function bindsImport(lines: readonly string[], startLine: number, endLine: number): boolean {
  for (let line = startLine; line <= Math.min(endLine, startLine + IMPORT_LOOKAHEAD); line++) if (IMPORT_LINE.test(lines[line - 1] ?? '')) return true;
  return false;
}

function remember(key: string, value: { unknown: true } | { names: Map<string, Declared[]> }): void {
  cache.delete(key);
  if (cache.size >= MAX_CACHED_BLOBS) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

/** The part of a dotted name (`module.exports.body`) that is written where it is declared. */
function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot) : base;
}
