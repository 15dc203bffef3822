import * as vscode from 'vscode';
import type { Host } from './vscodeHost.ts';
import { listModels } from '../core/llm/modelCatalog.ts';
import { saveProviderChoice } from '../core/llm/modelConfigFile.ts';
import { normalizeBaseURL } from '../core/llm/providers.ts';
import type { ProviderConfig, ProviderPreset } from '../core/llm/providers.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import type { ApiKeys } from './apiKeys.ts';
import { lmFeatures } from './lm/lmApi.ts';
import { formatSelector } from './lm/lmSelector.ts';
import { ignoreError } from '../core/ignoredErrors.ts';

interface PresetChoice extends vscode.QuickPickItem {
  preset: ProviderPreset;
  url?: string;
  needsKey: boolean;
}

const PRESETS: PresetChoice[] = [
  { label: 'OpenAI', description: 'hosted, needs an API key', preset: 'openai', needsKey: true },
  { label: 'OpenAI-compatible server', description: 'any /v1 endpoint (a gateway, a hosted open model)', preset: 'openai-compatible', needsKey: true },
  { label: 'Ollama', description: '127.0.0.1:11434', preset: 'ollama', url: 'http://127.0.0.1:11434/v1', needsKey: false },
  { label: 'LM Studio', description: '127.0.0.1:1234', preset: 'lmstudio', url: 'http://127.0.0.1:1234/v1', needsKey: false },
  { label: 'vLLM', description: 'one GPU or many, 127.0.0.1:8000 by default', preset: 'vllm', url: 'http://127.0.0.1:8000/v1', needsKey: false },
  { label: 'Local sidecar', description: 'a GGUF model on this machine (Start Local Model Sidecar)', preset: 'sidecar', needsKey: false },
];

const ROLES = [
  { label: 'Every role', description: 'the default for generator, implementer, rectifier', role: 'default' as const },
  { label: 'Generator', description: 'plans the work', role: 'generator' as const },
  { label: 'Implementer', description: 'edits the code', role: 'implementer' as const },
  { label: 'Rectifier', description: 'diagnoses failures', role: 'rectifier' as const },
];

/**
 * "Co-evolve: Configure Model Provider": a preset, its URL, a model the server really serves, the
 * role it plays; the key goes to secret storage, the rest to .coevolve/models.json.
 */
export async function configureProvider(host: Host, keys: ApiKeys): Promise<void> {
  const folder = host.workspaceFolders()[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Co-evolve: open a folder first; its .coevolve/models.json holds the choice.');
    return;
  }
  // VS Code's own language models (Copilot's, or any extension's), where this VS Code has the API.
  const offered = lmFeatures().models ? [...PRESETS, VSCODE_LM] : PRESETS;
  const preset = await vscode.window.showQuickPick(offered, { title: 'Co-evolve: model provider', placeHolder: 'Where does the model run?' });
  if (!preset) return;
  let baseURL: string | undefined;
  if (preset.preset !== 'openai' && preset.preset !== 'sidecar' && preset.preset !== 'vscode-lm') {
    const typed = await vscode.window.showInputBox({
      title: `${preset.label}: base URL`,
      value: preset.url ?? 'https://',
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          normalizeBaseURL(value, preset.preset);
          return undefined;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (!typed) return;
    baseURL = normalizeBaseURL(typed, preset.preset);
  }
  const name = preset.preset === 'openai-compatible' ? 'custom' : preset.preset;
  const keyEnv = preset.needsKey ? (preset.preset === 'openai' ? 'OPENAI_API_KEY' : `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`) : undefined;
  let apiKey: string | undefined;
  if (keyEnv) {
    apiKey = await vscode.window.showInputBox({ title: `${preset.label}: API key`, prompt: `Kept in the OS keychain as ${keyEnv}; never written to a file.`, password: true, ignoreFocusOut: true });
    if (!apiKey) return;
    await keys.set(keyEnv, apiKey.trim());
  }
  const model = await pickModel(preset, baseURL, apiKey);
  if (!model) return;
  const role = await vscode.window.showQuickPick(ROLES, { title: 'Which role should use it?' });
  if (!role) return;
  const provider: ProviderConfig = { preset: preset.preset, ...(baseURL ? { baseURL } : {}), ...(keyEnv ? { apiKeyEnv: keyEnv } : {}) };
  const workspace = await resolveWorkspace(folder, host.setting<string>('storePath') || undefined);
  await saveProviderChoice(workspace.storeDir, { name, provider, role: role.role, model });
  host.log.info(`Configured ${role.role} → ${model} on ${name}${baseURL ? ` (${baseURL})` : ''}.`);
  const test = await vscode.window.showInformationMessage(`Co-evolve: ${role.label.toLowerCase()} now use ${model} on ${preset.label}.`, 'Test Model Connection');
  if (test) await vscode.commands.executeCommand('coevolve.testModel');
}

const VSCODE_LM: PresetChoice = { label: 'VS Code language models', description: 'the models Copilot or another extension provides; no key', preset: 'vscode-lm', needsKey: false };

/** One of the chat models VS Code offers, as "vendor/family/id"; says so when there is none. */
async function pickLmModel(): Promise<string | undefined> {
  const models = await vscode.lm.selectChatModels();
  if (!models.length) {
    void vscode.window.showWarningMessage('Co-evolve: VS Code has no language model to offer. Install or sign in to an extension that provides chat models (GitHub Copilot, for one), then run "Configure Model Provider" again.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    models.map((m) => ({ label: m.name, description: formatSelector(m), detail: `${m.vendor} · family ${m.family} · context ${m.maxInputTokens} tokens`, selector: formatSelector(m) })),
    { title: 'VS Code language models: model', placeHolder: `${models.length} models available in VS Code` },
  );
  return pick?.selector;
}

/** A model the server lists (so the name is right), or typed when it cannot list them. */
async function pickModel(preset: PresetChoice, baseURL: string | undefined, apiKey: string | undefined): Promise<string | undefined> {
  if (preset.preset === 'vscode-lm') return pickLmModel();
  if (baseURL || preset.preset === 'openai') {
    const url = baseURL ?? 'https://api.openai.com/v1';
    const listed = await listModels({ preset: preset.preset, baseURL: url, apiKey }).catch(ignoreError('the server did not list its models; the name is typed instead'));
    if (listed?.length) {
      const pick = await vscode.window.showQuickPick(
        listed.map((m) => ({ label: m.id, description: m.contextWindow ? `context ${m.contextWindow}` : m.contextSource })),
        { title: `${preset.label}: model`, placeHolder: `${listed.length} models served at ${url}` },
      );
      return pick?.label;
    }
  }
  return vscode.window.showInputBox({ title: `${preset.label}: model name`, prompt: preset.preset === 'sidecar' ? 'The sidecar serves one model: its file name without .gguf, or "default".' : 'The server did not list its models; type the name.', value: preset.preset === 'sidecar' ? 'default' : '', ignoreFocusOut: true });
}
