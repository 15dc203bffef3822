import * as vscode from 'vscode';
import type { Host, Logger } from '../core/host.ts';

export class VsCodeHost implements Host {
  constructor(readonly log: Logger & vscode.LogOutputChannel) {}

  workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  setting<T>(key: string): T | undefined {
    return vscode.workspace.getConfiguration('coevolve').get<T>(key);
  }
}
