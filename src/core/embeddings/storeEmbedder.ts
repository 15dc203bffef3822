import { readModelConfig } from '../llm/modelConfigFile.ts';
import type { ModelConfig } from '../llm/providers.ts';
import { configuredEmbedder } from './configuredEmbedder.ts';
import type { Embedder } from './embedder.ts';

type SecretLookup = (name: string) => string | undefined;

/**
 * The embedder a store's models.json configures, for a front door that recalls: `embedder` when one
 * is set and reachable, a `note` saying why not when it is set but unusable (recall then answers
 * lexically), neither when none is configured. A models.json that cannot be read is a note too:
 * recall must not fail over the optional channel. `secrets` gives the keys the configuration names
 * (the environment for the CLI, VS Code's secret storage in the editor); it is asked only when an
 * embedder is configured.
 */
export async function embedderForStore(storeDir: string, secrets: (config: ModelConfig) => SecretLookup | Promise<SecretLookup>): Promise<{ embedder?: Embedder; note?: string }> {
  let config;
  try {
    config = await readModelConfig(storeDir);
  } catch (error) {
    return { note: `Semantic recall is off: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!config?.roles.embedder) return {};
  const configured = configuredEmbedder(config, await secrets(config));
  if (!configured) return {};
  return 'note' in configured ? { note: configured.note } : { embedder: configured.embedder };
}
