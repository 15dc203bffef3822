import { CoevolveError } from '../errors.ts';
import type { Accounting } from '../llm/accounting.ts';
import { EmbeddingClient } from '../llm/embeddingClient.ts';
import type { EmbeddingClientOptions } from '../llm/embeddingClient.ts';
import { resolveProvider } from '../llm/providers.ts';
import type { ModelConfig } from '../llm/providers.ts';

export type ConfiguredEmbedder = { embedder: EmbeddingClient } | { note: string };

/**
 * The embedder role's client, from models.json: undefined when `roles.embedder` is not set (the
 * default role is a chat model and is never used to embed), a note when it is set but cannot be
 * reached from here (a sidecar that is not running, VS Code's models outside VS Code, a missing
 * key) — recall then answers lexically and says why.
 */
export function configuredEmbedder(config: ModelConfig | undefined, secrets: (name: string) => string | undefined, options: Omit<EmbeddingClientOptions, 'accounting'> & { accounting?: Accounting } = {}): ConfiguredEmbedder | undefined {
  const choice = config?.roles.embedder;
  if (!config || !choice) return undefined;
  try {
    const provider = resolveProvider(config, choice.provider, secrets);
    return { embedder: new EmbeddingClient({ role: 'embedder', model: choice.model, ...provider }, options) };
  } catch (error) {
    if (!CoevolveError.is(error)) throw error;
    return { note: `The embedder (${choice.model} on "${choice.provider}") is configured but cannot be used: ${error.message}` };
  }
}
