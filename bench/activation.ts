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

const NAMES = ['window', 'workspace', 'commands', 'languages', 'env', 'lm', 'chat', 'LanguageModelTextPart', 'LanguageModelToolCallPart', 'LanguageModelToolResultPart', 'LanguageModelToolResult', 'LanguageModelChatToolMode', 'extensions', 'Uri', 'Range', 'Position', 'Selection', 'WorkspaceEdit', 'CodeAction', 'CodeActionKind', 'Disposable', 'EventEmitter', 'ProgressLocation', 'StatusBarAlignment', 'ConfigurationTarget', 'ViewColumn', 'TextEditorRevealType', 'DiagnosticSeverity', 'TextDocumentChangeReason', 'McpStdioServerDefinition'];

/** Loads dist/extension.cjs afresh with `vscode` answered by `fake`; returns its module. */
function loadBundle(root: string, fake: Record<string, unknown>): { extension: { activate: (context: unknown) => unknown }; loadMs: number } {
  const bundle = join(root, 'dist', 'extension.cjs');
  const resolve = (Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string })._resolveFilename;
  // A fresh child process per run would be truer to a cold start; clearing the require cache is
  // the same work for the bundle itself (V8's code cache aside).
  const require = createRequire(bundle);
  delete require.cache[bundle];
  (Module as unknown as { _resolveFilename: unknown })._resolveFilename = (request: string, ...rest: unknown[]) => (request === 'vscode' ? 'vscode' : resolve(request, ...rest));
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake } as unknown as NodeJS.Module;
  try {
    const started = performance.now();
    const extension = require(bundle) as { activate: (context: unknown) => unknown };
    return { extension, loadMs: performance.now() - started };
  } finally {
    (Module as unknown as { _resolveFilename: unknown })._resolveFilename = resolve;
  }
}

export async function measureActivation(root: string, runs = 15): Promise<{ p50: number; p95: number; loadP50: number }> {
  // The bundle copies the module's own keys (esbuild's ESM interop), so the stand-in names them.
  const fake = Object.fromEntries(NAMES.map((name) => [name, standIn()]));
  const times: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const { extension, loadMs } = loadBundle(root, fake);
    await extension.activate(standIn());
    times.push(performance.now() - started);
    loads.push(loadMs);
  }
  return { p50: median(times), p95: percentile(times, 95), loadP50: median(loads) };
}

interface Provider {
  provideCodeActions(document: unknown, range: unknown, context: { diagnostics: unknown[] }): unknown[];
}

/**
 * The quick-fix provider as VS Code calls it on every cursor move over a problem: the one the
 * bundle registers at activation (captured from the stand-in), asked `calls` times for a line with
 * three diagnostics. Baseline, in the same run: a minimal provider that only makes one CodeAction
 * per diagnostic.
 */
export async function measureCodeActions(root: string, calls = 5_000): Promise<{ p50: number; p95: number; baselineP50: number; baselineP95: number; actions: number }> {
  class CodeAction {
    diagnostics?: unknown[];
    command?: unknown;
    constructor(
      readonly title: string,
      readonly kind: unknown,
    ) {}
  }
  let provider: Provider | undefined;
  const fake: Record<string, unknown> = Object.fromEntries(NAMES.map((name) => [name, standIn()]));
  fake.CodeAction = CodeAction;
  fake.CodeActionKind = { QuickFix: { value: 'quickfix' } };
  fake.languages = new Proxy(
    {},
    {
      get: (_target, key) =>
        key === 'registerCodeActionsProvider'
          ? (_selector: unknown, registered: Provider) => ((provider = registered), standIn())
          : key === 'then'
            ? undefined
            : standIn(),
    },
  );
  const { extension } = loadBundle(root, fake);
  await extension.activate(standIn());
  if (!provider) throw new Error('the bundle registered no code action provider');
  const document = { uri: { toString: () => 'file:///work/src/parser.ts' }, version: 7 };
  const diagnostics = [0, 1, 2].map((i) => ({ message: `Type 'string' is not assignable to type 'number'. (${i})`, source: 'ts', range: { start: { line: 10 + i, character: 4 } } }));
  const minimal: Provider = {
    provideCodeActions: (_document, _range, context) => context.diagnostics.map((diagnostic) => Object.assign(new CodeAction('Fix', fake.CodeActionKind), { diagnostics: [diagnostic] })),
  };
  const time = (target: Provider): number[] => {
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      target.provideCodeActions(document, diagnostics[0]!.range, { diagnostics });
      times.push(performance.now() - started);
    }
    return times;
  };
  time(provider);
  time(minimal);
  const ours = time(provider);
  const baseline = time(minimal);
  return { p50: median(ours), p95: percentile(ours, 95), baselineP50: median(baseline), baselineP95: percentile(baseline, 95), actions: provider.provideCodeActions(document, diagnostics[0]!.range, { diagnostics }).length };
}
