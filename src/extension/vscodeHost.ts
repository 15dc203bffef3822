import * as vscode from 'vscode';
import type { Logger } from '../core/logger.ts';

/** What the extension's commands ask of the editor: its log, the open folders, settings. */
export interface Host {
  readonly log: Logger;
  /** Root folders the user has open (local `file:` folders only). */
  workspaceFolders(): string[];
  /** A setting under `coevolve.`; undefined when unset. */
  setting<T>(key: string): T | undefined;
}

export class VsCodeHost implements Host {
  constructor(readonly log: Logger & vscode.LogOutputChannel) {}

  workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  setting<T>(key: string): T | undefined {
    return vscode.workspace.getConfiguration('coevolve').get<T>(key);
  }
}
