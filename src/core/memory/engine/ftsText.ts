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

/** Text as the index stores it: tokenize.ts's tokens, space-separated. */
export function ftsText(text: string): string {
  return tokenize(text).join(' ');
}

/** Which of the query's terms the text holds (by the same prefix rule as the query). */
export function matchedTerms(terms: readonly string[], text: string): string[] {
  const tokens = new Set(tokenize(text));
  const matched: string[] = [];
  for (const term of new Set(terms)) {
    if (tokens.has(term)) matched.push(term);
    else if (term.length >= PREFIX_FROM) {
      for (const token of tokens) {
        if (token.startsWith(term)) {
          matched.push(term);
          break;
        }
      }
    }
  }
  return matched;
}
