import { readModelConfig } from '../llm/modelConfigFile.ts';
import { configuredEmbedder } from './configuredEmbedder.ts';
import type { Embedder } from './embedder.ts';

/**
 * The embedder a store's models.json configures, for a front door that recalls: `embedder` when one
 * is set and reachable, a `note` saying why not when it is set but unusable (recall then answers
 * lexically), neither when none is configured. A models.json that cannot be read is a note too:
 * recall must not fail over the optional channel.
 */
export async function embedderForStore(storeDir: string, secrets: (name: string) => string | undefined): Promise<{ embedder?: Embedder; note?: string }> {
  let config;
  try {
    config = await readModelConfig(storeDir);
  } catch (error) {
    return { note: `Semantic recall is off: ${error instanceof Error ? error.message : String(error)}` };
  }
  const configured = configuredEmbedder(config, secrets);
  if (!configured) return {};
  return 'note' in configured ? { note: configured.note } : { embedder: configured.embedder };
}
