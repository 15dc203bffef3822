// Runs a CommonJS bundle from V8's code cache where Node has no built-in compile cache (before 22.1).
// Compiling the ~4 MB CLI bundle is ~60 ms of every command's start on this machine; from the cache
// it is a few. One cache per command (`mine`, `recall`, ...): it is written when that command exits,
// so it holds the functions that command ran, not only the top level.
//
// Node 20 loses import()'s loader in code read from a cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING),
// so the CLI bundle is built without import() (scripts/build.mjs turns each into require()), and the
// one ES module it must import (node-llama-cpp) goes through `importEsm`, which the launcher provides.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { SAVE_CODE_CACHE } from './quickWasm.ts';
import { COMMAND_NAMES } from './commandNames.ts';

/** Evaluates `bundle` as the module it would be under require(), compiled from (and then into) the cache. */
export function runFromCodeCache(bundle: string, command: string | undefined): void {
  const source = readFileSync(bundle, 'utf8');
  const cacheFile = cachePath(bundle, command);
  const cached = cacheFile ? readOrUndefined(cacheFile) : undefined;
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData: cached });
  if (cacheFile && (!cached || script.cachedDataRejected)) {
    // At exit, so the cache holds what this command compiled on its way, not only the top level. V8
    // stamps a cache with its flags, and the next start compiles under the flags it starts with: a
    // command about to change them (quickWasm) has it written first; any other change writes nothing.
    const flagsAtStart = flagStamp();
    let saved = false;
    const save = (): void => {
      if (saved) return;
      saved = true;
      if (!flagStamp().equals(flagsAtStart)) return;
      writeAtomically(cacheFile, script.createCachedData());
      pruneStale(cacheFile);
    };
    (globalThis as Record<symbol, unknown>)[SAVE_CODE_CACHE] = save;
    process.once('exit', save);
  }
  const module = new Module(bundle);
  module.filename = bundle;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundle));
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/**
 * A private folder per user (another user's cache file would be code this process runs), one file per
 * bundle build, Node version and command. Undefined where such a folder cannot be had: no cache then.
 */
function cachePath(bundle: string, command: string | undefined): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const uid = process.getuid?.();
    const dir = join(tmpdir(), `coevolve-code-cache${uid === undefined ? '' : `-${uid}`}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const folder = statSync(dir);
    if (!folder.isDirectory() || (uid !== undefined && (folder.uid !== uid || (folder.mode & 0o077) !== 0))) return undefined;
    const built = statSync(bundle);
    const key = createHash('sha256').update(`${bundle}\0${built.size}\0${built.mtimeMs}\0${process.version}\0${process.arch}`).digest('hex').slice(0, 24);
    // A mistyped command shares one file with help and the rest, instead of leaving one of its own.
    const name = command && COMMAND_NAMES.includes(command) ? command : 'other';
    return join(dir, `${key}-${name}.v8cache`);
  } catch {
    return undefined;
  }
}

/** A cache file of another build (or Node) unwritten for this long is removed when a cache is written. */
const STALE_MS = 7 * 24 * 3600_000;

/**
 * Each build of the CLI (an upgrade, a rebuild) has its own key, so its caches (~1-2 MB per command)
 * would stay in the temp folder for good. Another install still in use keeps its files: only those
 * of other keys written more than a week ago go (if still used, the next start writes one again).
 */
function pruneStale(written: string): void {
  const dir = dirname(written);
  const key = basename(written).slice(0, basename(written).indexOf('-'));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(`${key}-`) || !/\.v8cache(\.\d+\.tmp)?$/.test(name)) continue;
    const file = join(dir, name);
    try {
      // Gone already (another process pruned it) is fine; rm's force ignores that too.
      const info = statSync(file, { throwIfNoEntry: false });
      if (info && Date.now() - info.mtimeMs > STALE_MS) rmSync(file, { force: true });
    } catch {
      // Housekeeping, at exit: a file it may not remove ends it, never the command.
      return;
    }
  }
}

/** A tiny script's cache: V8 stamps it with a hash of its flags, so it differs once any flag changed. */
function flagStamp(): Buffer {
  return new Script('0', { filename: 'coevolve-flag-stamp' }).createCachedData();
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Through a temporary file and a rename: two commands exiting at once never leave half a cache. */
function writeAtomically(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // A cache that cannot be written (a full disk) only costs the next start its compile; no part of it stays.
    rmSync(temporary, { force: true });
  }
}
