import type { EmbeddingResult } from '../llm/embeddingClient.ts';

/** What the semantic channel needs of an embedding client (the real one is llm/embeddingClient.ts). */
export interface Embedder {
  readonly model: { model: string };
  embed(texts: readonly string[], signal?: AbortSignal): Promise<EmbeddingResult>;
}
