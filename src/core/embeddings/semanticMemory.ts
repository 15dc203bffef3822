import { CoevolveError } from '../errors.ts';
import type { SymbolParser } from '../code/symbolParser.ts';
import type { Embedder } from './embedder.ts';
import { syncCodeVectors } from './codeVectors.ts';
import type { CodeSyncReport } from './codeVectors.ts';
import { syncExperienceVectors } from './experienceVectors.ts';
import type { ExperienceSource, SyncReport } from './experienceVectors.ts';
import { VectorIndex } from './vectorIndex.ts';
import type { WarmSemanticMemory } from './warmSemanticMemory.ts';

/** A point in history to stay before: a first-parent position, a time (epoch seconds), or both (recall's Cutoff). */
export interface SemanticCutoff {
  seq?: number;
  time?: number;
}

export interface SemanticScores {
  /** Past changes by closeness of their intent and code summary to the query, best first. */
  experiences: Array<{ sha: string; score: number }>;
  /** Files by their closest declaration (or file head), best first. */
  files: Array<{ path: string; score: number; closest?: string }>;
  /** Declarations by closeness, best first. */
  symbols: Array<{ path: string; name: string; container?: string; kind: string; score: number }>;
  /** What the user should know: vectors rebuilt, or why the channel was skipped. */
  notes: string[];
}

/** Experiences a query may embed to catch up with memory before answering (about one shard). */
const QUERY_SYNC_LIMIT = 1000;

/** How many code chunks are looked at to rank `k` files (a file has many declarations). */
const CHUNKS_PER_FILE_RESULT = 8;

/**
 * The semantic channel's two vector indexes (experiences, code) for one embedder, with what they
 * had to rebuild on opening. Long-lived callers keep one; a one-shot CLI call opens it per call
 * (reading the segment files, not embedding anything again).
 */
export class SemanticMemory {
  private constructor(
    readonly embedder: Embedder,
    readonly experiences: VectorIndex,
    readonly code: VectorIndex,
    readonly notes: string[],
  ) {}

  static async open(storeDir: string, embedder: Embedder): Promise<SemanticMemory> {
    const model = embedder.model.model;
    const experiences = await VectorIndex.open(storeDir, 'experiences', model);
    const code = await VectorIndex.open(storeDir, 'code', model);
    return new SemanticMemory(embedder, experiences, code, [...experiences.notes, ...code.notes]);
  }

  /** The same vectors queried through another client of the same model (a new key or address). */
  withEmbedder(embedder: Embedder): SemanticMemory {
    return embedder === this.embedder ? this : new SemanticMemory(embedder, this.experiences, this.code, this.notes);
  }

  /** Whether another process saved vectors since these were read (see VectorIndex.changedOnDisk). */
  async changedOnDisk(): Promise<boolean> {
    return (await this.experiences.changedOnDisk()) || (await this.code.changedOnDisk());
  }

  /** Embeds what memory gained or changed since the last sync (nothing, when no shard changed). */
  async syncExperiences(source: ExperienceSource, options: { signal?: AbortSignal; maxEmbed?: number } = {}): Promise<SyncReport> {
    const report = await syncExperienceVectors(this.experiences, source, this.embedder, options);
    this.notes.push(...report.notes);
    return report;
  }

  /** Embeds the declarations of the files that changed in the tree at `revision` since the last sync. */
  async syncCode(root: string, revision: string, parser: SymbolParser | undefined, signal?: AbortSignal): Promise<CodeSyncReport> {
    return syncCodeVectors(this.code, root, revision, parser, this.embedder, signal);
  }

  /**
   * The semantic rankings for `query`: the `k` closest experiences before `before`, and the `k`
   * files and symbols of the closest code. Throws the embedder's typed error; see
   * {@link semanticScores} for the form that turns it into a note.
   */
  async scores(query: string, options: { k?: number; before?: SemanticCutoff; signal?: AbortSignal; withCode?: boolean } = {}): Promise<SemanticScores> {
    const k = options.k ?? 10;
    const notes = [...this.notes];
    if (this.experiences.size === 0 && this.code.size === 0) return { experiences: [], files: [], symbols: [], notes };
    const { vectors } = await this.embedder.embed([query], options.signal);
    const vector = vectors[0]!;
    const before = options.before;
    const allowed = before?.seq === undefined && before?.time === undefined
      ? undefined
      : (_id: string, meta: Record<string, string | number>) => (before.seq === undefined || Number(meta.seq) < before.seq) && (before.time === undefined || Number(meta.time) < before.time);
    const experiences = this.nearest(this.experiences, vector, k, allowed, notes).map((hit) => ({ sha: String(hit.meta.sha), score: hit.score }));
    // The code vectors are of the tree last synced (HEAD after mining): a query about an earlier point leaves them out.
    const chunks = options.withCode === false ? [] : this.nearest(this.code, vector, k * CHUNKS_PER_FILE_RESULT, undefined, notes);
    const files = new Map<string, { path: string; score: number; closest?: string }>();
    const symbols: SemanticScores['symbols'] = [];
    for (const hit of chunks) {
      const path = String(hit.meta.path);
      const name = String(hit.meta.name ?? '');
      const container = hit.meta.container === undefined ? undefined : String(hit.meta.container);
      const label = name ? `${container ? `${container}.` : ''}${name}` : undefined;
      if (!files.has(path)) files.set(path, { path, score: hit.score, ...(label ? { closest: label } : {}) });
      if (name && symbols.length < k) symbols.push({ path, name, kind: String(hit.meta.kind), score: hit.score, ...(container ? { container } : {}) });
    }
    return { experiences, files: [...files.values()].slice(0, k), symbols, notes };
  }

