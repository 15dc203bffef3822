import { CoevolveError } from '../errors.ts';
import type { ExperienceKind, FileCategory } from './experience.ts';
import { effectiveQ } from './utilityScore.ts';
import type { ExperienceDigest } from './experienceDigest.ts';
import { buildQuery } from './queryBuilder.ts';
import type { RecallQuery } from './queryBuilder.ts';
import type { FileQuery, FileView, MemoryIndex } from './memoryIndex.ts';
import type { ContentIndex } from './contentIndex.ts';
import { seededRandom } from './seededRandom.ts';
import { isSyncMerge } from './syncMerge.ts';

/** Ignore everything after this point: a first-parent position, a time (epoch seconds), or both. */
export interface Cutoff {
  seq?: number;
  time?: number;
}

export interface RecallOptions {
  k?: number;
  before?: Cutoff;
  kinds?: ExperienceKind[];
  /** Weight of the learned utility in the ranking (a later stage tunes it). */
  utilityWeight?: number;
  /** The code as it is at the point of the query, as one more lexical channel for files. */
  content?: ContentIndex;
  /** Seeded exploration of the experience ranking; off unless given (see DEFAULT_EXPLORATION). */
  explore?: Exploration;
  /** How many symbols to return (default k): a caller that checks them against the code asks for more, as some are dropped. */
  symbolPool?: number;
  /** The file fusion's weights; any left out are the defaults ({@link defaultWeights}). The localization bench fits them. */
  weights?: Partial<RecallWeights>;
}

/** How much each signal adds to a file's score when the channels are fused. */
export interface RecallWeights {
  /** What similar past changes touched. */
  evidence: number;
  /** The file's own history text: its path, the symbols changed in it, why it changed. */
  fileText: number;
  /** BM25 over the code as it is (only with `content`). */
  content: number;
  /** A name from the query that the code holds (defined or only used there), scaled by its rarity (only with `content`). */
  namedInCode: number;
  /** A symbol the query names exactly. */
  symbol: number;
  /** The query names the file's path or shares its words. */
  path: number;
  /** Changing together with the strongest candidates, as a share of their score. */
  coChange: number;
}

/** Memory alone: the weights recall has always used. */
export const DEFAULT_RECALL_WEIGHTS: Readonly<RecallWeights> = Object.freeze({
  evidence: 1,
  fileText: 0.6,
  content: 2,
  namedInCode: 0.5,
  symbol: 1,
  path: 0.5,
  coChange: 0.25,
});

/**
 * With the code channel: chosen by the localization bench on every corpus with that corpus left
 * out (docs/BENCHMARKS.md). The history text weighs more next to the code than alone.
 */
export const DEFAULT_CODE_WEIGHTS: Readonly<RecallWeights> = Object.freeze({ ...DEFAULT_RECALL_WEIGHTS, content: 1.5, namedInCode: 0.5, fileText: 1 });

/** The weights recall fuses with when the caller gives none: with the code channel or without it. */
export function defaultWeights(withCode: boolean): Readonly<RecallWeights> {
  return withCode ? DEFAULT_CODE_WEIGHTS : DEFAULT_RECALL_WEIGHTS;
}

/**
 * With probability `rate`, one experience from just below the top k (ranks k..2k−1) takes the
 * last of the k places, so a memory that never made the cut can still earn utility. The draw is
 * seeded — by `seed`, or by the query text — so the same question gets the same answer.
 */
export interface Exploration {
  /** Between 0 (never explore) and 1 (always). */
  rate: number;
  seed?: string | number;
}

/** What a task's retrieval should use: a small, seeded share of exploration (recall itself defaults to none). */
export const DEFAULT_EXPLORATION: Readonly<Exploration> = Object.freeze({ rate: 0.1 });

export interface RecalledExperience {
  id: string;
  sha: string;
  kind: ExperienceKind;
  subject: string;
  time: string;
  score: number;
  why: string[];
  files: string[];
  symbols: string[];
}

export interface RecalledFile {
  path: string;
  score: number;
  why: string[];
  /** Symbols of this file the query names (`Container.name`), as history has them; checked against the code like the symbol list. */
  named?: string[];
}

