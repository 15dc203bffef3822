import type { ExperienceDigest } from '../memory/experienceDigest.ts';
import type { RecallResult } from '../memory/recall.ts';
import type { Embedder } from './embedder.ts';
import type { ExperienceSource } from './experienceVectors.ts';
import { fuseSemantic } from './rankFusion.ts';
import type { FusionOptions } from './rankFusion.ts';
import { semanticScores } from './semanticMemory.ts';
import type { SemanticCutoff, SemanticMemory } from './semanticMemory.ts';
import type { WarmSemanticMemory } from './warmSemanticMemory.ts';

export interface SemanticRecallOptions {
  storeDir: string;
  /** The embedder role's client (configuredEmbedder); undefined: the result is returned untouched. */
  embedder: Embedder | undefined;
  /** Where digests of experiences only the semantic channel found come from (the MemoryIndex). */
  index: { digest(sha: string): ExperienceDigest | undefined };
  /** Shows such a digest as recall shows its own (see FusionOptions.present). */
  present: FusionOptions['present'];
  k: number;
  /** Memory to catch up with first (a bounded number of new experiences is embedded). */
  source?: ExperienceSource;
  memory?: SemanticMemory;
  /** A long-lived caller's kept vectors (see WarmSemanticMemory), used when `memory` is not given. */
  warm?: WarmSemanticMemory;
  before?: SemanticCutoff;
  withCode?: boolean;
  semanticWeight?: number;
  signal?: AbortSignal;
  /** Told why the channel was skipped or what it rebuilt. */
  onNote?: (note: string) => void;
}

/**
 * Recall's answer with the semantic channel fused in: the one call recall makes when an embedder is
 * configured. Without one, `result` comes back as it was; with the embedder down, too, and the
 * reason goes to `onNote`.
 */
export async function withSemanticChannel(result: RecallResult, text: string, options: SemanticRecallOptions): Promise<RecallResult> {
  const { storeDir, embedder, index, present, k, source, memory, warm, before, withCode, semanticWeight, signal, onNote } = options;
  const scores = await semanticScores(text, {
    storeDir,
    embedder,
    k,
    ...(source ? { source } : {}),
    ...(memory ? { memory } : {}),
    ...(warm ? { warm } : {}),
    ...(before ? { before } : {}),
    ...(withCode !== undefined ? { withCode } : {}),
    ...(signal ? { signal } : {}),
  });
  if (!scores) return result;
  for (const note of scores.notes) onNote?.(note);
  return fuseSemantic(result, scores, { k, digest: (sha) => index.digest(sha), present, ...(semanticWeight !== undefined ? { semanticWeight } : {}) });
}
