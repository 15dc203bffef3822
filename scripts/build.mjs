// Builds the separate bundles: the extension host (cjs, `vscode` external) and the CLI.
// The tree-sitter runtime and grammars are WebAssembly files copied beside the bundles.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const production = process.argv.includes('--production');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'grammars'), { recursive: true });

const { version } = JSON.parse((await import('node:fs')).readFileSync(join(root, 'package.json'), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // esbuild leaves import.meta empty in cjs output; core code locates its assets through this define.
  define: { 'import.meta.url': '__importMetaUrl', __COEVOLVE_VERSION__: JSON.stringify(version) },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

/** Resolves a package as require() would (its CommonJS build), where esbuild would take its ES build for an import. */
function commonJsBuildOf(name) {
  const path = require.resolve(name);
  return { name: `cjs-${name}`, setup: (b) => b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path })) };
}

await Promise.all([
  build({ ...common, entryPoints: [join(root, 'src/extension/extension.ts')], outfile: join(dist, 'extension.cjs'), external: ['vscode'] }),
  // What the commands run: loaded on first use, so activation stays small (src/extension/extension.ts).
  build({ ...common, entryPoints: [join(root, 'src/extension/features.ts')], outfile: join(dist, 'features.cjs'), external: ['vscode'] }),
  build({ ...common, entryPoints: [join(root, 'src/core/git/symbolWorker.ts')], outfile: join(dist, 'symbolWorker.cjs') }),
  // Several MB of BPE tables, loaded only when an OpenAI-family request is measured (src/core/llm/tokenCount.ts).
  build({ ...common, entryPoints: [join(root, 'src/core/llm/tokenizers.ts')], outfile: join(dist, 'tokenizers.cjs') }),
  // node-llama-cpp is found at run time (src/sidecar/llamaModule.ts), never bundled.
  build({ ...common, entryPoints: [join(root, 'src/sidecar/main.ts')], outfile: join(dist, 'sidecar.cjs'), external: ['node-llama-cpp'] }),
  // The `coevolve` command: a small entry that turns on V8's code cache, then loads the CLI bundle.
  build({ ...common, entryPoints: [join(root, 'src/cli/launch.ts')], outfile: join(dist, 'cli.cjs'), external: ['./cliMain.cjs'], banner: { js: '#!/usr/bin/env node\n' + common.banner.js } }),
  // Without import(): the launcher may run this bundle from a V8 code cache, where Node 20 loses
  // import()'s loader. Each becomes require(); the one ES module goes through src/core/importEsm.ts,
  // and web-tree-sitter is taken in its CommonJS build (its ES build's import('module') sits beside a
  // local `var require`, which a require() in its place would call).
  build({
    ...common,
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: join(dist, 'cliMain.cjs'),
    external: ['node-llama-cpp'],
    supported: { 'dynamic-import': false },
    plugins: [commonJsBuildOf('web-tree-sitter')],
  }),
  // The memory browser's page: a browser bundle with the vscode-elements it uses and its stylesheet, so
  // the VSIX needs no node_modules and the webview loads only from dist/webview.
  build({
    entryPoints: [join(root, 'webview/memoryPanel.ts'), join(root, 'webview/memoryPanel.css')],
    outdir: join(dist, 'webview'),
    entryNames: '[name]',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
  }),
]);

const runtimeWasm = require.resolve('web-tree-sitter/web-tree-sitter.wasm');
cpSync(runtimeWasm, join(dist, 'web-tree-sitter.wasm'));
const grammarDir = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
// One per grammar file that src/core/code/languages.ts names (C is read with the C++ grammar).
for (const name of ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'cpp', 'c-sharp', 'ruby', 'php', 'bash']) {
  cpSync(join(grammarDir, `tree-sitter-${name}.wasm`), join(dist, 'grammars', `tree-sitter-${name}.wasm`));
}
// SQLite compiled to WebAssembly, for the disk engine of large stores (src/core/memory/engine/): its
// loader looks for the module beside the bundle that loads it.
cpSync(require.resolve('node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm'), join(dist, 'node-sqlite3-wasm.wasm'));
