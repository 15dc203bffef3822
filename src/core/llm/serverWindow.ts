import { CoevolveError } from '../errors.ts';
import { listModels } from './modelCatalog.ts';
import type { ResolvedModel } from './providers.ts';

/**
 * The context window the model's server says it runs the model with, or undefined where it cannot
 * say (or does not answer): a window is never guessed, the server then has the last word.
 */
export async function serverContextWindow(model: ResolvedModel, signal?: AbortSignal): Promise<number | undefined> {
  try {
    return await probeServer(model, signal);
  } catch {
    return undefined;
  }
}

/**
 * The same question, asked to find out early whether the server is there at all: a server that
 * cannot be reached, refuses the key or does not answer in time throws its typed error; one that
 * answers but has no usable model list (many proxies lack /models) is taken as reachable.
 */
export async function probeServer(model: ResolvedModel, signal?: AbortSignal): Promise<number | undefined> {
  try {
    return (await listModels(model, signal)).find((listed) => listed.id === model.model)?.contextWindow;
  } catch (error) {
    if (CoevolveError.is(error, 'llm-bad-request')) return undefined;
    throw error;
  }
}
