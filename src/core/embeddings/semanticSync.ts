import { SymbolParser } from '../code/symbolParser.ts';
import type { Embedder } from './embedder.ts';
import type { ExperienceSource } from './experienceVectors.ts';
import { SemanticMemory } from './semanticMemory.ts';

export interface SemanticSyncReport {
  experiences: number;
  codeChunks: number;
  changedFiles: number;
  notes: string[];
}

/**
 * Brings the vectors up to date after mining: the experiences memory gained, and the declarations of
 * the files that changed at `revision` (HEAD). Only what changed since the last sync is embedded.
 */
export async function syncSemanticMemory(root: string, storeDir: string, store: ExperienceSource, embedder: Embedder, options: { revision?: string; signal?: AbortSignal } = {}): Promise<SemanticSyncReport> {
  const memory = await SemanticMemory.open(storeDir, embedder);
  const experiences = await memory.syncExperiences(store, options.signal ? { signal: options.signal } : {});
  const parser = await SymbolParser.create();
  try {
    const code = await memory.syncCode(root, options.revision ?? 'HEAD', parser, options.signal);
    return { experiences: experiences.embedded, codeChunks: code.embedded, changedFiles: code.changedFiles, notes: memory.notes };
  } finally {
    parser.dispose();
  }
}
