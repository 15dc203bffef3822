// The semantic channel in the localization bench, the day an embedding model is at hand:
// COEVOLVE_BENCH_EMBEDDER=<baseURL>|<model> (for example http://127.0.0.1:11434/v1|nomic-embed-text,
// with COEVOLVE_BENCH_EMBEDDER_KEY for a hosted one). Without it, nothing is embedded and the
// figures are as before. Retrieval quality cannot be measured here: this machine has no weights.
import { fuseSemantic } from '../src/core/embeddings/rankFusion.ts';
import { SemanticMemory } from '../src/core/embeddings/semanticMemory.ts';
import { SymbolParser } from '../src/core/code/symbolParser.ts';
import { EmbeddingClient } from '../src/core/llm/embeddingClient.ts';
import { normalizeBaseURL } from '../src/core/llm/providers.ts';
import { presentDigest } from '../src/core/memory/recall.ts';
import type { RecallResult } from '../src/core/memory/recall.ts';
import type { MemoryIndex } from '../src/core/memory/memoryIndex.ts';
import type { MemoryStore } from '../src/core/memory/store.ts';

export interface SemanticRerank {
  embedder: string;
  fuse: (text: string, result: RecallResult, k: number) => Promise<RecallResult>;
}

/** The configured embedder's channel over memory before `cutoffSeq` and the code at `cutoffSha`, or undefined when none is configured. */
export async function semanticFromEnv(repoDir: string, store: MemoryStore, index: MemoryIndex, cutoff: { seq: number; sha: string }): Promise<SemanticRerank | undefined> {
  const spec = process.env.COEVOLVE_BENCH_EMBEDDER;
  if (!spec) return undefined;
  const [baseURL, model] = spec.split('|');
  if (!baseURL || !model) throw new Error(`COEVOLVE_BENCH_EMBEDDER must be <baseURL>|<model>, not "${spec}"`);
  const client = new EmbeddingClient({ role: 'embedder', model, providerName: 'bench', preset: 'openai-compatible', baseURL: normalizeBaseURL(baseURL, 'openai-compatible'), apiKey: process.env.COEVOLVE_BENCH_EMBEDDER_KEY });
  const memory = await SemanticMemory.open(store.dir, client);
  await memory.syncExperiences(store);
  const parser = await SymbolParser.create();
  try {
    await memory.syncCode(repoDir, cutoff.sha, parser);
  } finally {
    parser.dispose();
  }
  return {
    embedder: model,
    fuse: async (text, result, k) => {
      const scores = await memory.scores(text, { k, before: { seq: cutoff.seq + 1 } });
      return fuseSemantic(result, scores, { k, digest: (sha) => index.digest(sha), present: presentDigest });
    },
  };
}
