import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import type { Host } from './vscodeHost.ts';
import { ChatClient } from '../core/llm/chatClient.ts';
import { Accounting } from '../core/llm/accounting.ts';
import { serverContextWindow } from '../core/llm/serverWindow.ts';
import { resolveRole } from '../core/llm/providers.ts';
import type { Role } from '../core/llm/providers.ts';
import type { ApiKeys } from './apiKeys.ts';
import { workspaceModelConfig } from './modelSetup.ts';
import { requireTrust } from './modelRun.ts';
import type { ChatModel } from '../core/llm/chatModel.ts';
import { lmModelSource } from './lm/lmModelSource.ts';

const ROLES: Role[] = ['generator', 'implementer', 'rectifier'];

/** "Co-evolve: Test Model Connection": one short streamed answer per role, with its accounting. */
export async function testModelConnection(host: Host, keys: ApiKeys): Promise<void> {
  // An untrusted workspace's models.json could name any URL: the stored key must not go there.
  if (!requireTrust('testing the model sends your API key to the URL this workspace\'s models.json names')) return;
  try {
    const config = await workspaceModelConfig(host);
    if (!config) {
      void vscode.window.showWarningMessage('Co-evolve: no .coevolve/models.json in this workspace. See the README, "Configuration".');
      return;
    }
    const role = (await vscode.window.showQuickPick(ROLES, { placeHolder: 'Which role\'s model?' })) as Role | undefined;
    if (!role) return;
    // A role on VS Code's language models is asked through vscode.lm; the others over HTTP.
    const fromEditor = (await lmModelSource(config))?.(role as Exclude<Role, 'embedder'>, new Accounting());
    const model = fromEditor?.model ?? resolveRole(config, role, await keys.lookupFor(config));
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Co-evolve: asking the ${role} model (${model.model})`, cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const window = fromEditor ? fromEditor.contextWindow : await serverContextWindow(model, controller.signal);
          const client: ChatModel = fromEditor ?? new ChatClient(model, { timeoutMs: 60_000, ...(window ? { contextWindow: window } : {}) });
          host.log.info(`Testing ${role}: ${model.model} at ${model.baseURL}`);
          const result = await client.chat({ messages: [{ role: 'user', content: 'Reply with one short sentence: which model are you?' }], maxTokens: 64, signal: controller.signal, onDelta: () => undefined });
          host.log.info(`Answer: ${result.text.slice(0, 500)}`);
          return `${result.usage.promptTokens}+${result.usage.completionTokens} tokens in ${Math.round(result.latencyMs)} ms${window ? `, context window ${window}` : ', context window not reported'}`;
        } finally {
          subscription.dispose();
        }
      },
    );
    void vscode.window.showInformationMessage(`Co-evolve: the ${role} model answered (${summary}). The answer is in the Co-evolve output.`);
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) return;
    const message = error instanceof Error ? error.message : String(error);
    host.log.error(message);
    const hint = CoevolveError.is(error) && error.hint ? ` ${error.hint}` : '';
    const action = CoevolveError.is(error, 'llm-auth') ? 'Set API Key' : undefined;
    const choice = await vscode.window.showErrorMessage(`Co-evolve: ${message}${hint}`, ...(action ? [action] : []));
    if (choice === action) await vscode.commands.executeCommand('coevolve.setApiKey');
  }
}
