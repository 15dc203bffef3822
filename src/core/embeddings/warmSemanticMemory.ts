import type { Embedder } from './embedder.ts';
import { SemanticMemory } from './semanticMemory.ts';
import { settled } from '../util/settled.ts';

/**
 * The semantic channel's vectors kept open by a long-lived process (the MCP server, the editor), one
 * per store: opening 100k vectors reads their segments (2.2 s), which no recall should pay each time.
 * Before each use the segment files are compared with those it read or wrote; when another process
 * (a `coevolve mine`) saved vectors since, or the embedder's model changed, it is opened again. Uses
 * run one at a time: a query may embed new experiences and save them.
 */
export class WarmSemanticMemory {
  private memory: SemanticMemory | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly storeDir: string) {}

  use<T>(embedder: Embedder, fn: (memory: SemanticMemory) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const kept = this.memory;
      const fresh = kept !== undefined && kept.embedder.model.model === embedder.model.model && !(await kept.changedOnDisk());
      // Dropped first: an open that fails (a link in the cache) must not leave the old vectors in use.
      this.memory = undefined;
      const memory = fresh ? kept.withEmbedder(embedder) : await SemanticMemory.open(this.storeDir, embedder);
      this.memory = memory;
      try {
        return await fn(memory);
      } finally {
        // What opening had to say (vectors rebuilt, segments dropped) is told once, not on every recall.
        memory.notes.splice(0);
      }
    });
    // The caller sees this use's failure; the next use only waits for it to end.
    this.queue = settled(run);
    return run;
  }
}

const byStore = new Map<string, WarmSemanticMemory>();

/** One kept semantic memory per store for this process (see warmMemoryFor for the lexical index). */
export function warmSemanticFor(storeDir: string): WarmSemanticMemory {
  let memory = byStore.get(storeDir);
  if (!memory) {
    memory = new WarmSemanticMemory(storeDir);
    byStore.set(storeDir, memory);
  }
  return memory;
}
