// Fits recall's fusion weights for the localization bench without looking at the corpus reported:
// every corpus is ranked with the weighting that does best on the others (leave one out).
import { DEFAULT_RECALL_WEIGHTS } from '../src/core/memory/recall.ts';
import type { RecallWeights } from '../src/core/memory/recall.ts';
import { seededRandom } from '../src/core/memory/seededRandom.ts';
import { METRIC_OF, rowsUnder, summarize } from './localization.ts';
import type { LocalizationCorpus, Metrics } from './localization.ts';
import { percentile } from './stats.ts';

/** A way to weight the fusion for a corpus: fixed weights, or a rule that reads the corpus's size. */
export interface WeightRule {
  label: string;
  weights: (corpus: LocalizationCorpus) => RecallWeights;
}

/** The grid searched: the code channel's two weights and the history text's, the rest as shipped. */
export function fittedRules(): WeightRule[] {
  const rules: WeightRule[] = [];
  for (const content of [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3])
    for (const namedInCode of [0, 0.25, 0.5, 1])
      for (const fileText of [0.3, 0.6, 1]) {
        const weights: RecallWeights = { ...DEFAULT_RECALL_WEIGHTS, content, namedInCode, fileText };
        rules.push({ label: `content ${content}, named in code ${namedInCode}, history text ${fileText}`, weights: () => weights });
      }
  return rules;
}

/** Caches each corpus's per-query rows under each distinct weighting: a weighting is fused once. */
export class RowCache {
  private readonly rows = new WeakMap<LocalizationCorpus, Map<string, number[][]>>();
  of(corpus: LocalizationCorpus, weights: RecallWeights): number[][] {
    let byWeights = this.rows.get(corpus);
    if (!byWeights) this.rows.set(corpus, (byWeights = new Map()));
    const key = JSON.stringify(weights);
    let rows = byWeights.get(key);
    if (!rows) byWeights.set(key, (rows = rowsUnder(corpus, weights)));
    return rows;
  }
}

export type Objective = (fused: Metrics, corpus: LocalizationCorpus) => number;

/** Mean MRR, the default objective: each corpus weighs the same, however many queries it has. */
export const MEAN_MRR: Objective = (m) => m.mrr;

/** For each corpus (in order), the rule that scores best on the other corpora (ties: the earlier rule). */
export function leaveOneOut(corpora: LocalizationCorpus[], rules: WeightRule[], cache: RowCache, objective: Objective = MEAN_MRR): WeightRule[] {
  const score = rules.map((rule) => corpora.map((c) => objective(summarize(cache.of(c, rule.weights(c))), c)));
  const chosen: WeightRule[] = [];
  for (const i of corpora.keys()) {
    let best = -Infinity;
    let bestRule = rules[0]!;
    for (const [r, rule] of rules.entries()) {
      const others = score[r]!.filter((_, j) => j !== i);
      const value = others.reduce((a, b) => a + b, 0) / Math.max(1, others.length);
      if (value > best + 1e-12) {
        best = value;
        bestRule = rule;
      }
    }
    chosen.push(bestRule);
  }
  return chosen;
}

const ROUNDS = 2_000;

/** 95% bootstrap interval of a metric's mean over the queries (seeded: the same figures every run). */
export function interval(rows: number[][], metric: keyof Metrics, seed: string): [number, number] {
  const values = rows.map(METRIC_OF[metric]);
  return bootstrap(values.length, seed, (pick) => values[pick]!);
}

/** 95% paired bootstrap interval of mean(a) − mean(b) for a metric: both resampled on the same queries. */
export function pairedDifference(a: number[][], b: number[][], metric: keyof Metrics, seed: string): [number, number] {
  const f = METRIC_OF[metric];
  const diff = a.map((row, i) => f(row) - f(b[i]!));
  return bootstrap(diff.length, seed, (pick) => diff[pick]!);
}

function bootstrap(n: number, seed: string, value: (pick: number) => number): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN];
  const random = seededRandom(seed);
  const means: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += value(Math.floor(random() * n));
    means.push(sum / n);
  }
  return [percentile(means, 2.5), percentile(means, 97.5)];
}
