// Extension activation cost outside VS Code: loading dist/extension.cjs and running activate(),
// with a stand-in for the `vscode` module (bench code only: it answers every API call with a
// disposable no-op). VS Code's own work around activation is not included.
import { createRequire } from 'node:module';
import Module from 'node:module';
import { join } from 'node:path';
import { median, percentile } from './stats.ts';

function standIn(): unknown {
  const handler: ProxyHandler<() => unknown> = {
    // No folder open: a stand-in has no file system to point at.
    get: (_target, key) => (key === 'then' || key === 'workspaceFolders' ? undefined : key === Symbol.toPrimitive ? () => '' : proxy),
    apply: () => proxy,
    construct: () => proxy as object,
    set: () => true,
    defineProperty: () => true,
  };
  const proxy: unknown = new Proxy(function standInFn() {}, handler);
  return proxy;
}

export async function measureActivation(root: string, runs = 15): Promise<{ p50: number; p95: number; loadP50: number }> {
  const bundle = join(root, 'dist', 'extension.cjs');
  const resolve = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })._resolveFilename;
  // The bundle copies the module's own keys (esbuild's ESM interop), so the stand-in names them.
  const names = ['window', 'workspace', 'commands', 'languages', 'env', 'lm', 'extensions', 'Uri', 'Range', 'Position', 'Selection', 'WorkspaceEdit', 'CodeAction', 'CodeActionKind', 'Disposable', 'EventEmitter', 'ProgressLocation', 'StatusBarAlignment', 'ConfigurationTarget', 'ViewColumn', 'TextEditorRevealType', 'DiagnosticSeverity', 'TextDocumentChangeReason', 'McpStdioServerDefinition'];
  const fake = Object.fromEntries(names.map((name) => [name, standIn()]));
  const times: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A fresh child process per run would be truer to a cold start; clearing the require cache is
    // the same work for the bundle itself (V8's code cache aside).
    const require = createRequire(bundle);
    delete require.cache[bundle];
    (Module as unknown as { _resolveFilename: unknown })._resolveFilename = (request: string, ...rest: unknown[]) => (request === 'vscode' ? 'vscode' : resolve(request, ...rest));
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake } as unknown as NodeJS.Module;
    const started = performance.now();
    const extension = require(bundle) as { activate: (context: unknown) => unknown };
    const loaded = performance.now();
    await extension.activate(standIn());
    times.push(performance.now() - started);
    loads.push(loaded - started);
    (Module as unknown as { _resolveFilename: unknown })._resolveFilename = resolve;
  }
  return { p50: median(times), p95: percentile(times, 95), loadP50: median(loads) };
}
