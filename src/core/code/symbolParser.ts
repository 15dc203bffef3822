// Maps diff hunks to the declarations that enclose them, with tree-sitter (WebAssembly build).
// Called for every changed file of every mined commit, so it avoids whole-tree walks and reuses
// the post-image tree to get the pre-image tree by incremental re-parse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Edit, Language, Parser } from 'web-tree-sitter';
import type { Node, Point, Tree } from 'web-tree-sitter';
import { declarationRules } from './declarationRules.ts';
import type { Decl, Rule, RuleContext } from './declarationRules.ts';
import { grammarFileName, languageForPath } from './languages.ts';
import type { LanguageId } from './languages.ts';
import { resolveWasmDirs, runtimeWasmName } from './wasmLocation.ts';
import type { WasmDirs } from './wasmLocation.ts';

export type SymbolKind =
  | 'function' | 'method' | 'class' | 'interface' | 'enum' | 'struct' | 'trait' | 'impl' | 'module' | 'type' | 'variable'
  | 'property' | 'macro';

export interface SymbolRef {
  name: string;
  kind: SymbolKind;
  /** Enclosing class/impl/module names joined by '.'; absent at top level. */
  container?: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

/** One `git diff -U0` hunk. Line texts carry no leading '+'/'-' and no '\n' (a CRLF file's '\r' stays). */
export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  removed: string[];
  added: string[];
}

export interface LineRange {
  start: number;
  end: number;
}

const defaultSymbolLimit = 64;
const defaultOutlineLimit = 200;
const maxCandidates = 4096;

/**
 * The line ranges a hunk list touches on one side, for symbolsInLines. A side with no lines
 * (pure insertion on the old side, pure deletion on the new side) gives the line git anchors it
 * to, which is the line before the gap (at least 1).
 */
export function hunkLineRanges(hunks: readonly Hunk[], side: 'old' | 'new'): LineRange[] {
  return hunks.map((h) => {
    const start = side === 'old' ? h.oldStart : h.newStart;
    const count = side === 'old' ? h.oldLines : h.newLines;
    if (count === 0) {
      const at = Math.max(1, start);
      return { start: at, end: at };
    }
    return { start, end: start + count - 1 };
  });
}

/**
 * web-tree-sitter reads a string input through `text.slice(index)` and copies 10 KB per call while
 * reporting the whole remainder's length; handing it bounded chunks does the same work with less
 * copying (measured: parse callbacks were a tenth of mining time).
 */
function textInput(text: string): (index: number) => string {
  return (index) => text.slice(index, index + INPUT_CHUNK);
}

const INPUT_CHUNK = 10 * 1024;

// ---------- runtime and grammars ----------

// The project's libs (ES2023 + node types) do not declare the WebAssembly global; this is the part used.
declare const WebAssembly: { Module: new (bytes: Uint8Array) => object };

let runtimeReady: Promise<void> | undefined;
// Compiled grammars live in the one wasm runtime, so they are shared by every SymbolParser.
const languageCache = new Map<string, Language>();

function initRuntime(runtimeDir: string): Promise<void> {
  runtimeReady ??= Parser.init({ wasmBinary: readFileSync(join(runtimeDir, runtimeWasmName)) }).catch((error: unknown) => {
    runtimeReady = undefined;
    throw error;
  });
  return runtimeReady;
}

function loadLanguage(path: string): Language {
  let language = languageCache.get(path);
  if (!language) {
    // Synchronous load keeps parse() synchronous; Node compiles a grammar in a few ms.
    language = Language.loadSync(new WebAssembly.Module(readFileSync(path)));
    languageCache.set(path, language);
  }
  return language;
}

/** Per-language lookup tables indexed by node type id, so the walk never compares strings. */
interface LanguageRuntime {
  readonly id: LanguageId;
  readonly parser: Parser;
  readonly typeNames: readonly string[];
  readonly rules: ReadonlyArray<Rule | undefined>;
  readonly transparent: Uint8Array;
  readonly wrapper: Uint8Array;
  readonly prefix: Uint8Array;
  readonly comment: Uint8Array;
  readonly hasPrefixes: boolean;
  /** Set when the owning SymbolParser is disposed and the parser freed. */
  parserFreed: boolean;
}

