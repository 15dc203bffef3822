import { z } from 'zod';

/**
 * One segment of a vector index on disk: a magic word, a JSON header (the embedder's model and
 * dimension, and one entry per vector), then the vectors as little-endian float32 rows, then (format
 * 2) their int8 copies for the first pass of a search, each row's scale first. Segments are small
 * (one memory shard's experiences, or one bucket of files' code), so an update rewrites one segment,
 * never the whole index. The int8 copies are stored because making them was most of opening an
 * index (100k vectors: ~0.4 s of ~1.4 s, every one-shot `coevolve recall` with an embedder).
 * Format 1 (float rows only) is still read, and written again as 2 by the next save.
 */
const MAGIC = Buffer.from('CEVEC\n', 'ascii');
export const SEGMENT_FORMAT = 2 as const;

export interface SegmentItem {
  id: string;
  /** Of the text that was embedded: a changed text is embedded again. */
  hash: string;
  meta: Record<string, string | number>;
}

const headerSchema = z.object({
  format: z.union([z.literal(1), z.literal(SEGMENT_FORMAT)]),
  model: z.string().min(1),
  dimensions: z.number().int().positive(),
  stride: z.number().int().positive(),
  /** Format 2: the width of an int8 row (the search kernel's: the dimensions rounded up to 16). */
  qstride: z.number().int().positive().optional(),
  /** What the segment was built from (a memory shard's revision), so an unchanged source is not read again. */
  source: z.string().optional(),
  // Checked by hand (isItem): a thousand items through zod cost more than reading the vectors.
  items: z.array(z.unknown()),
});

export type SegmentHeader = Omit<z.infer<typeof headerSchema>, 'items'> & { items: SegmentItem[] };

/** A well-formed {@link SegmentItem}: a non-empty id and hash, and a meta of strings and numbers only. */
function isItem(value: unknown): value is SegmentItem {
  if (typeof value !== 'object' || value === null) return false;
  const { id, hash, meta } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || typeof hash !== 'string' || hash === '') return false;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return false;
  for (const key in meta) {
    const field = (meta as Record<string, unknown>)[key];
    if (typeof field !== 'string' && typeof field !== 'number') return false;
  }
  return Object.keys(value).length === 3;
}

export interface Segment {
  header: SegmentHeader;
  /** items.length × stride float32 values, as their bytes. */
  rowBytes: Uint8Array;
  /** Format 2: the int8 copies (items.length × qstride) and each row's scale (the float value of one int8 step). */
  quantized?: Quantized;
}

export interface Quantized {
  scales: Float32Array;
  q8: Int8Array;
}

/** The width of an int8 row for `dimensions`. */
export function quantizedStride(dimensions: number): number {
  return Math.ceil(dimensions / 16) * 16;
}

/** A format-2 segment: `quantized` holds the int8 copies of `rows`, row for row. */
export function encodeSegment(header: SegmentHeader, rows: Float32Array, quantized: Quantized): Buffer {
  const json = Buffer.from(JSON.stringify({ ...header, format: SEGMENT_FORMAT, qstride: quantizedStride(header.dimensions) }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  // Rows start at a multiple of 4 bytes, so they can be read in place.
  const used = MAGIC.length + 4 + json.length;
  const pad = Buffer.alloc((4 - (used % 4)) % 4, 0x20);
  const bytes = (view: ArrayBufferView): Buffer => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return Buffer.concat([MAGIC, length, json, pad, bytes(rows), bytes(quantized.scales), bytes(quantized.q8)]);
}

/** The segment in `bytes`, or why it cannot be used (cut off, garbage, numbers that are not numbers). */
export function decodeSegment(bytes: Buffer): { ok: true; segment: Segment } | { ok: false; problem: string } {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, problem: 'not a vector segment' };
  const length = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (start + length > bytes.length) return { ok: false, problem: 'cut off in its header' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.subarray(start, start + length).toString('utf8'));
  } catch (error) {
    return { ok: false, problem: `a header that is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const checked = headerSchema.safeParse(parsed);
  if (!checked.success || !checked.data.items.every(isItem)) return { ok: false, problem: 'a header of another shape' };
  const header = checked.data as SegmentHeader;
  if (header.stride !== Math.ceil(header.dimensions / 4) * 4) return { ok: false, problem: 'a bad row width' };
  const count = header.items.length;
  const qstride = header.format === 1 ? 0 : header.qstride;
  if (qstride !== 0 && qstride !== quantizedStride(header.dimensions)) return { ok: false, problem: 'a bad int8 row width' };
  const used = start + length;
  const offset = used + ((4 - (used % 4)) % 4);
  const floatBytes = count * header.stride * 4;
  const expected = floatBytes + (qstride ? count * 4 + count * qstride : 0);
  if (bytes.length - offset !== expected) return { ok: false, problem: `${bytes.length - offset} bytes of vectors where ${expected} were expected` };
  const ids = new Set<string>();
  for (const item of header.items) {
    if (ids.has(item.id)) return { ok: false, problem: `the id ${item.id} twice` };
    ids.add(item.id);
  }
  // Views into the file's bytes where they are aligned (a whole file read is), copies where not: the
  // caller copies them once more, into its search memory. The float rows are not checked one by one
  // (that was a sixth of opening 100k vectors): a row a damaged file made NaN scores as no match.
  const floats = floatsAt(bytes, offset, count * header.stride);
  const rowBytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  if (!qstride) return { ok: true, segment: { header, rowBytes } };
  const scales = floatsAt(bytes, offset + floatBytes, count);
  for (const scale of scales) if (!(scale > 0 && Number.isFinite(scale))) return { ok: false, problem: 'int8 scales that are not positive numbers' };
  const q8 = new Int8Array(bytes.buffer, bytes.byteOffset + offset + floatBytes + count * 4, count * qstride);
  return { ok: true, segment: { header, rowBytes, quantized: { scales, q8 } } };
}

/** `count` float32 values at `at` in `bytes`: a view when aligned for one, else a copy. */
function floatsAt(bytes: Buffer, at: number, count: number): Float32Array {
  const byteOffset = bytes.byteOffset + at;
  if (byteOffset % 4 === 0) return new Float32Array(bytes.buffer, byteOffset, count);
  return new Float32Array(new Uint8Array(bytes.subarray(at, at + count * 4)).buffer);
}
