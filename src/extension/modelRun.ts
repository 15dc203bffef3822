import * as vscode from 'vscode';
import type { Host } from './vscodeHost.ts';
import type { ModelConfig } from '../core/llm/providers.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import type { Workspace } from '../core/workspace.ts';
import type { ApiKeys } from './apiKeys.ts';
import { workspaceModelConfig } from './modelSetup.ts';
import type { ChatModelSource } from '../core/llm/chatModel.ts';
import { CoevolveError } from '../core/errors.ts';
import { lmModelSource } from './lm/lmModelSource.ts';

export interface ModelRun {
  workspace: Workspace;
  models: ModelConfig;
  secrets: (name: string) => string | undefined;
  /** Roles served by VS Code's language models (the `vscode-lm` provider, or the chat request's model). */
  chatModels?: ChatModelSource;
}

/** How a command tells the user what stops the run: a toast here, the chat response in the Chat view. */
export interface RunNotice {
  warn(message: string, action?: { title: string; command: string }): void;
  error(message: string, action?: { title: string; command: string }): void;
}

const CONFIGURE = { title: 'Configure Model Provider', command: 'coevolve.configureProvider' };

export const toastNotice: RunNotice = {
  warn: (message, action) => void showWith(vscode.window.showWarningMessage, message, action),
  error: (message, action) => void showWith(vscode.window.showErrorMessage, message, action),
};

async function showWith(show: (message: string, ...items: string[]) => Thenable<string | undefined>, message: string, action: { title: string; command: string } | undefined): Promise<void> {
  const choice = await (action ? show(`Co-evolve: ${message}`, action.title) : show(`Co-evolve: ${message}`));
  if (choice && action) await vscode.commands.executeCommand(action.command);
}

/**
 * What every command that lets the team work needs first: an open folder, a trusted workspace (the
 * project's own checks will run), and a model configuration with its keys. Says what is missing,
 * with the way to fix it, and returns undefined then.
 */
export async function prepareModelRun(host: Host, keys: ApiKeys, what: string, options: { notice?: RunNotice; chatModel?: vscode.LanguageModelChat } = {}): Promise<ModelRun | undefined> {
  const notice = options.notice ?? toastNotice;
  const folder = host.workspaceFolders()[0];
  if (!folder) {
    notice.warn('open a folder first.');
    return undefined;
  }
  if (!requireTrust(`${what} runs the project's own checks`, notice)) return undefined;
  const models = await workspaceModelConfig(host).catch((error: unknown) => {
    notice.error(error instanceof Error ? error.message : String(error));
    return null;
  });
  if (models === null) return undefined;
  if (!models && !options.chatModel) {
    notice.warn('no model is configured for this workspace.', CONFIGURE);
    return undefined;
  }
  let chatModels: ChatModelSource | undefined;
  try {
    chatModels = await lmModelSource(models, options.chatModel);
  } catch (error) {
    host.log.error(error instanceof Error ? error.message : String(error));
    notice.error(`${error instanceof Error ? error.message : String(error)}${CoevolveError.is(error) && error.hint ? ` ${error.hint}` : ''}`, CONFIGURE);
    return undefined;
  }
  const workspace = await resolveWorkspace(folder, host.setting<string>('storePath') || undefined);
  const config = models ?? { providers: {}, roles: {} };
  return { workspace, models: config, secrets: await keys.lookupFor(config), ...(chatModels ? { chatModels } : {}) };
}

/** False (after saying why, with the way to trust it) when the workspace is not trusted. */
export function requireTrust(why: string, notice: RunNotice = toastNotice): boolean {
  if (vscode.workspace.isTrusted) return true;
  notice.warn(`${why}, so it needs a trusted workspace.`, { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' });
  return false;
}
