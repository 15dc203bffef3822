/**
 * One tokenizer for indexing and for queries, so that both sides agree. It keeps identifiers and
 * paths whole (lower-cased) and also emits their parts: `parseHeader` → parseheader, parse, header;
 * `src/auth/login.ts` → src/auth/login.ts, login.ts, src, auth, login.
 */
const STOPWORDS = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'let may might must not of on or our should so than that the their them then there these this those to ' +
    'too up us was we were what when where which while who why will with would you your also just only ' +
    'use used using via make makes made get gets set sets new add adds added fix fixes fixed now more some').split(' '),
);

const WORD = /[\p{L}\p{N}_$][\p{L}\p{N}_$./\\-]*[\p{L}\p{N}_$]|[\p{L}\p{N}_$]/gu;
const CAMEL = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g;

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    const whole = raw.toLowerCase();
    if (whole.length > 1 && !STOPWORDS.has(whole) && whole.length <= 80) out.push(whole);
    if (!/[./\\_$-]|[a-z][A-Z]/.test(raw)) continue;
    for (const piece of raw.split(/[./\\_$-]+/)) {
      if (!piece) continue;
      const lower = piece.toLowerCase();
      if (lower !== whole && lower.length > 1 && !STOPWORDS.has(lower)) out.push(lower);
      const parts = piece.match(CAMEL);
      if (parts && parts.length > 1) {
        for (const part of parts) {
          const p = part.toLowerCase();
          if (p.length > 1 && !STOPWORDS.has(p)) out.push(p);
        }
      }
    }
  }
  return out;
}

/** Identifier-like tokens as written: the names a task mentions (`parseHeader`, `auth/login.ts`). */
export function exactIdentifiers(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    if (/[a-z][A-Z]|_|[./\\]\w|^[A-Z][a-z]+[A-Z]|\(\)$/.test(raw) && raw.length >= 3) found.add(raw.replace(/[.]+$/, ''));
  }
  return [...found];
}

const keepTerm = (term: string): string => term;

/**
 * MiniSearch text options shared by every index: this tokenizer on both sides, terms kept as it
 * emits them (it already lower-cases and splits).
 */
export const TEXT_OPTIONS = {
  tokenize,
  processTerm: keepTerm,
  searchOptions: { tokenize, processTerm: keepTerm },
};