export interface RecalledSymbol {
  /** Where it is declared (at the cutoff, when checked against the code); the best-ranked file when it is in several. */
  path: string;
  name: string;
  container?: string;
  kind: string;
  score: number;
  why: string[];
  /** Other files with the same container, name and kind, each listed once. */
  alsoIn?: string[];
  /** Where history put it, when it has since moved to `path`. */
  movedFrom?: string;
}

export interface RecallResult {
  query: { text: string; keywords: string[] };
  experiences: RecalledExperience[];
  files: RecalledFile[];
  symbols: RecalledSymbol[];
}

const CANDIDATES = 200;
const COMMON_TERM_SHARE = 0.05;
/**
 * A word in this many subjects says little whatever the history's size, and each one costs a sort
 * over its changes: on a large history the share above would keep words with tens of thousands.
 */
const COMMON_TERM_CAP = 2_000;
const MAX_QUERY_TERMS = 12;
const SPREAD_FROM = 40;
const CATEGORY_WEIGHT: Partial<Record<FileCategory, number>> = { source: 1, test: 0.8, config: 0.6, docs: 0.4 };
/** A pin's lift: as much as a perfect lexical match. */
const W_PIN = 1;
const W_EXACT = 0.6;
const W_RECENCY = 0.1;
/** One identifier (no path or member separators): what {@link ContentIndex.filesWithTerm} can look up. */
const WORD_ONLY = /^[\p{L}\p{N}_$]{3,}$/u;

interface Scored {
  digest: ExperienceDigest;
  score: number;
  why: string[];
}

/**
 * Ranks experiences by lexical relevance (BM25+ over message, keywords, paths, symbols) fused with
 * structural signals — exact mention of a file or symbol, recency, whether the change was reverted,
 * learned utility — then spreads that evidence onto files and symbols, adding path matches and
 * co-change with the strongest files. Every result says why it was chosen.
 */
export function recall(index: MemoryIndex, text: string, options: RecallOptions = {}): RecallResult {
  const k = options.k ?? 10;
  const weights = fusionWeights(options.weights, options.content !== undefined);
  const { query, scored, table, fileSearch } = prepare(index, text, options);
  // Exploration reorders only the experiences handed back; files and symbols follow the plain ranking.
  const ranked = options.explore ? explored(scored, k, options.explore, text) : scored;
  return {
    query: { text, keywords: query.keywords },
    experiences: ranked.slice(0, k).map(present),
    files: fuseFiles(gatherFileEvidence(scored, query, table, fileSearch, options.content ? { index: options.content, text } : undefined), weights, k),
    symbols: rankSymbols(scored, query, table, options.symbolPool ?? k),
  };
}

/** What recall's file fusion reads for this query, for {@link fuseFiles} to rank under any weights. */
export function recallFileEvidence(index: MemoryIndex, text: string, options: Pick<RecallOptions, 'before' | 'kinds' | 'utilityWeight' | 'content'> = {}): FileEvidence {
  const { query, scored, table, fileSearch } = prepare(index, text, options);
  return gatherFileEvidence(scored, query, table, fileSearch, options.content ? { index: options.content, text } : undefined);
}

/** The defaults with the caller's weights over them; a weight must be a finite number, zero or more. */
export function fusionWeights(given: Partial<RecallWeights> | undefined, withCode: boolean): RecallWeights {
  const weights = { ...defaultWeights(withCode) };
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!(name in DEFAULT_RECALL_WEIGHTS)) throw new CoevolveError('bad-input', `Unknown recall weight "${name}"; the weights are ${Object.keys(DEFAULT_RECALL_WEIGHTS).join(', ')}.`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new CoevolveError('bad-input', `The recall weight "${name}" must be a finite number, zero or more, not ${String(value)}.`);
    weights[name as keyof RecallWeights] = value;
  }
  return weights;
}

