// The `coevolve` command's entry: runs the CLI bundle (cliMain.cjs) compiled from V8's code cache.
// The bundle is ~4 MB of JavaScript, and compiling it is a large part of every command's start (see
// docs/BENCHMARKS.md). Node 22.1+ has that cache built in (module.enableCompileCache, in the OS temp
// folder, checked against the bundle); on older Node, codeCache.ts keeps one. Either way a new build
// never runs from a stale cache, and NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { IMPORT_ESM } from '../core/importEsm.ts';
import { runFromCodeCache } from './codeCache.ts';
import { ONE_SHOT, quickWasm } from './quickWasm.ts';

const bundle = join(__dirname, 'cliMain.cjs');
// The bundle is built without import() (see codeCache.ts), whichever way it is loaded: its one ES
// module (the sidecar's engine) is imported through this.
(globalThis as Record<symbol, unknown>)[IMPORT_ESM] = (url: string) => import(url);
// Before compiling: a one-shot command's cache is then written and read under the same V8 flags.
if (ONE_SHOT.has(process.argv[2] ?? '')) quickWasm();
const builtIn = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
if (builtIn) {
  builtIn();
  nodeModule.createRequire(bundle)(bundle);
} else {
  runFromCodeCache(bundle, process.argv[2]);
}
