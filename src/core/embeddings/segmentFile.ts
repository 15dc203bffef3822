import { z } from 'zod';

/**
 * One segment of a vector index on disk: a magic word, a JSON header (the embedder's model and
 * dimension, and one entry per vector), then the vectors as little-endian float32 rows. Segments
 * are small (one memory shard's experiences, or one bucket of files' code), so an update rewrites
 * one segment, never the whole index.
 */
const MAGIC = Buffer.from('CEVEC\n', 'ascii');
export const SEGMENT_FORMAT = 1 as const;

export interface SegmentItem {
  id: string;
  /** Of the text that was embedded: a changed text is embedded again. */
  hash: string;
  meta: Record<string, string | number>;
}

const headerSchema = z.object({
  format: z.literal(SEGMENT_FORMAT),
  model: z.string().min(1),
  dimensions: z.number().int().positive(),
  stride: z.number().int().positive(),
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
  /** items.length × stride floats. */
  rows: Float32Array;
}

export function encodeSegment(header: SegmentHeader, rows: Float32Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  // Rows start at a multiple of 4 bytes, so they can be read in place.
  const used = MAGIC.length + 4 + json.length;
  const pad = Buffer.alloc((4 - (used % 4)) % 4, 0x20);
  return Buffer.concat([MAGIC, length, json, pad, Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength)]);
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
  const used = start + length;
  const offset = used + ((4 - (used % 4)) % 4);
  const expected = header.items.length * header.stride * 4;
  if (bytes.length - offset !== expected) return { ok: false, problem: `${bytes.length - offset} bytes of vectors where ${expected} were expected` };
  // A copy: the file's buffer may not be aligned for a Float32Array view.
  const rows = new Float32Array(header.items.length * header.stride);
  new Uint8Array(rows.buffer).set(bytes.subarray(offset));
  // One NaN or infinity makes the sum so (the rows are unit vectors: a finite sum cannot overflow).
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += rows[i]!;
  if (!Number.isFinite(sum)) return { ok: false, problem: 'vectors that are not finite numbers' };
  const ids = new Set<string>();
  for (const item of header.items) {
    if (ids.has(item.id)) return { ok: false, problem: `the id ${item.id} twice` };
    ids.add(item.id);
  }
  return { ok: true, segment: { header, rows } };
}