function buildRuntime(id: LanguageId, language: Language): LanguageRuntime {
  const spec = declarationRules[id];
  const count = language.nodeTypeCount;
  const typeNames: string[] = new Array<string>(count).fill('');
  const rules: Array<Rule | undefined> = new Array<Rule | undefined>(count).fill(undefined);
  const transparent = new Uint8Array(count);
  const wrapper = new Uint8Array(count);
  const prefix = new Uint8Array(count);
  const comment = new Uint8Array(count);
  const flag = (names: readonly string[], table: Uint8Array, typeId: number, name: string): void => {
    if (names.includes(name)) table[typeId] = 1;
  };
  // Every id is visited because aliased node types have several ids for one name; keywords
  // (anonymous nodes) share names like `class` or `module` and are skipped.
  for (let typeId = 0; typeId < count; typeId++) {
    const name = language.nodeTypeForId(typeId);
    if (name === null) continue;
    typeNames[typeId] = name;
    if (!language.nodeTypeIsNamed(typeId)) continue;
    if (Object.hasOwn(spec.rules, name)) rules[typeId] = spec.rules[name];
    flag(spec.transparent, transparent, typeId, name);
    flag(spec.wrappers, wrapper, typeId, name);
    flag(spec.prefixes, prefix, typeId, name);
    flag(spec.comments, comment, typeId, name);
  }
  const parser = new Parser();
  parser.setLanguage(language);
  return { id, parser, typeNames, rules, transparent, wrapper, prefix, comment, hasPrefixes: spec.prefixes.length > 0, parserFreed: false };
}

export class SymbolParser {
  private readonly runtimes = new Map<LanguageId, LanguageRuntime>();
  private disposed = false;

  private constructor(private readonly dirs: WasmDirs) {}

  /** Initialises the wasm runtime once per process; grammars load on first use. */
  static async create(dirs?: Partial<WasmDirs>): Promise<SymbolParser> {
    const resolved = resolveWasmDirs(dirs);
    await initRuntime(resolved.runtime);
    return new SymbolParser(resolved);
  }

  supports(path: string): boolean {
    return languageForPath(path) !== undefined;
  }

  /** Full parse. Throws only for an unsupported language (or a missing grammar file). */
  parse(path: string, text: string): ParsedFile {
    const id = languageForPath(path);
    if (id === undefined) throw new Error(`No grammar for ${path}`);
    const runtime = this.runtime(id);
    const tree = runtime.parser.parse(textInput(text));
    if (!tree) throw new Error(`tree-sitter returned no tree for ${path}`);
    return new ParsedFile(path, text, runtime, tree);
  }

  /** Loads a grammar now instead of on first parse (for timing, or to fail early). */
  preload(id: LanguageId): void {
    this.runtime(id);
  }

  /** Frees the parsers; ParsedFiles already made can still be queried (not toPreImage'd) until disposed. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const runtime of this.runtimes.values()) {
      runtime.parserFreed = true;
      runtime.parser.delete();
    }
    this.runtimes.clear();
  }

  private runtime(id: LanguageId): LanguageRuntime {
    if (this.disposed) throw new Error('SymbolParser is disposed');
    let runtime = this.runtimes.get(id);
    if (!runtime) {
      runtime = buildRuntime(id, loadLanguage(join(this.dirs.grammars, grammarFileName(id))));
      this.runtimes.set(id, runtime);
    }
    return runtime;
  }
}

// ---------- walking ----------

interface Found {
  readonly key: string;
  readonly symbol: SymbolRef;
  /** 0 for a declaration with no collected declaration inside, parents above their children. */
  height: number;
  readonly order: number;
}

/** 0-based inclusive rows. */
interface RowQuery {
  readonly first: number;
  readonly last: number;
}

interface Collector {
  readonly found: Map<string, Found>;
  readonly limit: number;
  order: number;
}

/** Last row holding any of the node's text: a node ending at column 0 ends on the row before. */
function lastRow(start: Point, end: Point): number {
  return end.column === 0 && end.row > start.row ? end.row - 1 : end.row;
}

