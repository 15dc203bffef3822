import { lstat, readdir, rm } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { readStoreBytes, writeStoreFile } from '../store/storeFile.ts';
import { storePath } from '../store/storePath.ts';
import { lstatIfPresent } from '../util/fsProbe.ts';
import { decodeSegment, encodeSegment, quantizedStride, SEGMENT_FORMAT } from './segmentFile.ts';
import type { SegmentItem } from './segmentFile.ts';
import { VectorMatrix } from './vectorMatrix.ts';

/** Where the vectors live, relative to the store: derived, per machine (cache/ is git-ignored). */
export const EMBEDDINGS_CACHE = ['cache', 'embeddings'] as const;

export type Meta = SegmentItem['meta'];

export interface Hit {
  id: string;
  score: number;
  meta: Meta;
}

interface Entry {
  row: number;
  segment: string;
  hash: string;
  meta: Meta;
}

const SEGMENT_NAME = /^[a-z0-9-]{1,40}$/;

/**
 * A named set of vectors (experiences, or code chunks) for one embedder model, kept in segment
 * files under `<store>/cache/embeddings/<name>/` and in one {@link VectorMatrix} in memory. Vectors
 * of another model or dimension are never mixed in: finding them, the index starts empty (and
 * says so in `notes`), and the caller embeds again. A damaged segment is dropped the same way.
 */
export class VectorIndex {
  readonly notes: string[] = [];
  private matrix: VectorMatrix | undefined;
  private readonly entries = new Map<string, Entry>();
  private rowIds: string[] = [];
  private readonly sources = new Map<string, string>();
  private readonly dirty = new Set<string>();
  /** Each segment file as this index last read or wrote it (`size:mtime`): see {@link changedOnDisk}. */
  private readonly onDisk = new Map<string, string>();