  private nearest(index: VectorIndex, vector: Float32Array, k: number, allow: ((id: string, meta: Record<string, string | number>) => boolean) | undefined, notes: string[]) {
    if (index.size === 0) return [];
    if (index.dimensions !== vector.length) {
      notes.push(`The ${index.name} vectors have ${index.dimensions} dimensions but ${this.embedder.model.model} now returns ${vector.length}; they are rebuilt on the next sync.`);
      return [];
    }
    // Nothing at a cosine of zero or below is close in meaning: in a small memory the k nearest would
    // otherwise include unrelated experiences, each shown as "close in meaning (cosine 0.00)".
    return index.nearest(vector, k, allow).filter((hit) => hit.score > 0);
  }
}

/**
 * The hook for recall: the semantic rankings, or undefined when no embedder is configured (recall
 * is then exactly as before). An embedder that is down, refuses, or answers nonsense does not fail
 * recall: the rankings come back empty with a note saying why, and the lexical channels answer
 * alone. Only a cancel is thrown.
 */
export async function semanticScores(
  query: string,
  options: {
    storeDir: string;
    embedder: Embedder | undefined;
    /** A long-lived caller's opened indexes (otherwise they are opened from the cache for this call). */
    memory?: SemanticMemory;
    /** A long-lived caller's kept indexes, opened again only when their files changed (used when `memory` is not given). */
    warm?: WarmSemanticMemory;
    /** Memory to bring the experience vectors up to date with first (cheap when nothing changed). */
    source?: ExperienceSource;
    k?: number;
    before?: SemanticCutoff;
    /** Rank files and symbols by the code vectors too (default true; false when `before` is earlier than the tree they were synced at). */
    withCode?: boolean;
    signal?: AbortSignal;
  },
): Promise<SemanticScores | undefined> {
  if (!options.embedder) return undefined;
  try {
    const embedder = options.embedder;
    if (options.memory) return await scoresWith(options.memory, query, options);
    if (options.warm) return await options.warm.use(embedder, (memory) => scoresWith(memory, query, options));
    return await scoresWith(await SemanticMemory.open(options.storeDir, embedder), query, options);
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) throw error;
    // The embedder's failures, and a cache refused as unsafe (a link in it), become a note; anything else is a bug to see.
    if (!CoevolveError.is(error) || !(error.reason.startsWith('llm-') || error.reason === 'store-corrupt')) throw error;
    return { experiences: [], files: [], symbols: [], notes: [`Semantic recall was skipped, lexical recall answered alone: ${error.message}`] };
  }
}

async function scoresWith(
  memory: SemanticMemory,
  query: string,
  options: { source?: ExperienceSource; k?: number; before?: SemanticCutoff; withCode?: boolean; signal?: AbortSignal },
): Promise<SemanticScores> {
  const deferredNote: string[] = [];
  if (options.source) {
    // A query does not wait for a whole history to be embedded: that is mining's job (or the next queries').
    const report = await memory.syncExperiences(options.source, { ...(options.signal ? { signal: options.signal } : {}), maxEmbed: QUERY_SYNC_LIMIT });
    if (report.deferred) deferredNote.push(`${report.deferred} shard(s) of memory are not embedded yet; semantic recall used the ${memory.experiences.size} experiences that are.`);
  }
  const { k, before, signal, withCode } = options;
  const scores = await memory.scores(query, { ...(k !== undefined ? { k } : {}), ...(before ? { before } : {}), ...(signal ? { signal } : {}), ...(withCode !== undefined ? { withCode } : {}) });
  return { ...scores, notes: [...scores.notes, ...deferredNote] };
}
