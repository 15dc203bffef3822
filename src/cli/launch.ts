// The `coevolve` command's entry: turns on V8's code cache where Node has it built in (22.1+), then
// runs the CLI bundle (cliMain.cjs). The bundle is ~4 MB of JavaScript, and compiling it is a large
// part of every command's start (see docs/BENCHMARKS.md). The cache lives in the OS temp folder
// and is checked against the bundle, so a new build never runs from a stale one;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. On Node 20 (no such API) the bundle is compiled
// as before: a cache through vm.Script there loses the bundle's dynamic import() (WebAssembly glue,
// the sidecar's engine) without an experimental flag.
import * as nodeModule from 'node:module';
import { join } from 'node:path';

const bundle = join(__dirname, 'cliMain.cjs');
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
nodeModule.createRequire(bundle)(bundle);
