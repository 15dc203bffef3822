import { exactIdentifiers, tokenize } from './tokenize.ts';

const MAX_TEXT = 8000;
const MAX_TERMS = 40;
/** Numbers and version tags (`10`, `v7`, `1.2.3`) match everything and mean nothing here. */
const NOISE_TOKEN = /^(v?\d+([._-]\d+)*[a-z]?|0x[0-9a-f]+)$/;

export interface RecallQuery {
  /** The short keyword query, identifiers and paths kept exactly as written. */
  keywords: string[];
  /** Lower-cased terms for the lexical index. */
  terms: string[];
  identifiers: string[];
  /** Lower-cased identifiers, paths, and the base names and stems of paths. */
  identifierSet: Set<string>;
  tokenSet: Set<string>;
  /** The text asks for tests (a `test:` commit, "add tests for …"): test files rank higher. */
  aboutTests: boolean;
}

const TRAILER = /^[ \t]*(signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|reported-by|change-id|cc):.*$/gim;
const MERGE_PR = /^([ \t]*)Merge (?:pull request|PR) #\d+ from [^\s/]+\/(\S+)/gim;
const MERGE_BRANCH = /^([ \t]*)Merge (?:remote-tracking )?branch '([^']+)'(?: of \S+)?(?: into \S+)?/gim;
const REVERTS = /\bThis reverts commit [0-9a-f]{7,40}\.?/gi;
const ISSUE_REF = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?|refs?|see|part of)\s+(?:[\w.-]+\/[\w.-]+)?#\d+\b|\(?#\d+\)?|\bgh-\d+\b/gi;
const URL = /\b(?:https?|ftp):\/\/\S+/gi;
/** A conventional-commit type (`fix(auth)!:`): the scope says where, the type only says what kind. */
const CONVENTIONAL_TYPE = /^([ \t]*(?:[-*][ \t]+)?)(?:feat|fix|chore|docs|style|refactor|perf|test|tests|build|ci|revert)(?:\(([^)\n]*)\))?!?:/gim;

/**
 * Removes what a commit message or task carries besides its meaning: trailers (Signed-off-by …),
 * issue and pull-request references, URLs, revert boilerplate with its sha, merge
 * boilerplate (keeping the merged branch's name) and conventional-commit types (keeping the scope).
 */
export function cleanQueryText(text: string): string {
  return text
    .replace(TRAILER, '')
    .replace(MERGE_PR, (_m, indent: string, branch: string) => `${indent}${branch}`)
    .replace(MERGE_BRANCH, (_m, indent: string, branch: string) => `${indent}${branch}`)
    .replace(REVERTS, '')
    .replace(URL, ' ')
    .replace(ISSUE_REF, ' ')
    .replace(CONVENTIONAL_TYPE, (_m, lead: string, scope: string | undefined) => `${lead}${scope ?? ''}`);
}

/**
 * Builds a short keyword query from a task, an error message or a path (MemCoder's first step):
 * the names it mentions first, as written, then its most frequent content words.
 */
export function buildQuery(text: string): RecallQuery {
  const raw = text.slice(0, MAX_TEXT);
  const clipped = cleanQueryText(raw);
  const identifiers = exactIdentifiers(clipped).map((id) => id.replace(/:\d+(:\d+)?$/, ''));
  const counts = new Map<string, number>();
  for (const token of tokenize(clipped)) if (!NOISE_TOKEN.test(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const id of identifiers) {
    if (!seen.has(id.toLowerCase()) && keywords.length < MAX_TERMS) {
      keywords.push(id);
      seen.add(id.toLowerCase());
    }
  }
  for (const [word] of [...counts].sort((a, b) => b[1] - a[1])) {
    if (keywords.length >= MAX_TERMS) break;
    if (!seen.has(word)) {
      keywords.push(word);
      seen.add(word);
    }
  }
  const terms = [...new Set(keywords.flatMap((k) => tokenize(k)).filter((t) => !NOISE_TOKEN.test(t)))].slice(0, MAX_TERMS * 2);
  const identifierSet = new Set<string>();
  for (const id of identifiers) {
    const lower = id.toLowerCase();
    identifierSet.add(lower);
    const base = lower.slice(lower.lastIndexOf('/') + 1);
    identifierSet.add(base);
    if (base.includes('.')) identifierSet.add(base.replace(/\.[^.]+$/, ''));
    // `Foo.bar` names the method bar of Foo (the member is the specific part).
    if (!lower.includes('/') && lower.includes('.')) {
      const member = lower.slice(lower.lastIndexOf('.') + 1).replace(/\(\)$/, '');
      if (member.length > 3) identifierSet.add(member);
    }
    if (lower.endsWith('()')) identifierSet.add(lower.slice(0, -2));
  }
  const aboutTests = /^test(\(|:|s?\b)|\b(unit|missing|more|add|cover(age)?)\s+tests?\b|\btests? for\b/i.test(raw);
  return { keywords, terms, identifiers, identifierSet, tokenSet: new Set(terms), aboutTests };
}
