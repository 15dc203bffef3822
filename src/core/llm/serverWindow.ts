import { listModels } from './modelCatalog.ts';
import type { ResolvedModel } from './providers.ts';

/**
 * The context window the model's server says it runs the model with, or undefined where it cannot
 * say (or does not answer): a window is never guessed, the server then has the last word.
 */
export async function serverContextWindow(model: ResolvedModel, signal?: AbortSignal): Promise<number | undefined> {
  try {
    return (await listModels(model, signal)).find((listed) => listed.id === model.model)?.contextWindow;
  } catch {
    return undefined;
  }
}
