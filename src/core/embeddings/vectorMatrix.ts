import { jsDots, newWasmMemory, simdKernels, WASM_PAGE } from './dotKernel.ts';
import type { Kernels, WasmMemory } from './dotKernel.ts';
import { quantizedStride } from './segmentFile.ts';
import type { Quantized } from './segmentFile.ts';

export interface Scored {
  row: number;
  score: number;
}

/**
 * How a query scans the rows. `int8` (the default): a first pass over int8 copies of the rows in
 * WebAssembly SIMD, then the best candidates scored exactly on the float32 rows — a quarter of the
 * memory read per query. `f32`: every row in float32, SIMD. `js`: every row in float32, plain
 * JavaScript (the fallback where WebAssembly SIMD is missing, and the bench's baseline).
 */
export type ScanMode = 'int8' | 'f32' | 'js';

/** Candidates the int8 pass hands to exact scoring, per result asked for (and at least MIN_CANDIDATES). */
const CANDIDATES_PER_RESULT = 4;
const MIN_CANDIDATES = 64;
/** The query's int16 range: small enough that no sum of products can overflow an int32 lane. */
const QUERY_SCALE = 8191;

/**
 * Unit-length vectors searched by brute-force dot product (cosine, as they are normalized). Chosen
 * over an embedded vector database by `npm run bench -- --only embeddings`: no native module, exact
 * scores for what it returns, and a scan of 100k × 768 within the 50 ms bar.
 * Rows are removed by moving the last row into the gap, so row numbers are not stable: the owner
 * keeps its own id ↔ row map (see {@link VectorIndex}).
 */
export class VectorMatrix {
  /** Dimensions as stored: the model's, rounded up to a multiple of 4 for the kernel (the padding is zeros). */
  readonly stride: number;
  private memory: WasmMemory;
  private heap: Float32Array;
  private kernels: Kernels | undefined;
  private rows = 0;
  readonly mode: ScanMode;
  /** The int8 copies (int8 mode): rows of `qstride` bytes, then the int16 query, then one score per row. */
  private readonly qstride: number;
  private qmemory: WasmMemory | undefined;
  private q8 = new Int8Array(0);
  private qkernels: Kernels | undefined;
  /** Per row: the float value of one int8 step. */
  private scales = new Float32Array(0);

  constructor(
    readonly dimensions: number,
    capacity = 1024,
    mode: ScanMode = 'int8',
  ) {
    this.stride = Math.ceil(dimensions / 4) * 4;
    this.qstride = quantizedStride(dimensions);
    this.memory = newWasmMemory(this.bytesFor(capacity));
    this.heap = new Float32Array(this.memory.buffer);
    this.kernels = mode === 'js' ? undefined : simdKernels(this.memory);
    this.mode = this.kernels ? mode : 'js';
    if (this.mode === 'int8') {
      this.qmemory = newWasmMemory(this.qbytesFor(capacity));
      this.q8 = new Int8Array(this.qmemory.buffer);
      this.qkernels = simdKernels(this.qmemory);
      this.scales = new Float32Array(capacity);
    }
  }

  get count(): number {
    return this.rows;
  }

  /** True when a SIMD kernel runs the scans (false: the JavaScript loop). */
  get simd(): boolean {
    return this.mode !== 'js';
  }

