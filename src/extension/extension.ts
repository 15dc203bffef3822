import * as vscode from 'vscode';
import { ApiKeys, setApiKey } from './apiKeys.ts';
import { mineProjectHistory } from './mineCommand.ts';
import { registerMcpSupport } from './mcpCommand.ts';
import { workspaceModelConfig } from './modelSetup.ts';
import { ProposedChanges } from './proposedChanges.ts';
import { SidecarController } from './sidecarController.ts';
import { solveTaskCommand } from './solveCommand.ts';
import { testModelConnection } from './testModelCommand.ts';
import { VsCodeHost } from './vscodeHost.ts';

let sidecar: SidecarController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Co-evolve', { log: true });
  const host = new VsCodeHost(log);
  const keys = new ApiKeys(context.secrets);
  sidecar = new SidecarController(context, host);
  const controller = sidecar;
  const proposals = new ProposedChanges();
  context.subscriptions.push(
    log,
    controller,
    proposals,
    vscode.commands.registerCommand('coevolve.solveTask', () => solveTaskCommand(host, keys, proposals)),
    vscode.commands.registerCommand('coevolve.mineHistory', () => mineProjectHistory(host)),
    vscode.commands.registerCommand('coevolve.setApiKey', async () => setApiKey(keys, await workspaceModelConfig(host).catch(() => undefined))),
    vscode.commands.registerCommand('coevolve.testModel', () => testModelConnection(host, keys)),
    vscode.commands.registerCommand('coevolve.startSidecar', () => controller.start()),
    vscode.commands.registerCommand('coevolve.stopSidecar', () => controller.stop()),
    vscode.commands.registerCommand('coevolve.sidecarStatus', () => controller.showStatus()),
    registerMcpSupport(context, host),
  );
}

/** VS Code waits for this promise: the sidecar process never outlives the editor. */
export function deactivate(): Promise<void> {
  return sidecar?.stop() ?? Promise.resolve();
}
