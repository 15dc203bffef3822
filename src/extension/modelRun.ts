import * as vscode from 'vscode';
import type { Host } from './vscodeHost.ts';
import type { ModelConfig } from '../core/llm/providers.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import type { Workspace } from '../core/workspace.ts';
import type { ApiKeys } from './apiKeys.ts';
import { workspaceModelConfig } from './modelSetup.ts';

export interface ModelRun {
  workspace: Workspace;
  models: ModelConfig;
  secrets: (name: string) => string | undefined;
}

/**
 * What every command that lets the team work needs first: an open folder, a trusted workspace (the
 * project's own checks will run), and a model configuration with its keys. Says what is missing,
 * with the way to fix it, and returns undefined then.
 */
export async function prepareModelRun(host: Host, keys: ApiKeys, what: string): Promise<ModelRun | undefined> {
  const folder = host.workspaceFolders()[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Co-evolve: open a folder first.');
    return undefined;
  }
  if (!requireTrust(`${what} runs the project's own checks`)) return undefined;
  const models = await workspaceModelConfig(host).catch((error: unknown) => {
    void vscode.window.showErrorMessage(`Co-evolve: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  if (models === null) return undefined;
  if (!models) {
    void vscode.window.showWarningMessage('Co-evolve: no model is configured for this workspace.', 'Configure Model Provider').then((choice) => {
      if (choice) void vscode.commands.executeCommand('coevolve.configureProvider');
    });
    return undefined;
  }
  const workspace = await resolveWorkspace(folder, host.setting<string>('storePath') || undefined);
  return { workspace, models, secrets: await keys.lookupFor(models) };
}

/** False (after saying why, with the way to trust it) when the workspace is not trusted. */
export function requireTrust(why: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Co-evolve: ${why}, so it needs a trusted workspace.`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
