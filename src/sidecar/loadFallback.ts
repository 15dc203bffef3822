import type { Logger } from '../core/logger.ts';

export interface FallbackResult<T> {
  value: T;
  gpuLayers: number | 'auto';
  /** Set when fewer layers than asked were used, saying why. */
  note?: string;
}

/**
 * Loads with the requested number of GPU layers and, when that fails (almost always a GPU out of
 * memory), halves the layers until it fits, down to none (CPU). Each step is said, not hidden.
 */
export async function loadWithFewerLayers<T>(
  load: (gpuLayers: number | 'auto') => Promise<T>,
  requested: number | 'auto',
  totalLayers: number,
  log: Logger,
): Promise<FallbackResult<T>> {
  let layers: number | 'auto' = requested;
  let firstError: unknown;
  for (;;) {
    try {
      const value = await load(layers);
      if (firstError === undefined) return { value, gpuLayers: layers };
      const note = `Could not load with ${describe(requested, totalLayers)} on the GPU (${messageOf(firstError)}); fell back to ${describe(layers, totalLayers)}.`;
      log.warn(note);
      return { value, gpuLayers: layers, note };
    } catch (error) {
      firstError ??= error;
      if (layers === 0) throw firstError;
      const current: number = layers === 'auto' ? totalLayers : layers;
      const next = Math.floor(current / 2);
      log.warn(`Loading with ${describe(layers, totalLayers)} on the GPU failed (${messageOf(error)}); retrying with ${next}.`);
      layers = next;
    }
  }
}

function describe(layers: number | 'auto', total: number): string {
  return layers === 'auto' ? 'as many layers as fit' : `${layers} of ${total} layers`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
