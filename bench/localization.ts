import { execFileSync } from 'node:child_process';
import { recall, recallFileEvidence, fuseFiles } from '../src/core/memory/recall.ts';
import type { FileEvidence, RecallWeights } from '../src/core/memory/recall.ts';
import { openMemoryIndex } from '../src/core/memory/openMemoryIndex.ts';
import { MemoryStore } from '../src/core/memory/store.ts';
import { ContentIndex, isCode } from '../src/core/memory/contentIndex.ts';
import { semanticFromEnv } from './embeddingsLocalization.ts';

export interface Metrics {
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
}

/** One later commit: its message asks, the source and test files it modified (present at the cutoff) answer. */
export interface LocalizationQuery {
  truth: Set<string>;
  /** Per-query hits (see {@link hits}) of recall with memory only, at the shipped weights. */
  memory: number[];
  bm25: number[];
  /** Memory plus code plus the semantic channel, when COEVOLVE_BENCH_EMBEDDER names an embedder. */
  semantic?: number[];
  /** What recall's file fusion reads with the code channel: re-ranked under any weights without querying again. */
  evidence: FileEvidence;
}

/** A corpus split at its cutoff, every query's channels gathered once. */
export interface LocalizationCorpus {
  name: string;
  repo: string;
  commits: number;
  cutoffSeq: number;
  /** Files in the code index at the cutoff. */
  codeFiles: number;
  queries: LocalizationQuery[];
  embedder?: string;
}

/**
 * Splits the mined history at a cutoff. Every later commit's message is a query and the files it
 * modified (that existed at the cutoff) are the truth. Ours: recall with memory before the cutoff,
 * alone and with the code at the cutoff as a channel. Baseline: BM25 (MiniSearch) over the contents
 * of every file at the cutoff. The code channel's evidence is kept so {@link rowsUnder} can fuse it
 * under any weights (bench/localizationFit.ts fits them leaving the corpus out).
 */
export async function collectLocalization(name: string, repoDir: string, storeDir: string, options: { cutoffFraction?: number; maxQueries?: number } = {}): Promise<LocalizationCorpus> {
  const store = await MemoryStore.open(storeDir);
  // The engine the store would get (COEVOLVE_MEMORY_ENGINE=sqlite measures the disk engine on a small corpus).
  const index = await openMemoryIndex(store);
  const all = (await store.loadAll()).sort((a, b) => a.seq - b.seq);
  const cutoff = all[Math.floor(all.length * (options.cutoffFraction ?? 0.7)) - 1]!;
  const existing = listFiles(repoDir, cutoff.sha);
  const code = await ContentIndex.build(repoDir, cutoff.sha);
  const semantic = await semanticFromEnv(repoDir, store, index, cutoff);
  const before = { seq: cutoff.seq + 1 };
  const later = all.filter((e) => e.seq > cutoff.seq).slice(0, options.maxQueries ?? 400);
  const queries: LocalizationQuery[] = [];
  for (const experience of later) {
    const truth = new Set(
      experience.files
        .filter((f) => f.status !== 'added' && (f.category === 'source' || f.category === 'test') && existing.has(f.oldPath ?? f.path))
        .map((f) => f.oldPath ?? f.path),
    );
    if (truth.size === 0) continue;
    const text = `${experience.intent.subject}\n${experience.intent.body}`;
    // Both rankings are judged on code files: the truth holds only source and test files.
    const memory = hits(topCode(recall(index, text, { k: 30, before }).files.map((f) => f.path)), truth);
    const bm25 = hits(code.query(text, 10).map((r) => r.path), truth);
    const query: LocalizationQuery = { truth, memory, bm25, evidence: recallFileEvidence(index, text, { before, content: code }) };
    if (semantic) {
      const result = await semantic.fuse(text, recall(index, text, { k: 30, before, content: code }), 30);
      query.semantic = hits(topCode(result.files.map((f) => f.path)), truth);
    }
    queries.push(query);
  }
  return {
    name,
    repo: repoDir,
    commits: all.length,
    cutoffSeq: cutoff.seq,
    codeFiles: code.size,
    queries,
    ...(semantic ? { embedder: semantic.embedder } : {}),
  };
}

/** Per-query hits of recall with the code channel, fused under `weights`. */
export function rowsUnder(corpus: LocalizationCorpus, weights: RecallWeights): number[][] {
  return corpus.queries.map((q) => hits(topCode(fuseFiles(q.evidence, weights, 30).map((f) => f.path)), q.truth));
}

/** What a perfect ranking scores: R@k is capped by min(k, |truth|) / |truth|, MRR by 1. */
export function ceilingRows(corpus: LocalizationCorpus): number[][] {
  return corpus.queries.map((q) => hits([...q.truth], q.truth));
}

function topCode(paths: string[]): string[] {
  return paths.filter(isCode).slice(0, 10);
}

/** Per query: [hits in top 1, top 5, top 10, |truth|, rank of first hit or 0]. */
export function hits(ranked: string[], truth: Set<string>): number[] {
  const at = (k: number) => ranked.slice(0, k).filter((p) => truth.has(p)).length;
  const first = ranked.findIndex((p) => truth.has(p));
  return [at(1), at(5), at(10), truth.size, first === -1 ? 0 : 1 / (first + 1)];
}

/** Each query's value of a metric: R@k is the share of its truth found in the top k. */
export const METRIC_OF: Record<keyof Metrics, (row: number[]) => number> = {
  recallAt1: (r) => r[0]! / r[3]!,
  recallAt5: (r) => r[1]! / r[3]!,
  recallAt10: (r) => r[2]! / r[3]!,
  mrr: (r) => r[4]!,
};

export function summarize(rows: number[][]): Metrics {
  const mean = (f: (row: number[]) => number) => rows.reduce((sum, row) => sum + f(row), 0) / Math.max(1, rows.length);
  return { recallAt1: mean(METRIC_OF.recallAt1), recallAt5: mean(METRIC_OF.recallAt5), recallAt10: mean(METRIC_OF.recallAt10), mrr: mean(METRIC_OF.mrr) };
}

function listFiles(repoDir: string, sha: string): Set<string> {
  const out = execFileSync('git', ['-c', 'core.quotePath=false', 'ls-tree', '-r', '-z', '--name-only', sha], { cwd: repoDir, maxBuffer: 1 << 28 }).toString('utf8');
  return new Set(out.split('\0').filter(Boolean));
}