function deriveContext(cx: RuleContext, decl: Decl, parentType: string): RuleContext {
  const isFunction = decl.kind === 'function' || decl.kind === 'method';
  return {
    text: cx.text,
    parentType,
    enclosing: decl.kind,
    inFunction: isFunction ? true : decl.opens ? false : cx.inFunction,
    // A qualified name (`class A::B`, `void Foo::bar()`) brings its own chain.
    containers: decl.opens ? [...(decl.container === undefined ? cx.containers : [decl.container]), decl.name] : cx.containers,
  };
}

export class ParsedFile {
  readonly path: string;
  readonly text: string;
  private tree: Tree | undefined;
  private readonly runtime: LanguageRuntime;
  private lineStartCache: number[] | undefined;

  /** @internal Made by SymbolParser.parse and toPreImage. */
  constructor(path: string, text: string, runtime: LanguageRuntime, tree: Tree) {
    this.path = path;
    this.text = text;
    this.runtime = runtime;
    this.tree = tree;
  }

  get language(): LanguageId {
    return this.runtime.id;
  }

  get isDisposed(): boolean {
    return this.tree === undefined;
  }

  /** Tree-sitter found syntax errors (the symbols are still usable, from the recovered tree). */
  get hasErrors(): boolean {
    return this.liveTree().rootNode.hasError;
  }

  /** Declarations overlapping the 1-based inclusive line ranges, innermost first, deduplicated by (container, name, kind). */
  symbolsInLines(ranges: ReadonlyArray<LineRange>, limit = defaultSymbolLimit): SymbolRef[] {
    const tree = this.liveTree();
    const rows = mergeRanges(ranges);
    if (rows.length === 0) return [];
    // Sorting needs every candidate, but a whole-file hunk on a huge file must stay bounded.
    const collector: Collector = { found: new Map(), limit: Math.max(limit, maxCandidates), order: 0 };
    this.walk(tree, rows, false, collector);
    return [...collector.found.values()]
      .sort((a, b) => a.height - b.height || a.symbol.startLine - b.symbol.startLine || a.order - b.order)
      .slice(0, limit)
      .map((f) => f.symbol);
  }

  /** Top-level declarations and members of classes/impls/modules, in file order, for whole-file adds and deletes. */
  outline(limit = defaultOutlineLimit): SymbolRef[] {
    const collector: Collector = { found: new Map(), limit, order: 0 };
    this.walk(this.liveTree(), [], true, collector);
    return [...collector.found.values()].sort((a, b) => a.order - b.order).map((f) => f.symbol);
  }

  /** True when the lines at each hunk's newStart equal its `added` lines, i.e. this text is the hunks' post-image. */
  isPostImageOf(hunks: readonly Hunk[]): boolean {
    const count = this.lineCount();
    for (const h of hunks) {
      if (h.added.length !== h.newLines) return false;
      if (h.newLines === 0) {
        if (h.newStart < 0 || h.newStart > count) return false;
        continue;
      }
      if (h.newStart < 1 || h.newStart - 1 + h.newLines > count) return false;
      for (let i = 0; i < h.newLines; i++) {
        if (this.lineText(h.newStart - 1 + i) !== h.added[i]) return false;
      }
    }
    return true;
  }

  /**
   * Reverse-applies the hunks (drops the added lines, puts the removed ones back) and re-parses
   * incrementally from this tree. `noEolBefore`: git printed "\ No newline at end of file" after a
   * removed line, i.e. the pre-image's last line has no newline. This ParsedFile is disposed: its tree
   * is edited and reused. Does not check the added lines (see isPostImageOf); throws, leaving this
   * file intact, when the hunks do not fit its line count or overlap.
   */
  toPreImage(hunks: readonly Hunk[], noEolBefore = false): ParsedFile {
    const tree = this.liveTree();
    if (this.runtime.parserFreed) throw new Error('toPreImage after SymbolParser.dispose()');
    const edits = this.reverseEdits(hunks, noEolBefore);
    let pre = '';
    let cursor = 0;
    for (const e of edits) {
      pre += this.text.slice(cursor, e.startIndex) + e.replacement;
      cursor = e.oldEndIndex;
    }
    pre += this.text.slice(cursor);
    // Back to front, so each edit's coordinates are still those of this text.
    for (let i = edits.length - 1; i >= 0; i--) {
      const e = edits[i];
      if (e) tree.edit(e.edit);
    }
    this.tree = undefined;
    let next: Tree | null;
    try {
      next = this.runtime.parser.parse(textInput(pre), tree);
    } finally {
      tree.delete();
    }
    if (!next) throw new Error(`tree-sitter returned no tree for ${this.path}`);
    return new ParsedFile(this.path, pre, this.runtime, next);
  }