  private constructor(
    private readonly storeDir: string,
    readonly name: string,
    readonly model: string,
    private dims: number | undefined,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Undefined until the first vector (its length decides). */
  get dimensions(): number | undefined {
    return this.dims;
  }

  /** True when the SIMD kernel scans this index (false: the JavaScript fallback). */
  get simd(): boolean {
    return this.matrix?.simd ?? false;
  }

  /** Opens the index of `model` from its segment files (an absent folder is an empty index). */
  static async open(storeDir: string, name: string, model: string): Promise<VectorIndex> {
    if (!SEGMENT_NAME.test(name)) throw new CoevolveError('bad-input', `Not a vector index name: ${name}`);
    const index = new VectorIndex(storeDir, name, model, undefined);
    const states = await segmentFileStates(storeDir, name);
    const files = [...states.keys()].sort();
    const stale: string[] = [];
    let otherModel: string | undefined;
    // The matrix is made once for all the rows the files can hold (growing it copies what it holds).
    const fileBytes = [...states.values()].reduce((sum, state) => sum + Number(state.split(':')[0]), 0);
    // One buffer for every segment's bytes: each is copied into the matrix before the next is read.
    let scratch = Buffer.alloc(0);
    const into = (size: number): Buffer => (scratch.length >= size ? scratch : (scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2))));
    for (const file of files) {
      const segment = file.slice(0, -'.vec'.length);
      const path = await storePath(storeDir, ...EMBEDDINGS_CACHE, name, file);
      index.onDisk.set(file, states.get(file)!);
      const bytes = SEGMENT_NAME.test(segment) ? await readStoreBytes(path, into) : undefined;
      const decoded = bytes ? decodeSegment(bytes) : { ok: false as const, problem: 'not a segment of this index' };
      if (!decoded.ok) {
        index.notes.push(`The ${name} vectors in ${file} could not be read (${decoded.problem}); they are embedded again.`);
        stale.push(path);
        continue;
      }
      const { header, rowBytes, quantized } = decoded.segment;
      const empty = header.items.length === 0;
      if (header.model !== model || (!empty && index.dims !== undefined && header.dimensions !== index.dims)) {
        otherModel ??= `${header.model}, ${header.dimensions} dimensions`;
        stale.push(path);
        continue;
      }
      if (header.items.some((item) => index.entries.has(item.id))) {
        index.notes.push(`The ${name} vectors in ${file} repeat ones of another segment; they are embedded again.`);
        stale.push(path);
        continue;
      }
      if (!empty) {
        index.dims ??= header.dimensions;
        index.ensureMatrix(header.dimensions, Math.max(header.items.length, Math.ceil(fileBytes / (header.stride * 4 + 4 + quantizedStride(header.dimensions)))));
        const first = index.matrix!.appendStored(rowBytes, quantized);
        // A segment of format 1 (no int8 copies) is written as the current format by the next save.
        if (header.format !== SEGMENT_FORMAT) index.dirty.add(segment);
        header.items.forEach((item, i) => {
          index.entries.set(item.id, { row: first + i, segment, hash: item.hash, meta: item.meta });
          index.rowIds[first + i] = item.id;
        });
      }
      if (header.source !== undefined) index.sources.set(segment, header.source);
    }
    if (otherModel) index.notes.push(`The ${name} vectors were made by another embedder (${otherModel}); they are rebuilt for ${model}.`);
    // Removed now, so a stale file cannot come back if its segment ends up empty and is never rewritten.
    for (const path of stale) {
      await rm(path, { force: true });
      index.onDisk.delete(basename(path));
    }
    return index;
  }

  /**
   * Whether the segment files are no longer those this index read or wrote: another process (a
   * `coevolve mine`) saved vectors since. A long-lived caller then opens the index again.
   */
  async changedOnDisk(): Promise<boolean> {
    const now = await segmentFileStates(this.storeDir, this.name);
    if (now.size !== this.onDisk.size) return true;
    for (const [file, state] of now) if (this.onDisk.get(file) !== state) return true;
    return false;
  }

  has(id: string, hash: string): boolean {
    return this.entries.get(id)?.hash === hash;
  }

  meta(id: string): Meta | undefined {
    return this.entries.get(id)?.meta;
  }

  /** Ids stored in `segment`. */
  idsIn(segment: string): string[] {
    return [...this.entries].filter(([, e]) => e.segment === segment).map(([id]) => id);
  }

  ids(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Every segment that holds vectors or a recorded source. */
  segments(): Set<string> {
    const names = new Set(this.sources.keys());
    for (const entry of this.entries.values()) names.add(entry.segment);
    return names;
  }

  /** Forgets a segment's vectors and source; its file is removed on the next save. */
  dropSegment(segment: string): number {
    const ids = this.idsIn(segment);
    for (const id of ids) this.remove(id);
    this.sources.delete(segment);
    this.dirty.add(segment);
    return ids.length;
  }

  /** What `segment` was last built from (see {@link setSource}). */
  source(segment: string): string | undefined {
    return this.sources.get(segment);
  }

  setSource(segment: string, source: string): void {
    this.checkSegment(segment);
    if (this.sources.get(segment) !== source) this.dirty.add(segment);
    this.sources.set(segment, source);
  }

  /**
   * Adds or replaces `id`. A vector of another dimension than the index's is refused: the caller
   * rebuilds with {@link clear} (the embedder changed its output without changing its name).
   */
  put(id: string, segment: string, hash: string, meta: Meta, vector: ArrayLike<number>): void {
    this.checkSegment(segment);
    if (this.dims !== undefined && vector.length !== this.dims) {
      throw new CoevolveError('llm-bad-output', `The embedder returned ${vector.length} dimensions where the ${this.name} index holds ${this.dims}.`);
    }
    this.remove(id);
    this.dims ??= vector.length;
    this.ensureMatrix(vector.length, 1);
    const row = this.matrix!.append(vector);
    this.rowIds[row] = id;
    this.entries.set(id, { row, segment, hash, meta });
    this.dirty.add(segment);
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.dirty.add(entry.segment);
    const moved = this.matrix!.removeSwap(entry.row);
    if (moved !== undefined) {
      const movedId = this.rowIds[moved]!;
      this.rowIds[entry.row] = movedId;
      this.entries.get(movedId)!.row = entry.row;
    }
    this.rowIds.length = this.matrix!.count;
  }

  /** Forgets every vector (a new dimension): all segments are rewritten on the next save. */
  clear(): void {
    for (const entry of this.entries.values()) this.dirty.add(entry.segment);
    for (const segment of this.sources.keys()) this.dirty.add(segment);
    this.entries.clear();
    this.sources.clear();
    this.rowIds = [];
    this.matrix = undefined;
    this.dims = undefined;
  }

  /** The `k` nearest ids to `vector` (cosine, best first) among those `allow` accepts. */
  nearest(vector: ArrayLike<number>, k: number, allow?: (id: string, meta: Meta) => boolean): Hit[] {
    if (!this.matrix || this.dims === undefined) return [];
    if (vector.length !== this.dims) {
      throw new CoevolveError('llm-bad-output', `The query's vector has ${vector.length} dimensions where the ${this.name} index holds ${this.dims}.`);
    }
    const filter = allow ? (row: number) => { const id = this.rowIds[row]!; return allow(id, this.entries.get(id)!.meta); } : undefined;
    return this.matrix.topK(vector, k, filter).map(({ row, score }) => {
      const id = this.rowIds[row]!;
      return { id, score, meta: this.entries.get(id)!.meta };
    });
  }

  /** Writes the segments changed since the last save (one file each, atomically); an emptied segment's file is removed. */
  async save(): Promise<number> {
    if (this.dirty.size === 0) return 0;
    const bySegment = new Map<string, string[]>();
    for (const [id, entry] of this.entries) if (this.dirty.has(entry.segment)) (bySegment.get(entry.segment) ?? bySegment.set(entry.segment, []).get(entry.segment)!).push(id);
    let written = 0;
    for (const segment of this.dirty) {
      const path = await storePath(this.storeDir, ...EMBEDDINGS_CACHE, this.name, `${segment}.vec`);
      const ids = bySegment.get(segment) ?? [];
      const source = this.sources.get(segment);
      if (ids.length === 0 && source === undefined) {
        await rm(path, { force: true });
        this.onDisk.delete(`${segment}.vec`);
        continue;
      }
      const items = ids.map((id) => {
        const e = this.entries.get(id)!;
        return { id, hash: e.hash, meta: e.meta };
      });
      const dims = this.dims ?? 1;
      const matrix = this.matrix;
      const rowNumbers = ids.map((id) => this.entries.get(id)!.row);
      const rows = matrix ? matrix.rowsBytes(rowNumbers) : new Float32Array(0);
      const quantized = matrix ? matrix.quantizedOf(rowNumbers) : { scales: new Float32Array(0), q8: new Int8Array(0) };
      const header = { format: SEGMENT_FORMAT, model: this.model, dimensions: dims, stride: matrix?.stride ?? Math.ceil(dims / 4) * 4, items, ...(source !== undefined ? { source } : {}) };
      await writeStoreFile(path, encodeSegment(header, rows, quantized));
      // Recorded as ours: a write by another process in the moment between is taken for this one (it is rewritten on its next change).
      this.onDisk.set(`${segment}.vec`, stateOf(await lstat(path)));
      written++;
    }
    this.dirty.clear();
    return written;
  }

  private ensureMatrix(dimensions: number, rows: number): void {
    if (!this.matrix) this.matrix = new VectorMatrix(dimensions, Math.max(1024, rows));
  }

  private checkSegment(segment: string): void {
    if (!SEGMENT_NAME.test(segment)) throw new CoevolveError('bad-input', `Not a segment name: ${segment}`);
  }
}

/** The `.vec` files of one index, each as `size:mtime` (an absent folder: none). Links are kept as themselves and refused when read. */
async function segmentFileStates(storeDir: string, name: string): Promise<Map<string, string>> {
  const dir = await storePath(storeDir, ...EMBEDDINGS_CACHE, name);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.vec'));
  } catch (error) {
    // No folder yet: nothing embedded. Anything else (a file in its place, no permission) is real.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const states = await Promise.all(files.map((file) => lstatIfPresent(join(dir, file))));
  const out = new Map<string, string>();
  files.forEach((file, i) => {
    const info = states[i];
    if (info) out.set(file, stateOf(info));
  });
  return out;
}

function stateOf(info: Stats): string {
  return `${info.size}:${info.mtimeMs}`;
}
