import type { Embedder } from '../core/embeddings/embedder.ts';
import { configuredEmbedder } from '../core/embeddings/configuredEmbedder.ts';
import { readModelConfig } from '../core/llm/modelConfigFile.ts';
import type { ApiKeys } from './apiKeys.ts';

/**
 * The embedder the store's models.json names (roles.embedder), with its key from VS Code's secret
 * storage: `embedder` when usable, a `note` saying why not when it is set but unusable (recall then
 * stays lexical), neither when none is configured.
 */
export async function editorEmbedder(keys: ApiKeys, storeDir: string): Promise<{ embedder?: Embedder; note?: string }> {
  let config;
  try {
    config = await readModelConfig(storeDir);
  } catch (error) {
    return { note: `Semantic recall is off: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!config?.roles.embedder) return {};
  const configured = configuredEmbedder(config, await keys.lookupFor(config));
  if (!configured) return {};
  return 'note' in configured ? { note: configured.note } : { embedder: configured.embedder };
}