  /** @internal Every node with its type and index/point range, for tests comparing incremental and full parses. */
  syntaxTree(): string {
    const out: string[] = [];
    const cursor = this.liveTree().walk();
    try {
      for (let depth = 0; depth >= 0; ) {
        const s = cursor.startPosition;
        const e = cursor.endPosition;
        out.push(`${' '.repeat(depth)}${cursor.nodeType} ${cursor.startIndex}-${cursor.endIndex} ${s.row}:${s.column}-${e.row}:${e.column}`);
        if (cursor.gotoFirstChild()) {
          depth++;
          continue;
        }
        while (depth >= 0 && !cursor.gotoNextSibling()) {
          depth--;
          if (depth >= 0) cursor.gotoParent();
        }
      }
    } finally {
      cursor.delete();
    }
    return out.join('\n');
  }

  /** Frees the wasm tree; safe to call twice. */
  dispose(): void {
    const tree = this.tree;
    this.tree = undefined;
    tree?.delete();
  }

  // ----- internals -----

  private liveTree(): Tree {
    if (!this.tree) throw new Error(`ParsedFile for ${this.path} is disposed`);
    return this.tree;
  }

  /** One descent for all query rows (sorted, disjoint); no rows means an outline of the whole file. */
  private walk(tree: Tree, rows: readonly RowQuery[], outlineMode: boolean, collector: Collector): void {
    const root: RuleContext = { text: this.text, parentType: '', enclosing: undefined, inFunction: false, containers: [] };
    this.visit(tree.rootNode, undefined, root, rows, outlineMode, undefined, collector);
  }

  /**
   * Visits a node and the children that matter, returning the height of the deepest collected
   * declaration chain below and including it (-1 when none). A node wholly inside one query range is
   * only looked through where it is structural (an outline), so a large hunk costs about one outline
   * of its lines rather than a visit of every node under it.
   */
  private visit(
    node: Node,
    knownEnd: Point | undefined,
    cx: RuleContext,
    rows: readonly RowQuery[],
    outlineMode: boolean,
    wrapperStart: number | undefined,
    collector: Collector,
  ): number {
    const rt = this.runtime;
    const typeId = node.typeId;
    const rule = rt.rules[typeId];
    const decl = rule ? rule(node, cx) : undefined;
    const start = node.startPosition;
    let end = knownEnd;
    const nodeType = rt.typeNames[typeId] ?? '';

    // Registered before the children so that outlines come out in pre-order (container, then members).
    let entry: Found | undefined;
    let isNew = false;
    if (decl) {
      end ??= node.endPosition;
      let startRow = Math.min(start.row, wrapperStart ?? start.row);
      if (rt.hasPrefixes) startRow = Math.min(startRow, this.prefixStartRow(node));
      const container = decl.container ?? (cx.containers.length > 0 ? cx.containers.join('.') : undefined);
      const key = `${container ?? ''}\u0000${decl.name}\u0000${decl.kind}`;
      entry = collector.found.get(key);
      if (!entry && collector.found.size < collector.limit) {
        const endLine = lastRow(start, end) + 1;
        const symbol: SymbolRef =
          container === undefined
            ? { name: decl.name, kind: decl.kind, startLine: startRow + 1, endLine }
            : { name: decl.name, kind: decl.kind, container, startLine: startRow + 1, endLine };
        entry = { key, symbol, height: 0, order: collector.order++ };
        isNew = true;
        collector.found.set(key, entry);
      }
    }

    let inside = outlineMode;
    if (!inside && rows.length === 1) {
      const only = rows[0] as RowQuery;
      if (start.row >= only.first) {
        end ??= node.endPosition;
        inside = lastRow(start, end) <= only.last;
      }
    }
    let height = -1;
    if (!inside || decl?.opens === true || rt.transparent[typeId] === 1) {
      const childCx: RuleContext = decl ? deriveContext(cx, decl, nodeType) : { ...cx, parentType: nodeType };
      height = inside || rt.wrapper[typeId] === 1
        ? this.visitAll(node, typeId, start, childCx, rows, inside, collector)
        : this.visitOverlapping(node, childCx, rows, collector);
    }
    if (!decl) return height;
    const own = height + 1;
    if (entry) entry.height = isNew ? own : Math.min(entry.height, own);
    return own;
  }

