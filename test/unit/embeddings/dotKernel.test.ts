import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { jsDots, jsDotsI8, newWasmMemory, simdKernels } from '../../../src/core/embeddings/dotKernel.ts';
import { seededRandom } from '../../../src/core/memory/seededRandom.ts';

test('the SIMD kernels compute what the JavaScript references compute', () => {
  const random = seededRandom('kernel');
  const count = 257;
  const dims = 48;
  const memory = newWasmMemory(count * dims * 4 + dims * 4 + count * 4 + 64);
  const kernels = simdKernels(memory);
  assert.ok(kernels, 'WebAssembly SIMD runs in Node 20');
  // float32: rows at 0, the query after them, the scores after that.
  const heap = new Float32Array(memory.buffer);
  for (let i = 0; i < count * dims + dims; i++) heap[i] = random() - 0.5;
  const query = count * dims * 4;
  const out = query + dims * 4;
  kernels.dots(0, query, count, dims, out);
  const simd = heap.slice(out / 4, out / 4 + count);
  jsDots(heap, 0, query, count, dims, out);
  const plain = heap.slice(out / 4, out / 4 + count);
  simd.forEach((s, i) => assert.ok(Math.abs(s - plain[i]!) < 1e-5, `row ${i}`));
  // int8 rows against an int16 query: integers, so exactly equal.
  const rows8 = new Int8Array(memory.buffer, 0, count * dims);
  for (let i = 0; i < rows8.length; i++) rows8[i] = Math.round(random() * 254 - 127);
  const q16 = new Int16Array(memory.buffer, count * dims, dims);
  for (let j = 0; j < dims; j++) q16[j] = Math.round(random() * 16382 - 8191);
  const outI8 = count * dims + dims * 2;
  kernels.dotsI8(0, count * dims, count, dims, outI8);
  const expected = new Float32Array(count);
  jsDotsI8(rows8, q16, count, dims, expected);
  assert.deepEqual([...new Float32Array(memory.buffer, outI8, count)], [...expected]);
  // Zero rows: nothing is written, nothing breaks.
  kernels.dotsI8(0, count * dims, 0, dims, outI8);
});