function prepare(index: MemoryIndex, text: string, options: RecallOptions) {
  const query = buildQuery(text);
  const allowed = (digest: ExperienceDigest) =>
    (options.before?.seq === undefined || digest.seq < options.before.seq) &&
    (options.before?.time === undefined || digest.time < options.before.time) &&
    (!options.kinds || options.kinds.includes(digest.kind));
  // Without a cutoff or kind filter every experience is allowed: no per-hit callback is needed.
  const filtered = options.before?.seq !== undefined || options.before?.time !== undefined || options.kinds !== undefined;
  const { table, search: fileSearch } = filtered
    ? index.filesWhere(JSON.stringify([options.before, options.kinds ?? null]), allowed, options.before)
    : index.unfilteredFiles();
  const scored = scoreExperiences(index, query, allowed, filtered, table, options.utilityWeight ?? 0.2);
  return { query, scored, table, fileSearch };
}

function scoreExperiences(
  index: MemoryIndex,
  query: RecallQuery,
  allowed: (d: ExperienceDigest) => boolean,
  filtered: boolean,
  table: FileView,
  utilityWeight: number,
): Scored[] {
  const hits = index.query(informativeTerms(index, query), CANDIDATES, filtered ? allowed : undefined);
  // Experiences that touched a file or symbol the text names are candidates even without word overlap.
  const named = new Set<string>();
  for (const path of table.filesNamedBy(query)) for (const sha of table.history(path)) named.add(sha);
  const maxLex = hits[0]?.score ?? 1;
  const newest = table.newestSeq;
  const span = Math.max(1, newest - table.oldestSeq);
  const byId = new Map<string, Scored>();
  const now = Date.now() / 1000;
  const consider = (digest: ExperienceDigest, lexical: number, terms: string[]) => {
    // Quarantined memories stay visible in the store but are never handed to a task; a tag merge
    // or branch sync bundles changes made for other reasons under a subject that says nothing.
    if (digest.quarantined || isSyncMerge(digest.subject)) return;
    const why: string[] = [];
    let score = lexical / maxLex;
    if (terms.length) why.push(`its message, files or symbols share ${quoteList(terms, 5)} with the query`);
    const exact = exactMentions(digest, query);
    if (exact.length) {
      score += W_EXACT * Math.min(1, exact.length / Math.max(1, query.identifiers.length));
      why.push(`touched ${quoteList(exact, 3)}, named in the query`);
    }
    const age = newest - digest.seq;
    score += W_RECENCY * Math.exp(-age / (0.2 * span + 25));
    if (age <= Math.max(10, span * 0.05)) why.push(`recent (${age === 0 ? 'the newest mined commit' : age === 1 ? 'the commit before the newest' : `${age} commits before the newest`})`);
    const q = digest.pinned ? 1 : effectiveQ(digest.q, digest.lastUsed, now);
    if (digest.pinned) {
      // A person's word outweighs learned utility: it lifts the memory above what the query matches alike.
      score += W_PIN;
      why.push('pinned by you');
    } else if (Math.abs(q) >= 0.005) {
      score += utilityWeight * q;
      why.push(`learned utility ${q.toFixed(2)}${q !== digest.q ? ` (decayed from ${digest.q.toFixed(2)})` : ''}`);
    }
    if (digest.reverted) {
      score *= 0.5;
      why.push('was reverted later (down-weighted)');
    }
    if (digest.isRevert) score *= 0.7;
    byId.set(digest.sha, { digest, score, why });
  };
  for (const hit of hits) consider(hit.digest, hit.score, hit.terms);
  for (const digest of index.digestsOf([...named].filter((sha) => !byId.has(sha)))) if (allowed(digest)) consider(digest, 0, []);
  return [...byId.values()].sort((a, b) => b.score - a.score || b.digest.seq - a.digest.seq);
}

