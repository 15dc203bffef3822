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
  const parts = [...new Set(terms)].map((term) => `"${term.replace(/"/g, '""')}"${term.length >= PREFIX_FROM ? '*' : ''}`);
  const any = parts.join(' OR ');
  return column ? `${column} : (${any})` : any;
}

/**
 * The terms worth ranking on when every matched document costs a score: each term is counted up to
 * `cap` documents (a bounded read of its postings), those above it are dropped, and the `keep`
 * rarest stay whatever their count, so a query never goes empty.
 */
export function selectiveTerms(terms: readonly string[], cap: number, keep: number, countUpTo: (term: string, limit: number) => number): string[] {
  const counted = [...new Set(terms)].map((term) => ({ term, docs: countUpTo(term, cap + 1) }));
  const rarest = [...counted].sort((a, b) => a.docs - b.docs).slice(0, keep).map((c) => c.term);
  return counted.filter((c) => c.docs <= cap || rarest.includes(c.term)).map((c) => c.term);
}

/** Text as the index stores it: tokenize.ts's tokens, space-separated. */
export function ftsText(text: string): string {
  return tokenize(text).join(' ');
}

/**
 * Which of the query's terms the text holds, for saying why something matched: a term found inside
 * the text's lower-cased words counts (a word starting with it is what the query's prefix matched).
 */
export function matchedTerms(terms: readonly string[], text: string): string[] {
  const lower = text.toLowerCase();
  return [...new Set(terms)].filter((term) => lower.includes(term));
}