  /** Every named child: inside a query range (outline), or below a wrapper such as `export`. */
  private visitAll(node: Node, typeId: number, start: Point, cx: RuleContext, rows: readonly RowQuery[], inside: boolean, collector: Collector): number {
    const wrapperStart = this.runtime.wrapper[typeId] === 1 ? start.row : undefined;
    let height = -1;
    for (const child of node.namedChildren) {
      if (collector.found.size >= collector.limit) break;
      const h = this.visit(child, undefined, cx, rows, inside, wrapperStart, collector);
      if (h > height) height = h;
    }
    return height;
  }

  /**
   * Only the named children overlapping some query rows, each with the rows it overlaps. Children
   * are reached by index lookups and sibling steps, not by listing them all, so a query into a file
   * with hundreds of top-level declarations touches only the few it overlaps.
   */
  private visitOverlapping(node: Node, cx: RuleContext, rows: readonly RowQuery[], collector: Collector): number {
    const rt = this.runtime;
    const starts = this.lineStarts();
    const lineStart = (row: number): number => starts[Math.min(row, starts.length - 1)] ?? this.text.length;
    const firstRows = rows[0];
    if (!firstRows) return -1;
    let height = -1;
    let ri = 0;
    // Rows hit on a decorator/attribute, handed to the declaration it belongs to.
    let pending: readonly RowQuery[] | undefined;
    const visitChild = (child: Node, end: Point | undefined, childRows: readonly RowQuery[]): void => {
      const h = this.visit(child, end, cx, childRows, false, undefined, collector);
      if (h > height) height = h;
    };
    // The first named child ending after the start of the first queried line.
    let child = node.firstNamedChildForIndex(lineStart(firstRows.first));
    while (child) {
      const childStart = child.startPosition;
      while (ri < rows.length && (rows[ri] as RowQuery).last < childStart.row) ri++;
      if (ri >= rows.length && !pending) break;
      const childType = child.typeId;
      const isPrefix = rt.prefix[childType] === 1;
      const isComment = rt.comment[childType] === 1;
      if (ri >= rows.length) {
        if (!isPrefix && !isComment && pending) {
          visitChild(child, undefined, pending);
          pending = undefined;
        }
        child = child.nextNamedSibling;
        continue;
      }
      const row = rows[ri] as RowQuery;
      let end: Point | undefined;
      if (childStart.row < row.first) {
        end = child.endPosition;
        if (lastRow(childStart, end) < row.first) {
          if (pending && !isPrefix && !isComment) {
            visitChild(child, end, pending);
            pending = undefined;
          }
          // Jump over the gap to the next query range; step instead if that would not move forward.
          const jump = node.firstNamedChildForIndex(lineStart(row.first));
          child = jump && jump.startIndex > child.startIndex ? jump : child.nextNamedSibling;
          continue;
        }
      }
      // The rows this child overlaps: row ri, and later ones starting before it ends.
      let rj = ri + 1;
      if (rj < rows.length) {
        end ??= child.endPosition;
        const childLast = lastRow(childStart, end);
        while (rj < rows.length && (rows[rj] as RowQuery).first <= childLast) rj++;
      }
      const childRows = rj === ri + 1 ? [row] : rows.slice(ri, rj);
      if (isPrefix) {
        pending = childRows;
      } else if (!isComment) {
        visitChild(child, end, childRows);
        pending = undefined;
      }
      child = child.nextNamedSibling;
    }
    return height;
  }

  /** Start row including decorators/attributes written just before the declaration as siblings. */
  private prefixStartRow(node: Node): number {
    let row = node.startPosition.row;
    let previous = node.previousNamedSibling;
    while (previous && this.runtime.prefix[previous.typeId] === 1) {
      row = previous.startPosition.row;
      previous = previous.previousNamedSibling;
    }
    return row;
  }

  // ----- lines and edits -----