  /** Appends `vector` normalized to unit length; returns its row. A zero vector stays zero (it matches nothing). */
  append(vector: ArrayLike<number>): number {
    if (vector.length !== this.dimensions) throw new RangeError(`expected ${this.dimensions} dimensions, got ${vector.length}`);
    this.reserve(this.rows + 1);
    const at = this.rows * this.stride;
    let norm = 0;
    for (let j = 0; j < vector.length; j++) norm += vector[j]! * vector[j]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < vector.length; j++) this.heap[at + j] = vector[j]! * scale;
    this.heap.fill(0, at + this.dimensions, at + this.stride);
    this.quantizeRows(this.rows, this.rows + 1);
    return this.rows++;
  }

  /**
   * Appends rows already normalized and padded to the stride (as {@link rowsBytes} wrote them), as
   * their bytes, with their int8 copies and scales where the segment kept them ({@link quantizedOf}).
   */
  appendStored(rowBytes: Uint8Array, quantized?: Quantized): number {
    const count = rowBytes.length / (this.stride * 4);
    if (!Number.isInteger(count)) throw new RangeError('stored rows are not a whole number of vectors');
    this.reserve(this.rows + count);
    new Uint8Array(this.memory.buffer).set(rowBytes, this.rows * this.stride * 4);
    const first = this.rows;
    this.rows += count;
    if (this.mode !== 'int8') return first;
    if (quantized && quantized.scales.length === count && quantized.q8.length === count * this.qstride) {
      this.reserveQ(this.qbytesFor(this.rows));
      this.growScales(this.rows);
      this.q8.set(quantized.q8, first * this.qstride);
      this.scales.set(quantized.scales, first);
    } else {
      this.quantizeRows(first, this.rows);
    }
    return first;
  }

  /** The int8 copies and scales of `rows`, in that order (for writing a segment file). */
  quantizedOf(rows: readonly number[]): Quantized {
    const q8 = new Int8Array(rows.length * this.qstride);
    const scales = new Float32Array(rows.length);
    if (this.mode === 'int8') {
      rows.forEach((row, i) => {
        q8.set(this.q8.subarray(row * this.qstride, (row + 1) * this.qstride), i * this.qstride);
        scales[i] = this.scales[row]!;
      });
    } else {
      // Without the SIMD kernel no int8 copies are kept: made here, so the file serves a machine that has it.
      rows.forEach((row, i) => quantizeRow(this.heap, row * this.stride, this.dimensions, q8, i * this.qstride, this.qstride, scales, i));
    }
    return { scales, q8 };
  }

  /** Removes `row` by moving the last row into it; returns the row number that moved (or undefined when none did). */
  removeSwap(row: number): number | undefined {
    if (row < 0 || row >= this.rows) throw new RangeError(`no row ${row}`);
    const last = this.rows - 1;
    this.rows--;
    if (row === last) return undefined;
    this.heap.copyWithin(row * this.stride, last * this.stride, (last + 1) * this.stride);
    if (this.mode === 'int8') {
      this.q8.copyWithin(row * this.qstride, last * this.qstride, (last + 1) * this.qstride);
      this.scales[row] = this.scales[last]!;
    }
    return last;
  }

  /** A copy of the stored (normalized, padded) row. */
  row(row: number): Float32Array {
    return this.heap.slice(row * this.stride, (row + 1) * this.stride);
  }

  /**
   * The `k` rows most similar to `query` (cosine), best first, with exact scores. `allow` (when
   * given) is asked per row that could make the list, not per row scanned.
   */
  topK(query: ArrayLike<number>, k: number, allow?: (row: number) => boolean): Scored[] {
    if (query.length !== this.dimensions) throw new RangeError(`expected ${this.dimensions} dimensions, got ${query.length}`);
    if (this.rows === 0 || k <= 0) return [];
    if (this.mode !== 'int8') return best(this.scan(query), k, allow);
    // int8 pass: approximate scores, then the float32 rows of the best candidates decide.
    const candidates = best(this.scanInt8(query), Math.max(k * CANDIDATES_PER_RESULT, MIN_CANDIDATES), allow);
    const unit = this.unitQuery(query);
    const exact = candidates.map(({ row }) => {
      const at = row * this.stride;
      let score = 0;
      for (let j = 0; j < this.dimensions; j++) score += this.heap[at + j]! * unit[j]!;
      return { row, score };
    });
    // A row that is not numbers (a damaged vector file; they are not checked on open) matches nothing.
    return exact.filter((e) => Number.isFinite(e.score)).sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
  }

  private unitQuery(query: ArrayLike<number>): Float32Array {
    let norm = 0;
    for (let j = 0; j < query.length; j++) norm += query[j]! * query[j]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const unit = new Float32Array(this.dimensions);
    for (let j = 0; j < query.length; j++) unit[j] = query[j]! * scale;
    return unit;
  }

  /** Approximate scores of every row from the int8 copies. */
  private scanInt8(query: ArrayLike<number>): Float32Array {
    const queryAt = this.rows * this.qstride;
    const outAt = queryAt + this.qstride * 2;
    this.reserveQ(outAt + this.rows * 4);
    let max = 0;
    for (let j = 0; j < query.length; j++) max = Math.max(max, Math.abs(query[j]!));
    const step = max > 0 ? max / QUERY_SCALE : 1;
    const q16 = new Int16Array(this.qmemory!.buffer, queryAt, this.qstride);
    for (let j = 0; j < query.length; j++) q16[j] = Math.round(query[j]! / step);
    q16.fill(0, this.dimensions);
    this.qkernels!.dotsI8(0, queryAt, this.rows, this.qstride, outAt);
    const scores = new Float32Array(this.qmemory!.buffer, outAt, this.rows);
    // Each row's own step; the query's is the same for all rows and cannot change the order.
    for (let row = 0; row < this.rows; row++) scores[row] = scores[row]! * this.scales[row]!;
    return scores;
  }

  /**
   * The int8 copies of rows `first` up to `end`. One pass with local views: opening 100k stored
   * vectors of format 1 spends most of its time here (per-row property loads made it 5x slower).
   */
  private quantizeRows(first: number, end: number): void {
    if (this.mode !== 'int8' || end <= first) return;
    this.reserveQ(this.qbytesFor(end));
    this.growScales(end);
    const { heap, q8, scales, dimensions, stride, qstride } = this;
    for (let row = first; row < end; row++) quantizeRow(heap, row * stride, dimensions, q8, row * qstride, qstride, scales, row);
  }

  private growScales(rows: number): void {
    if (rows <= this.scales.length) return;
    const grown = new Float32Array(Math.max(rows, this.scales.length * 2));
    grown.set(this.scales);
    this.scales = grown;
  }

  /** The dot product of the normalized query with every row. */
  private scan(query: ArrayLike<number>): Float32Array {
    const queryAt = this.rows * this.stride * 4;
    const outAt = queryAt + this.stride * 4;
    this.reserveBytes(outAt + this.rows * 4);
    const q0 = queryAt >> 2;
    let norm = 0;
    for (let j = 0; j < query.length; j++) norm += query[j]! * query[j]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < query.length; j++) this.heap[q0 + j] = query[j]! * scale;
    this.heap.fill(0, q0 + this.dimensions, q0 + this.stride);
    if (this.kernels) this.kernels.dots(0, queryAt, this.rows, this.stride, outAt);
    else jsDots(this.heap, 0, queryAt, this.rows, this.stride, outAt);
    return this.heap.subarray(outAt >> 2, (outAt >> 2) + this.rows);
  }

  /** The stored rows of `rows`, in that order, as one block (for writing a segment file). */
  rowsBytes(rows: readonly number[]): Float32Array {
    const out = new Float32Array(rows.length * this.stride);
    rows.forEach((row, i) => out.set(this.heap.subarray(row * this.stride, (row + 1) * this.stride), i * this.stride));
    return out;
  }

  private bytesFor(rows: number): number {
    // Room for the rows plus a query and one score per row, which scans place after them.
    return rows * this.stride * 4 + this.stride * 4 + rows * 4 + 16;
  }

  private qbytesFor(rows: number): number {
    // int8 rows, the int16 query, one f32 score per row.
    return rows * this.qstride + this.qstride * 2 + rows * 4 + 16;
  }

  private reserve(rows: number): void {
    this.reserveBytes(this.bytesFor(rows));
  }

  private reserveQ(bytes: number): void {
    const memory = this.qmemory!;
    const have = memory.buffer.byteLength;
    if (bytes > have) {
      memory.grow(Math.ceil((Math.max(bytes, Math.floor(have * 1.5)) - have) / WASM_PAGE));
      this.q8 = new Int8Array(memory.buffer);
    }
  }

  private reserveBytes(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    // Grow by half again at least, so appends one by one stay amortized O(1).
    const want = Math.max(bytes, Math.floor(have * 1.5));
    this.memory.grow(Math.ceil((want - have) / WASM_PAGE));
    // Growing detaches every view of the old buffer.
    this.heap = new Float32Array(this.memory.buffer);
  }
}

