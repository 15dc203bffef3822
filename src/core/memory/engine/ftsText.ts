import { tokenize } from '../tokenize.ts';

/**
 * The FTS5 tokenizer for text that tokenize.ts has already split: it separates on spaces and keeps
 * the characters our tokens hold (`src/auth/login.ts`, `$scope`, `parse-header`) inside a token.
 */
export const FTS_TOKENIZER = `tokenize="unicode61 remove_diacritics 0 tokenchars './\\-$_'"`;

/** Prefixes catch plurals and verb forms (migrate, migrations), as the in-memory engine does for terms of 6+ characters. */
const PREFIX_FROM = 6;

/** An FTS5 MATCH expression: any of the terms, each quoted (a term is data, never query syntax). */
export function ftsQuery(terms: readonly string[], column?: string): string {
  const parts = [...new Set(terms.map(ftsToken))].map((term) => `"${term.replace(/"/g, '""')}"${term.length >= PREFIX_FROM ? '*' : ''}`);
  const any = parts.join(' OR ');
  return column ? `${column} : (${any})` : any;
}

/**
 * The terms worth ranking on when every matched document costs a score: each term is counted up to
 * `cap` documents (a bounded read of its postings), those above it are dropped, and the `keep`
 * rarest stay whatever their count, so a query never goes empty. Past the rarest, terms are added
 * rarest first while the documents they match stay within `budget`: a long query of middling words
 * (a stack trace, a templated message) would otherwise score thousands of documents for words whose
 * weight in BM25 is the smallest of the query's.
 */
export function selectiveTerms(terms: readonly string[], cap: number, keep: number, countUpTo: (term: string, limit: number) => number, budget = Number.POSITIVE_INFINITY): string[] {
  const counted = [...new Set(terms)].map((term) => ({ term, docs: countUpTo(term, cap + 1) }));
  const byRarity = [...counted].sort((a, b) => a.docs - b.docs);
  const chosen = new Set(byRarity.slice(0, keep).map((c) => c.term));
  let spent = byRarity.slice(0, keep).reduce((sum, c) => sum + Math.min(c.docs, cap), 0);
  for (const c of byRarity.slice(keep)) {
    if (c.docs > cap || spent + c.docs > budget) break;
    chosen.add(c.term);
    spent += c.docs;
  }
  return counted.filter((c) => chosen.has(c.term)).map((c) => c.term);
}

/** Text as the index stores it: tokenize.ts's tokens, space-separated. */
export function ftsText(text: string): string {
  return ftsTokens(tokenize(text));
}

/** Tokens as the index stores them, space-separated (see {@link ftsToken}). */
export function ftsTokens(tokens: readonly string[]): string {
  return tokens.map(ftsToken).join(' ');
}

/**
 * A token as the index stores and queries it: a path (`packages/pay/src/a.ts`, one token, its parts
 * are tokens of their own) starts with `/`, so a word's prefix query (`"packages"*`) does not expand
 * into every path under that folder. At 500k commits that expansion took 134 ms for one word.
 */
export function ftsToken(token: string): string {
  return token.includes('/') ? `/${token}` : token;
}

/**
 * Which of the query's terms the text holds, for saying why something matched: a term found inside
 * the text's lower-cased words counts (a word starting with it is what the query's prefix matched).
 */
export function matchedTerms(terms: readonly string[], text: string): string[] {
  const lower = text.toLowerCase();
  return [...new Set(terms)].filter((term) => lower.includes(term));
}