  /** Start index of each line, plus text.length as a sentinel. */
  private lineStarts(): number[] {
    if (this.lineStartCache) return this.lineStartCache;
    const starts = [0];
    const text = this.text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    // A final newline ends the last line rather than starting an empty one.
    if (starts[starts.length - 1] !== text.length) starts.push(text.length);
    this.lineStartCache = starts;
    return starts;
  }

  private lineCount(): number {
    return this.lineStarts().length - 1;
  }

  private lineText(line: number): string {
    const starts = this.lineStarts();
    const from = starts[line] ?? this.text.length;
    let to = starts[line + 1] ?? this.text.length;
    if (to > from && this.text.charCodeAt(to - 1) === 10) to--;
    return this.text.slice(from, to);
  }

  private endsWithNewline(): boolean {
    return this.text.length === 0 || this.text.charCodeAt(this.text.length - 1) === 10;
  }

  /** Row/column of a line-start index in this text; columns are UTF-16 code units, as web-tree-sitter counts them. */
  private pointAtLine(line: number): Point {
    const count = this.lineCount();
    if (line < count || this.endsWithNewline()) return { row: line, column: 0 };
    const starts = this.lineStarts();
    const lastStart = starts[count - 1] ?? 0;
    return { row: count - 1, column: this.text.length - lastStart };
  }

  private reverseEdits(hunks: readonly Hunk[], noEolBefore: boolean): Array<{ startIndex: number; oldEndIndex: number; replacement: string; edit: Edit }> {
    const starts = this.lineStarts();
    const count = this.lineCount();
    const postEol = this.endsWithNewline();
    const edits: Array<{ startIndex: number; oldEndIndex: number; replacement: string; edit: Edit }> = [];
    let previousEnd = 0;
    for (const h of hunks) {
      if (h.removed.length !== h.oldLines) throw new Error(`Hunk -${h.oldStart},${h.oldLines} has ${h.removed.length} removed lines`);
      if (h.newLines === 0 && h.oldLines === 0) continue;
      // Lines [first, first + newLines) of this text are replaced; with newLines 0, git's newStart
      // is the line after which the removed lines go back.
      const first = h.newLines > 0 ? h.newStart - 1 : h.newStart;
      const last = first + h.newLines;
      if (first < previousEnd || last > count || first < 0) {
        throw new Error(`Hunk +${h.newStart},${h.newLines} does not fit ${this.path} (${count} lines) or overlaps the previous hunk`);
      }
      previousEnd = last;
      const startIndex = starts[first] ?? this.text.length;
      const oldEndIndex = starts[last] ?? this.text.length;
      const k = h.removed.length;
      // Inserting after a last line that has no newline has to give it one.
      const prefix = k > 0 && first === count && count > 0 && !postEol ? '\n' : '';
      const suffix = k === 0 ? '' : last < count ? '\n' : noEolBefore ? '' : '\n';
      const replacement = prefix + h.removed.join('\n') + suffix;
      const startPosition = this.pointAtLine(first);
      const oldEndPosition = this.pointAtLine(last);
      const newlines = countNewlines(replacement);
      const newEndPosition: Point =
        newlines === 0
          ? { row: startPosition.row, column: startPosition.column + replacement.length }
          : { row: startPosition.row + newlines, column: replacement.length - replacement.lastIndexOf('\n') - 1 };
      edits.push({
        startIndex,
        oldEndIndex,
        replacement,
        edit: new Edit({ startIndex, oldEndIndex, newEndIndex: startIndex + replacement.length, startPosition, oldEndPosition, newEndPosition }),
      });
    }
    return edits;
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** 1-based ranges to sorted, merged 0-based row queries; start === end (a deletion point) is one row. */
function mergeRanges(ranges: ReadonlyArray<LineRange>): RowQuery[] {
  const rows = ranges
    .map((r) => {
      const a = Math.max(1, Math.min(r.start, r.end));
      const b = Math.max(a, Math.max(r.start, r.end));
      return { first: a - 1, last: b - 1 };
    })
    .sort((x, y) => x.first - y.first);
  const merged: RowQuery[] = [];
  for (const r of rows) {
    const top = merged[merged.length - 1];
    if (top && r.first <= top.last + 1) merged[merged.length - 1] = { first: top.first, last: Math.max(top.last, r.last) };
    else merged.push(r);
  }
  return merged;
}
