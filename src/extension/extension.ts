import { createRequire } from 'node:module';
import * as vscode from 'vscode';
import type { Features } from './features.ts';
import type * as FeaturesModule from './features.ts';
import { FixActionProvider, watchDiagnostics } from './fixActions.ts';
import type { PastFixArgs, ProblemArgs } from './fixActions.ts';
import { registerMcpSupport } from './mcpCommand.ts';
import { memoryStatus, REFRESH_MEMORY_STATUS } from './memoryStatus.ts';
import { watchHeads } from './headWatch.ts';
import { PastFixCache } from './pastFixCache.ts';
import { VsCodeHost } from './vscodeHost.ts';
import { registerChatParticipant } from './chat/chatParticipant.ts';
import { registerLmTools } from './lm/lmTools.ts';

// Activation stays small: commands are registered here, and what they run is loaded on first use
// from its own bundle (measured in `npm run bench -- --only extension`).
const COMMANDS: ReadonlyArray<[string, keyof Features]> = [
  ['coevolve.solveTask', 'solveTask'],
  ['coevolve.mineHistory', 'mineHistory'],
  ['coevolve.setApiKey', 'setApiKey'],
  ['coevolve.testModel', 'testModel'],
  ['coevolve.startSidecar', 'startSidecar'],
  ['coevolve.stopSidecar', 'stopSidecar'],
  ['coevolve.sidecarStatus', 'sidecarStatus'],
  ['coevolve.openMemoryBrowser', 'openMemoryBrowser'],
  ['coevolve.configureProvider', 'configureProvider'],
  ['coevolve.showRunLog', 'showRunLog'],
  ['coevolve.evolveSkills', 'evolveSkills'],
];

let features: Promise<Features> | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Co-evolve', { log: true });
  const host = new VsCodeHost(log);
  const cache = new PastFixCache();
  const load = (): Promise<Features> =>
    (features ??= Promise.resolve().then(() => {
      const module = createRequire(import.meta.url)(context.asAbsolutePath('dist/features.cjs')) as typeof FeaturesModule;
      const loaded = module.createFeatures(context, host, cache);
      context.subscriptions.push(loaded);
      return loaded;
    }));
  context.subscriptions.push(
    log,
    registerMcpSupport(context, host),
    memoryStatus(),
    // Commits made on top of a mined history are mined as they appear; the features load on the first one.
    watchHeads((folder) => {
      // The status bar says whether HEAD is on the branch memory follows.
      void vscode.commands.executeCommand(REFRESH_MEMORY_STATUS).then(undefined, (error: unknown) => log.warn(`Refreshing the memory status failed: ${String(error)}`));
      void load().then((loaded) => loaded.followCommits(folder)).catch((error: unknown) => log.warn(`Following new commits failed: ${String(error)}`));
    }),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FixActionProvider(cache), { providedCodeActionKinds: FixActionProvider.kinds }),
    watchDiagnostics(async (uris) => (await load()).lookupPastFixes(uris)),
    vscode.commands.registerCommand('coevolve.fixProblem', async (args?: ProblemArgs) => (await load()).fixProblem(args)),
    vscode.commands.registerCommand('coevolve.applyPastFix', async (args: PastFixArgs) => (await load()).applyPastFix(args)),
    // The chat's buttons on a proposed change (not in the palette: they need the run they belong to).
    vscode.commands.registerCommand('coevolve.chat.showChanges', async (runId: string) => (await load()).chatShowChanges(runId)),
    vscode.commands.registerCommand('coevolve.chat.apply', async (runId: string) => (await load()).chatApply(runId)),
    vscode.commands.registerCommand('coevolve.chat.discard', async (runId: string) => (await load()).chatDiscard(runId)),
    // VS Code's AI surfaces, each only where this VS Code has its API (src/extension/lm/lmApi.ts).
    ...registerChatParticipant(context.extensionUri, async () => {
      const loaded = await load();
      return (request, chatContext, stream, token) => loaded.handleChat(request, chatContext, stream, token);
    }),
    ...registerLmTools(async () => {
      const loaded = await load();
      return (tool, input) => loaded.runMemoryTool(tool, input);
    }),
  );
  for (const [id, method] of COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async () => {
      const loaded = await load();
      await (loaded[method] as () => unknown).call(loaded);
    }));
  }
  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms.`);
}

export async function deactivate(): Promise<void> {
  if (features) await (await features).deactivate();
}
