// The localization group of `npm run bench`: every corpus is mined and its queries gathered once,
// then recall with the code channel is reported under weights fitted on the other corpora
// (bench/localizationFit.ts), next to memory alone, BM25 and the weights recall ships with.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mineHistory } from '../src/core/mining/miner.ts';
import { DEFAULT_CODE_WEIGHTS } from '../src/core/memory/recall.ts';
import type { RecallWeights } from '../src/core/memory/recall.ts';
import { ceilingRows, collectLocalization, summarize } from './localization.ts';
import type { LocalizationCorpus, Metrics } from './localization.ts';
import { fittedRules, interval, leaveOneOut, pairedDifference, RowCache } from './localizationFit.ts';
import type { Printer } from './mcpRecall.ts';
import { percentile } from './stats.ts';
import { seededRandom } from '../src/core/memory/seededRandom.ts';

export interface CorpusSpec {
  name: string;
  repo: string;
  cutoffFraction: number;
  /** A store already mined from `repo` (kept); otherwise one is mined under `work` and removed. */
  store?: string;
}

/**
 * Mines (unless given a store) and gathers each corpus in turn; a corpus that fails is reported and
 * skipped, and so is a repository already gathered (say --repo names koa): it would be fitted on itself.
 */
export async function gatherCorpora(specs: CorpusSpec[], storesDir: string, print: Printer): Promise<LocalizationCorpus[]> {
  const corpora: LocalizationCorpus[] = [];
  const heads = new Set<string>();
  for (const spec of specs) {
    let head: string;
    try {
      head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: spec.repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (error) {
      print.line(spec.name, 'skipped', `not a git repository with a commit (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      continue;
    }
    if (heads.has(head)) {
      print.line(spec.name, 'skipped', 'the same history as a corpus already gathered');
      continue;
    }
    heads.add(head);
    const store = spec.store ?? `${storesDir}/localization-${spec.name.replace(/[^\w.-]+/g, '_')}-${process.pid}`;
    try {
      if (!spec.store) {
        rmSync(store, { recursive: true, force: true });
        await mineHistory(spec.repo, { storeDir: store });
      }
      corpora.push(await collectLocalization(spec.name, spec.repo, store, { cutoffFraction: spec.cutoffFraction }));
    } catch (error) {
      print.line(spec.name, 'skipped', error instanceof Error ? error.message : String(error));
    } finally {
      if (!spec.store) rmSync(store, { recursive: true, force: true });
    }
  }
  return corpora;
}

const METRICS: Array<[keyof Metrics, string]> = [
  ['recallAt1', 'R@1'],
  ['recallAt5', 'R@5'],
  ['mrr', 'MRR'],
];

/** Prints every corpus with its leave-one-out weights, then one table of them all. */
export function printLocalizationFigures(corpora: LocalizationCorpus[], print: Printer): void {
  const cache = new RowCache();
  // One corpus leaves nothing to fit on: it is reported with the weights recall ships with.
  const chosen = corpora.length > 1 ? leaveOneOut(corpora, fittedRules(), cache) : undefined;
  const summary: Array<{ corpus: LocalizationCorpus; memory: number[][]; fused: number[][]; bm25: number[][] }> = [];
  for (const [i, corpus] of corpora.entries()) {
    const memory = corpus.queries.map((q) => q.memory);
    const bm25 = corpus.queries.map((q) => q.bm25);
    const shipped = cache.of(corpus, DEFAULT_CODE_WEIGHTS);
    const rule = chosen?.[i];
    const fused = rule ? cache.of(corpus, rule.weights(corpus)) : shipped;
    const ships = !rule || sameWeights(rule.weights(corpus), DEFAULT_CODE_WEIGHTS);
    const seed = `localization:${corpus.name}`;
    print.header(`Localization quality — ${corpus.name} (${corpus.commits} commits, cutoff at #${corpus.cutoffSeq} with ${corpus.codeFiles} code files, ${corpus.queries.length} queries; 95% bootstrap intervals over the queries)`);
    const row = (label: string, rows: number[][]) => {
      const m = summarize(rows);
      print.line(label, '', METRICS.map(([key, name]) => `${name} ${m[key].toFixed(3)} ${formatInterval(interval(rows, key, seed))}`).join('   '));
    };
    row('coevolve recall (history memory only)', memory);
    row(rule ? 'memory + code, weights fitted without it' : 'memory + code (shipped weights)', fused);
    if (!ships) row('memory + code, the weights recall ships', shipped);
    const semantic = corpus.queries.every((q) => q.semantic) && corpus.queries.length ? corpus.queries.map((q) => q.semantic!) : undefined;
    if (semantic) row(`with the semantic channel (${corpus.embedder})`, semantic);
    row('baseline: BM25 over file contents', bm25);
    row('ceiling: a perfect ranking', ceilingRows(corpus));
    if (rule) print.line('weights fitted on the other corpora', '', `${rule.label}${ships ? ' (the weights recall ships)' : ''}`);
    else print.line('weights', '', 'one corpus leaves nothing to fit on: the weights recall ships (fitted on the bench corpora)');
    const difference = (label: string, other: number[][]) =>
      print.line(label, '', METRICS.map(([key, name]) => `${name} ${signed(summarize(fused)[key] - summarize(other)[key])} ${formatInterval(pairedDifference(fused, other, key, seed), true)}`).join('   '));
    difference('memory + code − memory only (paired)', memory);
    difference('memory + code − BM25 (paired)', bm25);
    const [low, high] = pairedRatioInterval(fused.map((r) => r[4]!), bm25.map((r) => r[4]!), seed);
    print.line('MRR ratio, memory + code / baseline', `${(summarize(fused).mrr / summarize(bm25).mrr).toFixed(2)}x`, `95% interval (paired bootstrap): ${low.toFixed(2)}x–${high.toFixed(2)}x`);
    // Ratios hide a saturated corpus: how much of the room the baseline left was closed.
    const [f, b, top] = [summarize(fused), summarize(bm25), summarize(ceilingRows(corpus))];
    const closed = (key: keyof Metrics) => (top[key] - b[key] < 0.005 ? 'no room' : `${Math.round((100 * (f[key] - b[key])) / (top[key] - b[key]))}%`);
    print.line('share of the room above the baseline closed', '', METRICS.map(([key, name]) => `${name} ${closed(key)}`).join('   '));
    summary.push({ corpus, memory, fused, bm25 });
  }
  if (summary.length < 2) return;
  print.header('Localization, all corpora — memory + code with weights fitted leaving the reported corpus out (R@1 / R@5 / MRR)');
  process.stdout.write(`  ${'corpus'.padEnd(14)} ${'queries'.padStart(7)}  ${'memory only'.padEnd(17)}  ${'memory + code'.padEnd(17)}  ${'BM25'.padEnd(17)}  code >= memory, > BM25\n`);
  const triple = (m: Metrics) => `${m.recallAt1.toFixed(3)} ${m.recallAt5.toFixed(3)} ${m.mrr.toFixed(3)}`.slice(0, 17);
  const macro = { memory: [] as Metrics[], fused: [] as Metrics[], bm25: [] as Metrics[] };
  for (const { corpus, memory, fused, bm25 } of summary) {
    const [m, f, b] = [summarize(memory), summarize(fused), summarize(bm25)];
    macro.memory.push(m);
    macro.fused.push(f);
    macro.bm25.push(b);
    const verdict = METRICS.map(([key, name]) => `${name} ${f[key] >= m[key] ? 'yes' : 'NO'}/${f[key] > b[key] ? 'yes' : 'NO'}`).join('  ');
    process.stdout.write(`  ${corpus.name.slice(0, 14).padEnd(14)} ${String(corpus.queries.length).padStart(7)}  ${triple(m).padEnd(17)}  ${triple(f).padEnd(17)}  ${triple(b).padEnd(17)}  ${verdict}\n`);
  }
  const average = (list: Metrics[]): Metrics => {
    const mean = (key: keyof Metrics) => list.reduce((sum, m) => sum + m[key], 0) / list.length;
    return { recallAt1: mean('recallAt1'), recallAt5: mean('recallAt5'), recallAt10: mean('recallAt10'), mrr: mean('mrr') };
  };
  process.stdout.write(`  ${'macro average'.padEnd(14)} ${''.padStart(7)}  ${triple(average(macro.memory)).padEnd(17)}  ${triple(average(macro.fused)).padEnd(17)}  ${triple(average(macro.bm25)).padEnd(17)}\n`);
}

/** 2.5th and 97.5th percentiles of mean(a) / mean(b) over 2,000 resamples of the paired queries. */
function pairedRatioInterval(a: number[], b: number[], seed: string): [number, number] {
  const random = seededRandom(`${seed}:ratio`);
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

function sameWeights(a: RecallWeights, b: RecallWeights): boolean {
  return (Object.keys(a) as Array<keyof RecallWeights>).every((key) => a[key] === b[key]);
}

function formatInterval([low, high]: [number, number], sign = false): string {
  const f = sign ? signed : (v: number) => v.toFixed(3);
  return `[${f(low)}, ${f(high)}]`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;
}

