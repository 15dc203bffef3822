import type { ExperienceDigest } from '../memory/experienceDigest.ts';
import type { RecalledExperience, RecalledFile, RecalledSymbol, RecallResult } from '../memory/recall.ts';
import type { SemanticScores } from './semanticMemory.ts';

/**
 * Reciprocal rank fusion (Cormack et al., 2009): each ranking adds weight / (k + rank) to every id
 * it holds. Ranks, not scores, are fused, so BM25's unbounded scores and cosine similarities need
 * no common scale; k = 60 is the paper's constant, which damps the difference between the first
 * few places.
 */
export function reciprocalRankFusion(rankings: ReadonlyArray<{ ids: readonly string[]; weight?: number }>, k = 60): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const { ids, weight = 1 } of rankings) {
    ids.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + weight / (k + rank + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}

export interface FusionOptions {
  /** Results kept per list (recall's k; a longer lexical list keeps its own length). */
  k: number;
  /** Weight of the semantic ranking against the lexical one (1: equal). */
  semanticWeight?: number;
  /** The digest of a sha (MemoryIndex.digest), for experiences only the semantic channel found. */
  digest: (sha: string) => ExperienceDigest | undefined;
  /** Shows such a digest as recall shows its own (recall's presentDigest, passed in: embeddings do not import memory's code). */
  present: (digest: ExperienceDigest, score: number, why: string[]) => RecalledExperience;
}

/**
 * Recall's answer with the semantic channel fused in, rank by rank. Lists keep recall's items and
 * reasons; what only the semantic channel found joins with a reason of its own. Scores become the
 * fused ones (rounded), so their order is the order shown. A quarantined or forgotten experience
 * never joins. Without semantic hits the result is returned as it was.
 */
export function fuseSemantic(result: RecallResult, semantic: SemanticScores, options: FusionOptions): RecallResult {
  const weight = options.semanticWeight ?? 1;
  const experiences = fuseList(
    result.experiences,
    (e) => e.sha,
    semantic.experiences.map((h) => ({ key: h.sha, score: h.score })),
    (sha, score) => {
      const d = options.digest(sha);
      return d && !d.quarantined && !d.forgotten ? options.present(d, 0, [`close in meaning to the query (cosine ${score.toFixed(2)})`]) : undefined;
    },
    (item, score) => ({ ...item, why: [...item.why, `also close in meaning to the query (cosine ${score.toFixed(2)})`] }),
    options.k,
    weight,
  );
  const closest = new Map(semantic.files.map((f) => [f.path, f.closest]));
  const files = fuseList(
    result.files,
    (f) => f.path,
    semantic.files.map((f) => ({ key: f.path, score: f.score })),
    (path, score): RecalledFile => ({ path, score: 0, why: [semanticWhy(score, closest.get(path))] }),
    (item, score) => ({ ...item, why: [...item.why, semanticWhy(score, closest.get(item.path))] }),
    options.k,
    weight,
  );
  const symbolKey = (s: { path: string; name: string; container?: string | undefined }) => `${s.path}\0${s.container ?? ''}\0${s.name}`;
  const bySymbol = new Map(semantic.symbols.map((s) => [symbolKey(s), s]));
  const symbols = fuseList(
    result.symbols,
    symbolKey,
    semantic.symbols.map((s) => ({ key: symbolKey(s), score: s.score })),
    (key, score): RecalledSymbol => {
      const s = bySymbol.get(key)!;
      return { path: s.path, name: s.name, kind: s.kind, score: 0, why: [`its code is close in meaning to the query (cosine ${score.toFixed(2)})`], ...(s.container ? { container: s.container } : {}) };
    },
    (item, score) => ({ ...item, why: [...item.why, `its code is close in meaning to the query (cosine ${score.toFixed(2)})`] }),
    options.k,
    weight,
  );
  return { ...result, experiences, files, symbols };
}

function fuseList<T extends { score: number }>(
  lexical: readonly T[],
  keyOf: (item: T) => string,
  semantic: ReadonlyArray<{ key: string; score: number }>,
  make: (key: string, cosine: number) => T | undefined,
  annotate: (item: T, cosine: number) => T,
  k: number,
  weight: number,
): T[] {
  if (semantic.length === 0) return [...lexical];
  const cosine = new Map(semantic.map((s) => [s.key, s.score]));
  const byKey = new Map(lexical.map((item) => [keyOf(item), item]));
  const fused = reciprocalRankFusion([{ ids: lexical.map(keyOf) }, { ids: semantic.map((s) => s.key), weight }]);
  const out: T[] = [];
  for (const { id, score } of fused) {
    const found = byKey.get(id);
    const close = cosine.get(id);
    const item = found ? (close === undefined ? found : annotate(found, close)) : make(id, close!);
    if (!item) continue;
    out.push({ ...item, score: Math.round(score * 1e5) / 1e5 });
    // A list recall made longer than k on purpose (a pool of symbols to check) keeps its length.
    if (out.length >= Math.max(k, lexical.length)) break;
  }
  return out;
}

function semanticWhy(cosine: number, closest: string | undefined): string {
  return `its code is close in meaning to the query (${closest ? `closest: ${closest}, ` : ''}cosine ${cosine.toFixed(2)})`;
}

