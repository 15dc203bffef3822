import { CoevolveError } from '../core/errors.ts';
import type { GpuChoice } from './engine.ts';

export const GPU_CHOICES: readonly GpuChoice[] = ['auto', 'cuda', 'vulkan', 'metal', 'cpu'];

export function parseGpu(value: string): GpuChoice {
  if ((GPU_CHOICES as readonly string[]).includes(value)) return value as GpuChoice;
  throw new CoevolveError('bad-input', `--gpu must be one of ${GPU_CHOICES.join(', ')}; got "${value}".`);
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CoevolveError('bad-input', `--port must be 0-65535 (0 picks a free port); got "${value}".`);
  return port;
}

export function parseContextSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 256) throw new CoevolveError('bad-input', `--ctx must be a whole number of tokens, at least 256; got "${value}".`);
  return size;
}

export function parseGpuLayers(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const layers = Number(value);
  if (!Number.isInteger(layers) || layers < 0) throw new CoevolveError('bad-input', `--gpu-layers must be "auto" or a whole number; got "${value}".`);
  return layers;
}

export function parseThreads(value: string): number {
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new CoevolveError('bad-input', `--threads must be 1 or more; got "${value}".`);
  return threads;
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM, or the supervisor closing stdin). */
export function stopRequested(watchStdin: boolean): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    // A supervisor that dies without stopping us closes our stdin: we must not outlive it.
    if (watchStdin) {
      process.stdin.on('end', () => resolve('supervisor gone'));
      process.stdin.on('error', () => resolve('supervisor gone'));
      process.stdin.resume();
    }
  });
}