function explored(scored: Scored[], k: number, explore: Exploration, text: string): Scored[] {
  const { rate, seed } = explore;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new CoevolveError('bad-input', `The exploration rate must be a number from 0 to 1, not ${String(rate)}.`);
  if (seed !== undefined && typeof seed !== 'string' && !Number.isFinite(seed)) throw new CoevolveError('bad-input', `The exploration seed must be a string or a finite number, not ${String(seed)}.`);
  if (rate === 0 || k < 1) return scored;
  // Quarantined memories never reach `scored`; the filter keeps that true should scoring change.
  const pool = scored.slice(k, 2 * k).filter((item) => !item.digest.quarantined);
  if (!pool.length) return scored;
  const random = seededRandom(seed ?? text);
  if (random() >= rate) return scored;
  const chosen = pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))]!;
  const rank = scored.indexOf(chosen);
  const rest = scored.filter((item) => item !== chosen);
  const shown: Scored = { ...chosen, why: [...chosen.why, `explored: ranked ${rank + 1} by relevance and utility, given place ${k} by seeded exploration (rate ${rate})`] };
  return [...rest.slice(0, k - 1), shown, ...rest.slice(k - 1)];
}

/**
 * Words that start most commit subjects ("fix", "add", a busy scope) match thousands of experiences,
 * cost the most to score and say the least: they are dropped, and the query is kept short, names first.
 */
function informativeTerms(index: MemoryIndex, query: RecallQuery): string[] {
  const df = index.subjectFrequency(query.terms);
  const limit = Math.max(20, Math.min(index.size * COMMON_TERM_SHARE, COMMON_TERM_CAP));
  // Names from the text are kept whole even when common, unless nearly every change has them.
  const named = new Set(query.identifiers.map((id) => id.toLowerCase()));
  const kept = query.terms.filter((term) => (df.get(term) ?? 0) <= (named.has(term) ? Math.max(limit, Math.min(index.size * 0.3, COMMON_TERM_CAP * 3)) : limit));
  kept.sort((a, b) => Number(named.has(b)) - Number(named.has(a)) || (df.get(a) ?? 0) - (df.get(b) ?? 0));
  return kept.slice(0, MAX_QUERY_TERMS);
}

function exactMentions(digest: ExperienceDigest, query: RecallQuery): string[] {
  if (query.identifierSet.size === 0) return [];
  const found = new Set<string>();
  for (const file of digest.files) {
    const base = file.path.slice(file.path.lastIndexOf('/') + 1).toLowerCase();
    const stem = base.replace(/\.[^.]+$/, '');
    if (query.identifierSet.has(file.path.toLowerCase()) || query.identifierSet.has(base) || query.identifierSet.has(stem)) found.add(file.path);
  }
  for (const symbol of digest.symbols) {
    if (query.identifierSet.has(symbol.name.toLowerCase())) found.add(symbol.container ? `${symbol.container}.${symbol.name}` : symbol.name);
  }
  return [...found];
}

type Channel = Map<string, { score: number; why: string }>;

/**
 * Everything the file fusion reads about one query, gathered once: the weights only combine it,
 * so the localization bench can try many weightings without querying again.
 */
export interface FileEvidence {
  /** Each channel's hits, in the order they are fused; `content` only when the code was given. */
  channels: Array<{ name: 'evidence' | 'fileText' | 'content'; hits: Channel }>;
  /** Symbols the query names exactly, by the file that declares them. */
  named: Map<string, string[]>;
  /** Names from the query that the code holds, with how rare they are there (0–1). */
  namedInCode: Array<{ id: string; holders: string[]; rarity: number }>;
  aboutTests: boolean;
  pathMatches: Array<{ path: string; strength: number; exact: boolean }>;
  isTest: (path: string) => boolean;
  coChanged: (path: string) => Array<{ path: string; together: number; total: number; ratio: number }>;
}

