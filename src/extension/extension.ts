import * as vscode from 'vscode';
import { mineProjectHistory } from './mineCommand.ts';
import { VsCodeHost } from './vscodeHost.ts';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Co-evolve', { log: true });
  const host = new VsCodeHost(log);
  context.subscriptions.push(log, vscode.commands.registerCommand('coevolve.mineHistory', () => mineProjectHistory(host)));
}

export function deactivate(): void {}
