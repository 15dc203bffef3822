import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { VectorMatrix } from '../../../src/core/embeddings/vectorMatrix.ts';
import { seededRandom } from '../../../src/core/memory/seededRandom.ts';

function randomVectors(count: number, dims: number, seed: string): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: dims }, () => random() - 0.5));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

test('top-k in every scan mode equals an exact cosine ranking, with exact scores (odd dimension, padded)', () => {
  const dims = 37;
  const vectors = randomVectors(3000, dims, 'rows');
  const queries = randomVectors(20, dims, 'query');
  const matrices = (['int8', 'f32', 'js'] as const).map((mode) => new VectorMatrix(dims, 16, mode));
  // Appended one by one from a tiny capacity: the memories grow many times on the way.
  for (const v of vectors) for (const m of matrices) m.append(v);
  assert.deepEqual(matrices.map((m) => [m.mode, m.simd]), [['int8', true], ['f32', true], ['js', false]], 'WebAssembly SIMD runs in Node 20');
  for (const query of queries) {
    const exact = vectors.map((v, row) => ({ row, score: cosine(v, query) })).sort((a, b) => b.score - a.score).slice(0, 10);
    for (const matrix of matrices) {
      const top = matrix.topK(query, 10);
      assert.deepEqual(top.map((t) => t.row), exact.map((e) => e.row), matrix.mode);
      top.forEach((t, i) => assert.ok(Math.abs(t.score - exact[i]!.score) < 1e-5, matrix.mode));
    }
  }
});

test('the int8 pass survives removals: moved rows keep their int8 copy and scale', () => {
  const dims = 48;
  const vectors = randomVectors(500, dims, 'moves');
  const m = new VectorMatrix(dims, 8);
  for (const v of vectors) m.append(v);
  // Remove every third row; keep our own picture of which vector sits in which row.
  const rows = vectors.map((v) => v);
  for (let row = rows.length - 1; row >= 0; row -= 3) {
    const moved = m.removeSwap(row);
    if (moved !== undefined) rows[row] = rows[moved]!;
    rows.length = m.count;
  }
  for (const query of randomVectors(5, dims, 'moves-q')) {
    const exact = rows.map((v, row) => ({ row, score: cosine(v, query) })).sort((a, b) => b.score - a.score).slice(0, 5);
    assert.deepEqual(m.topK(query, 5).map((t) => t.row), exact.map((e) => e.row));
  }
});

test('removing a row moves the last one into its place; filters see rows; wrong dimensions are refused', () => {
  const m = new VectorMatrix(4, 2);
  m.append([1, 0, 0, 0]);
  m.append([0, 1, 0, 0]);
  m.append([0, 0, 1, 0]);
  assert.equal(m.removeSwap(0), 2);
  assert.equal(m.count, 2);
  assert.deepEqual([...m.row(0)], [0, 0, 1, 0]);
  assert.deepEqual(m.topK([0, 0, 3, 0], 1), [{ row: 0, score: 1 }]);
  assert.deepEqual(m.topK([0, 0, 3, 0], 1, (row) => row !== 0).map((t) => t.row), [1]);
  assert.equal(m.removeSwap(1), undefined);
  assert.throws(() => m.append([1, 2]), RangeError);
  assert.throws(() => m.topK([1, 2, 3], 1), RangeError);
  // A zero vector is stored as zero and matches nothing better than anything else.
  m.append([0, 0, 0, 0]);
  assert.deepEqual([...m.row(1)], [0, 0, 0, 0]);
});

test('rows stored with their int8 copies search as the rows they were written from; without copies, the copies are made', () => {
  const dims = 37;
  const vectors = randomVectors(600, dims, 'stored');
  const written = new VectorMatrix(dims, 16);
  for (const v of vectors) written.append(v);
  const order = vectors.map((_, row) => row).reverse();
  const bytes = (rows: Float32Array): Uint8Array => new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
  // As a segment file holds them: in another order than the matrix's rows.
  const withCopies = new VectorMatrix(dims, 16);
  withCopies.appendStored(bytes(written.rowsBytes(order)), written.quantizedOf(order));
  const without = new VectorMatrix(dims, 16);
  without.appendStored(bytes(written.rowsBytes(order)));
  // A machine without the SIMD kernel keeps no int8 copies, and still writes them.
  const plain = new VectorMatrix(dims, 16, 'js');
  for (const v of vectors) plain.append(v);
  assert.deepEqual(plain.quantizedOf(order), written.quantizedOf(order));
  for (const query of randomVectors(10, dims, 'stored-q')) {
    const expected = written.topK(query, 8).map((t) => ({ row: vectors.length - 1 - t.row, score: t.score }));
    assert.deepEqual(withCopies.topK(query, 8), expected);
    assert.deepEqual(without.topK(query, 8), expected);
  }
  // Copies that do not fit the rows (another width) are not taken: they are made again.
  const wrong = new VectorMatrix(dims, 16);
  const copies = written.quantizedOf(order);
  wrong.appendStored(bytes(written.rowsBytes(order)), { scales: copies.scales, q8: copies.q8.subarray(16) });
  assert.deepEqual(wrong.topK(vectors[5]!, 3).map((t) => t.row)[0], vectors.length - 1 - 5);
});

test('a stored row that is not numbers (a damaged file: rows are not checked on open) matches nothing', () => {
  const dims = 20;
  const vectors = randomVectors(100, dims, 'nan');
  const source = new VectorMatrix(dims, 16);
  for (const v of vectors) source.append(v);
  const order = vectors.map((_, row) => row);
  const rows = source.rowsBytes(order);
  rows.fill(Number.NaN, 7 * source.stride, 8 * source.stride);
  const damaged = new VectorMatrix(dims, 16);
  damaged.appendStored(new Uint8Array(rows.buffer), source.quantizedOf(order));
  // Its own vector is the query that row 7 would answer first.
  const top = damaged.topK(vectors[7]!, 10);
  assert.equal(top.length, 10);
  assert.ok(top.every((t) => t.row !== 7 && Number.isFinite(t.score)), JSON.stringify(top));
  assert.deepEqual(top, source.topK(vectors[7]!, 11).filter((t) => t.row !== 7).slice(0, 10));
});