function gatherFileEvidence(scored: Scored[], query: RecallQuery, table: FileView, files: FileQuery, content?: { index: ContentIndex; text: string }): FileEvidence {
  const channels: FileEvidence['channels'] = [];
  // Channel 1: what similar past changes touched, damped for files that change with everything.
  const evidence = new Map<string, { score: number; from: Scored[] }>();
  const best = scored[0]?.score ?? 1;
  for (const item of scored.slice(0, SPREAD_FROM)) {
    const relevant = item.digest.files.filter((f) => CATEGORY_WEIGHT[f.category] !== undefined);
    if (relevant.length === 0) continue;
    const share = item.score / best / Math.sqrt(relevant.length);
    for (const file of relevant) {
      const path = table.current(file.path);
      if (!path) continue;
      let e = evidence.get(path);
      if (!e) evidence.set(path, (e = { score: 0, from: [] }));
      e.score += share * CATEGORY_WEIGHT[file.category]! * table.specificity(path);
      if (e.from.length < 2) e.from.push(item);
    }
  }
  const ev: Channel = new Map();
  for (const [path, e] of evidence) {
    const [first] = e.from;
    ev.set(path, { score: e.score, why: `changed by ${e.from.length > 1 ? 'similar past changes, e.g.' : 'a similar past change:'} ${first!.digest.sha.slice(0, 10)} "${truncate(first!.digest.subject, 70)}"` });
  }
  channels.push({ name: 'evidence', hits: ev });
  // Channel 2: the file's own history text (its path, the symbols changed in it, why it changed).
  const ft: Channel = new Map();
  for (const hit of files.query(query.terms)) ft.set(hit.path, { score: hit.score, why: `its path, symbols or change history mention ${quoteList(hit.terms, 4)}` });
  channels.push({ name: 'fileText', hits: ft });
  // Channel 3 (optional): what the code says now.
  const namedInCode: FileEvidence['namedInCode'] = [];
  if (content) {
    const ct: Channel = new Map();
    // The cleaned query's terms, not the raw text: no trailers, references or commit-type words.
    for (const hit of content.index.query(query.terms.length ? query.terms.join(' ') : content.text)) ct.set(hit.path, { score: hit.score, why: `its current contents mention ${quoteList(hit.terms, 4)}` });
    channels.push({ name: 'content', hits: ct });
    const size = content.index.size;
    for (const id of query.identifierSet) {
      if (!WORD_ONLY.test(id)) continue;
      const holders = content.index.filesWithTerm(id);
      if (holders.length) namedInCode.push({ id, holders, rarity: Math.log(1 + size / holders.length) / Math.log(1 + size) });
    }
  }
  const named = new Map<string, string[]>();
  for (const symbol of table.symbolsNamedBy(query)) {
    const list = named.get(symbol.path) ?? [];
    list.push(symbol.container ? `${symbol.container}.${symbol.name}` : symbol.name);
    named.set(symbol.path, list);
  }
  const partners = new Map<string, ReturnType<FileEvidence['coChanged']>>();
  return {
    channels,
    named,
    namedInCode,
    aboutTests: query.aboutTests,
    pathMatches: table.pathMatches(query),
    isTest: (path) => table.isTest(path),
    coChanged: (path) => {
      let list = partners.get(path);
      if (!list) partners.set(path, (list = table.coChanged(path, 5)));
      return list;
    },
  };
}

