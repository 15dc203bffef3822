import * as vscode from 'vscode';
import { isSecretName } from '../core/security/childEnv.ts';
import type { ModelConfig } from '../core/llm/providers.ts';

const PREFIX = 'coevolve.apiKey.';

/**
 * API keys live in VS Code's SecretStorage (the OS keychain), never in settings or models.json.
 * They are stored under the environment-variable name models.json gives (`apiKeyEnv`), so one
 * models.json serves both the CLI (which reads the environment) and the editor.
 */
export class ApiKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The keys a configuration needs, read up front so core code can look them up synchronously. */
  async lookupFor(config: ModelConfig): Promise<(name: string) => string | undefined> {
    const names = new Set(keyNames(config));
    const found = new Map<string, string>();
    for (const name of names) {
      const value = await this.secrets.get(PREFIX + name);
      if (value) found.set(name, value);
    }
    return (name) => found.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    await this.secrets.store(PREFIX + name, value);
  }

  async clear(name: string): Promise<void> {
    await this.secrets.delete(PREFIX + name);
  }
}

function keyNames(config: ModelConfig | undefined): string[] {
  const names = new Set<string>();
  for (const provider of Object.values(config?.providers ?? {})) {
    if (provider.apiKeyEnv) names.add(provider.apiKeyEnv);
    else if (provider.preset === 'openai') names.add('OPENAI_API_KEY');
  }
  return [...names];
}

/** "Co-evolve: Set API Key": pick which key (as models.json names it), then type it hidden. */
export async function setApiKey(keys: ApiKeys, config: ModelConfig | undefined): Promise<void> {
  const known = keyNames(config);
  const other = 'Another name...';
  let name = known.length ? await vscode.window.showQuickPick([...known, other], { placeHolder: 'Which key (the apiKeyEnv name in models.json)?' }) : other;
  if (!name) return;
  if (name === other) {
    name = await vscode.window.showInputBox({
      prompt: 'Name of the key, as apiKeyEnv in .coevolve/models.json says (e.g. OPENAI_API_KEY)',
      validateInput: (v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? (isSecretName(v) ? undefined : 'Use a name that says it is a key, e.g. ending in _API_KEY, so it is never passed to child processes.') : 'Letters, digits and _ only.'),
    });
    if (!name) return;
  }
  const value = await vscode.window.showInputBox({ prompt: `Value of ${name} (kept in the OS keychain through VS Code's secret storage)`, password: true, ignoreFocusOut: true });
  if (!value) return;
  await keys.set(name, value.trim());
  void vscode.window.showInformationMessage(`Co-evolve: ${name} saved in secret storage.`);
}
