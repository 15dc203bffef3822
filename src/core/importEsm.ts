/**
 * The key under which the CLI's launcher leaves an import() of its own (src/cli/codeCache.ts): the
 * CLI bundle runs from V8's code cache, where Node 20 loses import()'s loader, so it is built
 * without import() and asks the launcher for the one ES module it loads.
 */
export const IMPORT_ESM = Symbol.for('coevolve.importEsm');

/** import() of an ES module by URL, through the launcher's import() where it left one. */
export function importEsm(url: string): Promise<unknown> {
  const provided = (globalThis as Record<symbol, unknown>)[IMPORT_ESM];
  return typeof provided === 'function' ? (provided as (url: string) => Promise<unknown>)(url) : import(url);
}
