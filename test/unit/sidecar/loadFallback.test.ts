import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../../../src/core/logger.ts';
import { loadWithFewerLayers } from '../../../src/sidecar/loadFallback.ts';

const quiet = (lines: string[]): Logger => ({ info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) });

// A GPU that holds `fits` layers: loading more fails the way llama.cpp does, with an error.
const gpuHolding = (fits: number, tried: (number | 'auto')[]) => async (layers: number | 'auto') => {
  tried.push(layers);
  const n = layers === 'auto' ? 40 : layers;
  if (n > fits) throw new Error(`cudaMalloc failed: out of memory (${n} layers)`);
  return `model with ${n} layers`;
};

describe('loading with fewer GPU layers when memory runs out', () => {
  it('uses what was asked when it fits, and says nothing', async () => {
    const lines: string[] = [];
    const result = await loadWithFewerLayers(gpuHolding(40, []), 'auto', 40, quiet(lines));
    assert.deepEqual(result, { value: 'model with 40 layers', gpuLayers: 'auto' });
    assert.deepEqual(lines, []);
  });

  it('halves the layers until the model fits, and says so', async () => {
    const lines: string[] = [];
    const tried: (number | 'auto')[] = [];
    const result = await loadWithFewerLayers(gpuHolding(12, tried), 32, 40, quiet(lines));
    assert.deepEqual(tried, [32, 16, 8]);
    assert.equal(result.gpuLayers, 8);
    assert.match(result.note ?? '', /Could not load with 32 of 40 layers on the GPU \(cudaMalloc failed: out of memory \(32 layers\)\); fell back to 8 of 40 layers/);
    assert.equal(lines.filter((l) => l.includes('retrying')).length, 2);
  });

  it('falls back to the CPU, and rethrows the first error when even that fails', async () => {
    const tried: (number | 'auto')[] = [];
    const cpu = await loadWithFewerLayers(gpuHolding(0, tried), 'auto', 3, quiet([]));
    assert.equal(cpu.gpuLayers, 0);
    assert.deepEqual(tried, ['auto', 1, 0]);
    const broken = async () => { throw new Error('unknown model architecture: "foo"'); };
    await assert.rejects(loadWithFewerLayers(broken, 8, 8, quiet([])), /unknown model architecture/);
  });
});