/** Fuses a query's file evidence with the given weights into the top k files, each saying why. */
export function fuseFiles(gathered: FileEvidence, weights: RecallWeights, k: number): RecalledFile[] {
  const ranked = new Map<string, { score: number; why: string[] }>();
  const entry = (path: string) => {
    let e = ranked.get(path);
    if (!e) ranked.set(path, (e = { score: 0, why: [] }));
    return e;
  };
  for (const channel of gathered.channels) {
    const weight = weights[channel.name];
    const ordered = [...channel.hits].sort((a, b) => b[1].score - a[1].score);
    const max = Math.max(1e-9, ordered[0]?.[1].score ?? 1);
    for (const [path, hit] of ordered) {
      const target = entry(path);
      target.score += weight * (hit.score / max);
      target.why.push(hit.why);
    }
  }
  // A symbol the text names exactly is the strongest pointer there is.
  const namedIn = new Map<string, string[]>();
  for (const [path, names] of gathered.named) {
    const target = entry(path);
    target.score += weights.symbol;
    namedIn.set(path, [...new Set(names)]);
    target.why.unshift(namedReason(namedIn.get(path)!));
  }
  // A name the text gives that the code holds (defined or used there), rarer names weighing more.
  for (const { id, holders, rarity } of gathered.namedInCode) {
    for (const path of holders) {
      const target = entry(path);
      target.score += weights.namedInCode * rarity;
      target.why.push(`its code has "${id}", named in the query`);
    }
  }
  if (gathered.aboutTests) {
    for (const [path, e] of ranked) e.score *= gathered.isTest(path) ? 1.4 : 0.85;
  }
  for (const match of gathered.pathMatches) {
    if (!match.exact && !ranked.has(match.path)) continue;
    const target = entry(match.path);
    target.score += weights.path * match.strength;
    if (match.exact) target.why.unshift('its path is named in the query');
  }
  // Files that usually change together with the strongest candidates.
  const anchors = [...ranked].sort((a, b) => b[1].score - a[1].score).slice(0, 3);
  for (const [anchor, anchorEntry] of anchors) {
    for (const partner of gathered.coChanged(anchor)) {
      const target = entry(partner.path);
      target.score += weights.coChange * anchorEntry.score * partner.ratio;
      target.why.push(`changes together with ${anchor} (${partner.together} of its ${partner.total} changes)`);
    }
  }
  return [...ranked]
    .filter(([, e]) => e.score > 0)
    .sort((a, b) => b[1].score - a[1].score || a[0].localeCompare(b[0]))
    .slice(0, k)
    .map(([path, e]) => ({ path, score: round(e.score), why: e.why, ...(namedIn.has(path) ? { named: namedIn.get(path)! } : {}) }));
}

/** The reason a file gets for holding symbols the query names. */
export function namedReason(names: readonly string[]): string {
  return `has ${quoteList(names, 3)}, named in the query`;
}

function rankSymbols(scored: Scored[], query: RecallQuery, table: FileView, k: number): RecalledSymbol[] {
  const symbols = new Map<string, RecalledSymbol>();
  const best = scored[0]?.score ?? 1;
  for (const item of scored.slice(0, SPREAD_FROM)) {
    const share = item.score / best / Math.sqrt(Math.max(1, item.digest.symbols.length));
    for (const symbol of item.digest.symbols) {
      const path = table.current(symbol.path);
      if (!path) continue;
      const id = `${path}#${symbol.container ?? ''}.${symbol.name}`;
      let s = symbols.get(id);
      if (!s) {
        s = { path, name: symbol.name, kind: symbol.kind, score: 0, why: [] };
        if (symbol.container) s.container = symbol.container;
        symbols.set(id, s);
      }
      s.score += share;
      if (s.why.length === 0) s.why.push(`changed by ${item.digest.sha.slice(0, 10)} "${truncate(item.digest.subject, 70)}"`);
    }
  }
  for (const symbol of table.symbolsNamedBy(query)) {
    const id = `${symbol.path}#${symbol.container ?? ''}.${symbol.name}`;
    let s = symbols.get(id);
    if (!s) {
      s = { path: symbol.path, name: symbol.name, kind: symbol.kind, score: 0, why: [] };
      if (symbol.container) s.container = symbol.container;
      symbols.set(id, s);
    }
    s.score += W_EXACT;
    s.why.unshift('named in the query');
  }
  return [...symbols.values()]
    .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path) || a.name.localeCompare(b.name))
    .slice(0, k)
    .map((s) => ({ ...s, score: round(s.score) }));
}

function present(item: Scored): RecalledExperience {
  return presentDigest(item.digest, item.score, item.why);
}

/** A past change as recall shows it (the semantic channel's fusion shows the ones only it found the same way). */
export function presentDigest(d: ExperienceDigest, score: number, why: string[]): RecalledExperience {
  return {
    id: `commit:${d.sha}`,
    sha: d.sha,
    kind: d.kind,
    subject: d.subject,
    time: new Date(d.time * 1000).toISOString(),
    score: round(score),
    why,
    files: d.files.slice(0, 8).map((f) => f.path),
    symbols: d.symbols.slice(0, 8).map((s) => (s.container ? `${s.container}.${s.name}` : s.name)),
  };
}

function quoteList(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).map((t) => `"${t}"`);
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

