import type { Embedder } from '../core/embeddings/embedder.ts';
import { embedderForStore } from '../core/embeddings/storeEmbedder.ts';
import type { ApiKeys } from './apiKeys.ts';

/** The store's embedder (see embedderForStore), with its key from VS Code's secret storage. */
export function editorEmbedder(keys: ApiKeys, storeDir: string): Promise<{ embedder?: Embedder; note?: string }> {
  return embedderForStore(storeDir, (config) => keys.lookupFor(config));
}
