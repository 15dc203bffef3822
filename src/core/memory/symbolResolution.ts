import { categorizePath } from '../git/fileCategory.ts';
import type { RecalledSymbol } from './recall.ts';
import type { Declared, TreeSymbols } from './treeSymbols.ts';

/** Files beside the symbol's own where a symbol that left it is looked for. */
const MAX_HOMES = 8;
/** Of the files recall ranks, those a moved symbol is looked for in. */
const NEARBY = 5;
/** The files whose symbols are checked: a long list (the memory browser asks for 200) stops at the symbol that needs one more. */
const MAX_CHECKED_FILES = 40;

export interface SymbolCheck {
  /** The declarations of the tree at the cutoff; without one, symbols are kept as history has them. */
  tree?: TreeSymbols;
  /** How the tree is named to the user ("HEAD", a short sha). */
  revision: string;
  /**
   * For each symbol, the files that history says held one of its container and name (current
   * names), where a moved one may be. Asked once for all the gone symbols: one read of the index.
   */
  homes: (symbols: ReadonlyArray<{ name: string; container?: string }>) => string[][];
  /** More files to look in: the files recall ranks. */
  nearby: readonly string[];
  /** Told of each symbol the tree does not declare where history put it (followed elsewhere or dropped). */
  onGone?: (symbol: RecalledSymbol) => void;
}

/**
 * The symbols recall shows, made true of the code at the cutoff and free of noise:
 * - a symbol no longer declared where history put it is shown where it went (another file that
 *   declares the same container and name), or dropped;
 * - the same container, name and kind in several files is one entry, the other files listed once;
 * - a variable in a test file (a fixture, a callback's local: `ctx`, `res`, `app` in every test
 *   file) is dropped, even when the query names it: the test file is among the files, and the
 *   name says nothing more;
 * - a variable that only binds an import, that is a CommonJS module's export object
 *   (`module.exports`), or that holds members already listed, is dropped: the file is among the
 *   files, and the listed member says more;
 * - a variable that is gone is dropped, never followed: its name says too little to find it by.
 * Keeps the order (best first) and returns at most `k`.
 */
export async function checkSymbols(pool: readonly RecalledSymbol[], k: number, check: SymbolCheck): Promise<RecalledSymbol[]> {
  let symbols = withinFiles(pool.filter((s) => !isNoiseVariable(s)), MAX_CHECKED_FILES).map((s) => ({ ...s, why: [...s.why] }));
  if (check.tree) symbols = await againstTree(symbols, check.tree, check);
  return grouped(withoutEmptyContainers(symbols)).slice(0, Math.max(0, k));
}

async function againstTree(symbols: RecalledSymbol[], tree: TreeSymbols, check: SymbolCheck): Promise<RecalledSymbol[]> {
  try {
    const here = await tree.find(namesByPath(symbols.map((s) => ({ path: s.path, name: s.name }))));
    const kept: Array<RecalledSymbol | undefined> = [];
    const gone: Array<{ at: number; symbol: RecalledSymbol }> = [];
    for (const symbol of symbols) {
      const declared = here.get(symbol.path) ?? 'unknown';
      if (declared === 'unknown') {
        kept.push(symbol);
        continue;
      }
      const match = declared === 'missing' ? undefined : findIn(declared, symbol);
      if (match?.imported) continue;
      if (!match) check.onGone?.(symbol);
      // Named as the code has it now (a constructor function that became a class).
      if (match) kept.push({ ...symbol, kind: match.kind });
      // A variable's name says too little to follow (`ctx`, `app`): one that is gone is dropped.
      else if (symbol.kind !== 'variable') {
        gone.push({ at: kept.length, symbol });
        kept.push(undefined);
      }
    }
    if (gone.length) {
      const homes = check.homes(gone.map(({ symbol }) => symbol));
      const candidates = gone.map(({ symbol }, i) => homesOf(symbol, homes[i] ?? [], check.nearby));
      const there = await tree.find(namesByPath(gone.flatMap(({ symbol }, i) => candidates[i]!.map((path) => ({ path, name: symbol.name })))));
      for (const [i, { at, symbol }] of gone.entries()) {
        for (const path of candidates[i]!) {
          const declared = there.get(path);
          const match = Array.isArray(declared) ? findIn(declared, symbol) : undefined;
          if (!match || match.imported) continue;
          kept[at] = { ...symbol, path, kind: match.kind, movedFrom: symbol.path, why: [`moved: no longer in ${symbol.path} at ${check.revision}, declared in ${path}`, ...symbol.why] };
          break;
        }
      }
    }
    return kept.filter((s): s is RecalledSymbol => s !== undefined);
  } finally {
    tree.close();
  }
}

function namesByPath(items: ReadonlyArray<{ path: string; name: string }>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const { path, name } of items) {
    let names = out.get(path);
    if (!names) out.set(path, (names = new Set()));
    names.add(name);
  }
  return out;
}

function withinFiles(symbols: RecalledSymbol[], maxFiles: number): RecalledSymbol[] {
  const files = new Set<string>();
  const out: RecalledSymbol[] = [];
  for (const symbol of symbols) {
    if (!files.has(symbol.path) && files.size >= maxFiles) break;
    files.add(symbol.path);
    out.push(symbol);
  }
  return out;
}

/** A variable in a test file, or a CommonJS module's export object: see checkSymbols. */
function isNoiseVariable(symbol: RecalledSymbol): boolean {
  if (symbol.kind !== 'variable') return false;
  if (!symbol.container && (symbol.name === 'module.exports' || symbol.name === 'exports')) return true;
  return categorizePath(symbol.path) === 'test';
}

function homesOf(symbol: RecalledSymbol, homes: readonly string[], nearby: readonly string[]): string[] {
  const paths = new Set<string>();
  // Code does not move from the source into a test file: those are looked in only for a test's own symbols.
  const fromTest = categorizePath(symbol.path) === 'test';
  for (const path of [...homes, ...nearby.slice(0, NEARBY)]) if (path !== symbol.path && (fromTest || categorizePath(path) !== 'test')) paths.add(path);
  return [...paths].slice(0, MAX_HOMES);
}

/** The same container and name (of the same kind when there is one of it). */
function findIn(declared: readonly Declared[], symbol: RecalledSymbol): Declared | undefined {
  const same = declared.filter((d) => d.name === symbol.name && d.container === symbol.container);
  return same.find((d) => d.kind === symbol.kind) ?? same[0];
}

function withoutEmptyContainers(symbols: RecalledSymbol[]): RecalledSymbol[] {
  const holders = new Set<string>();
  for (const s of symbols) if (s.container) holders.add(`${s.path}\0${s.container}`);
  return symbols.filter((s) => s.kind !== 'variable' || !holders.has(`${s.path}\0${s.container ? `${s.container}.` : ''}${s.name}`));
}

function grouped(symbols: RecalledSymbol[]): RecalledSymbol[] {
  const byKey = new Map<string, RecalledSymbol>();
  for (const symbol of symbols) {
    const key = `${symbol.container ?? ''}\0${symbol.name}\0${symbol.kind}`;
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, symbol);
      continue;
    }
    // The best-ranked entry stands for all; the others' files are listed once.
    if (symbol.path === first.path) continue;
    const also = first.alsoIn ?? [];
    if (!also.includes(symbol.path)) first.alsoIn = [...also, symbol.path];
  }
  return [...byKey.values()];
}