/** The `k` best rows by `scores` (allowed ones only), best first; ties keep the lower row first. */
function best(scores: Float32Array, k: number, allow?: (row: number) => boolean): Scored[] {
  // A small sorted list: k is tens, a full sort of 100k scores would cost more than the scan.
  const out: Scored[] = [];
  let floor = -Infinity;
  for (let row = 0; row < scores.length; row++) {
    const score = scores[row]!;
    if (out.length === k && score <= floor) continue;
    if (allow && !allow(row)) continue;
    let at = out.length;
    while (at > 0 && out[at - 1]!.score < score) at--;
    out.splice(at, 0, { row, score });
    if (out.length > k) out.pop();
    if (out.length === k) floor = out[k - 1]!.score;
  }
  return out;
}

/** Row `row` of `heap` (at `from`, already normalized) as int8 at `to` in `q8`, scaled to its largest component. */
function quantizeRow(heap: Float32Array, from: number, dimensions: number, q8: Int8Array, to: number, qstride: number, scales: Float32Array, scaleAt: number): void {
  let max = 0;
  for (let j = 0; j < dimensions; j++) {
    const value = heap[from + j]!;
    const magnitude = value < 0 ? -value : value;
    if (magnitude > max) max = magnitude;
  }
  const step = max > 0 ? max / 127 : 1;
  const inverse = 1 / step;
  for (let j = 0; j < dimensions; j++) q8[to + j] = Math.round(heap[from + j]! * inverse);
  q8.fill(0, to + dimensions, to + qstride);
  scales[scaleAt] = step;
}
