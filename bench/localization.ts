import { execFileSync } from 'node:child_process';
import { recall } from '../src/core/memory/recall.ts';
import { RecallIndex } from '../src/core/memory/recallIndex.ts';
import { MemoryStore } from '../src/core/memory/store.ts';
import { ContentIndex, isCode } from '../src/core/memory/contentIndex.ts';
import { seededRandom } from '../src/core/memory/seededRandom.ts';
import { percentile } from './stats.ts';
import { semanticFromEnv } from './embeddingsLocalization.ts';

export interface Metrics {
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrr: number;
}

export interface LocalizationReport {
  repo: string;
  commits: number;
  cutoffSeq: number;
  queries: number;
  ours: Metrics;
  /** Ours with the code at the cutoff as one more channel. */
  oursWithContent: Metrics;
  bm25: Metrics;
  /** --content fused with the semantic channel, when COEVOLVE_BENCH_EMBEDDER names an embedder. */
  oursWithSemantic?: Metrics;
  embedder?: string;
  /** What a perfect ranking scores: R@k is capped by min(k, |truth|) / |truth|, MRR by 1. */
  ceiling: Metrics;
  /**
   * 95% interval of MRR(--content) / MRR(BM25) over the queries (paired bootstrap, seeded): how far
   * the ratio could move with another sample of the same number of queries.
   */
  mrrRatioInterval: [number, number];
}


/**
 * Splits the mined history at a cutoff. Every later commit's message is a query and the files it
 * modified (that existed at the cutoff) are the truth. Ours: recall with memory before the cutoff.
 * Baseline: BM25 (MiniSearch) over the contents of every file at the cutoff.
 */
export async function measureLocalization(repoDir: string, storeDir: string, options: { cutoffFraction?: number; maxQueries?: number } = {}): Promise<LocalizationReport> {
  const store = await MemoryStore.open(storeDir);
  const index = await RecallIndex.load(store);
  const all = (await store.loadAll()).sort((a, b) => a.seq - b.seq);
  const cutoff = all[Math.floor(all.length * (options.cutoffFraction ?? 0.7)) - 1]!;
  const existing = listFiles(repoDir, cutoff.sha);
  const baseline = await ContentIndex.build(repoDir, cutoff.sha);
  const semantic = await semanticFromEnv(repoDir, store, index, cutoff);
  const withSemantic: number[][] = [];
  const later = all.filter((e) => e.seq > cutoff.seq).slice(0, options.maxQueries ?? 400);
  const ours: number[][] = [];
  const fused: number[][] = [];
  const bm25: number[][] = [];
  const perfect: number[][] = [];
  let queries = 0;
  for (const experience of later) {
    const truth = new Set(
      experience.files
        .filter((f) => f.status !== 'added' && (f.category === 'source' || f.category === 'test') && existing.has(f.oldPath ?? f.path))
        .map((f) => f.oldPath ?? f.path),
    );
    if (truth.size === 0) continue;
    const text = `${experience.intent.subject}\n${experience.intent.body}`;
    // Both rankings are judged on code files: the truth holds only source and test files.
    const mine = recall(index, text, { k: 30, before: { seq: cutoff.seq + 1 } })
      .files.map((f) => f.path)
      .filter(isCode)
      .slice(0, 10);
    const withContent = recall(index, text, { k: 30, before: { seq: cutoff.seq + 1 }, content: baseline })
      .files.map((f) => f.path)
      .filter(isCode)
      .slice(0, 10);
    const theirs = baseline.query(text, 10).map((r) => r.path);
    if (semantic) {
      const result = await semantic.fuse(text, recall(index, text, { k: 30, before: { seq: cutoff.seq + 1 }, content: baseline }), 30);
      withSemantic.push(hits(result.files.map((f) => f.path).filter(isCode).slice(0, 10), truth));
    }
    ours.push(hits(mine, truth));
    fused.push(hits(withContent, truth));
    bm25.push(hits(theirs, truth));
    perfect.push(hits([...truth], truth));
    queries++;
  }
  return {
    repo: repoDir,
    commits: all.length,
    cutoffSeq: cutoff.seq,
    queries,
    ours: summarize(ours),
    oursWithContent: summarize(fused),
    bm25: summarize(bm25),
    ...(semantic ? { oursWithSemantic: summarize(withSemantic), embedder: semantic.embedder } : {}),
    ceiling: summarize(perfect),
    mrrRatioInterval: pairedRatioInterval(
      fused.map((row) => row[4]!),
      bm25.map((row) => row[4]!),
    ),
  };
}

/** 2.5th and 97.5th percentiles of mean(a) / mean(b) over 2,000 resamples of the paired queries. */
function pairedRatioInterval(a: number[], b: number[]): [number, number] {
  const random = seededRandom('localization-bootstrap');
  const ratios: number[] = [];
  for (let round = 0; round < 2_000; round++) {
    let sumA = 0;
    let sumB = 0;
    for (let i = 0; i < a.length; i++) {
      const pick = Math.floor(random() * a.length);
      sumA += a[pick]!;
      sumB += b[pick]!;
    }
    if (sumB > 0) ratios.push(sumA / sumB);
  }
  return [percentile(ratios, 2.5), percentile(ratios, 97.5)];
}

/** Per query: [hits in top 1, top 5, top 10, |truth|, rank of first hit or 0]. */
function hits(ranked: string[], truth: Set<string>): number[] {
  const at = (k: number) => ranked.slice(0, k).filter((p) => truth.has(p)).length;
  const first = ranked.findIndex((p) => truth.has(p));
  return [at(1), at(5), at(10), truth.size, first === -1 ? 0 : 1 / (first + 1)];
}

function summarize(rows: number[][]): Metrics {
  const mean = (f: (row: number[]) => number) => rows.reduce((sum, row) => sum + f(row), 0) / Math.max(1, rows.length);
  return {
    recallAt1: mean((r) => r[0]! / r[3]!),
    recallAt5: mean((r) => r[1]! / r[3]!),
    recallAt10: mean((r) => r[2]! / r[3]!),
    mrr: mean((r) => r[4]!),
  };
}

function listFiles(repoDir: string, sha: string): Set<string> {
  const out = execFileSync('git', ['-c', 'core.quotePath=false', 'ls-tree', '-r', '-z', '--name-only', sha], { cwd: repoDir, maxBuffer: 1 << 28 }).toString('utf8');
  return new Set(out.split('\0').filter(Boolean));
}
