/**
 * Finds random-looking literals that no key names: a token pasted into code, a commit message or a
 * file name. Only text mined from history is scanned this way (see `literals` in redact.ts): there a
 * missed secret costs far more than a redacted hash-like string.
 *
 * A candidate is a run of base64/base64url characters at least 20 long. It is random when, once the
 * hex pieces are set aside (git shas and hex digests are allowed), what is left is long enough and is
 * not made of words: identifiers change character class (lower, upper, digit) only where a word
 * starts, random text does so at almost every other character. Lockfile integrity values
 * (`sha512-…`, `sha1-…`) are allowed whole. Measured on random strings: base62 and base64 ones of 20
 * characters are caught 94-96% of the time and of 32 characters 99%, lower case and digits 90% and
 * 98%, upper case base32 70% and 89%; letters alone rarely (they are left to the key-based passes).
 * Over the histories of koa, body-parser, itsdangerous and this project it flags no identifier, path
 * or hash: only signatures and JWTs in tests, and a few random URL pieces (image names, anchors).
 */

export interface LiteralSpan {
  start: number;
  end: number;
}

/** Subresource-integrity values as npm, yarn, pnpm and browsers write them. */
const INTEGRITY = /^(?:sha(?:1|224|256|384|512)|md5)-[A-Za-z0-9+/]{20,}={0,2}$/;
/** `name=` in front of a value (a query or flag): kept, like a key. */
const ASSIGNED = /^[A-Za-z][A-Za-z0-9_.-]{0,40}=(?=[^=])/;
const MIN_RUN = 20;
const MIN_RANDOM_CHARS = 16;

/** Characters of base64 and base64url, the alphabets tokens are written in. */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-') TOKEN_CHAR[c.charCodeAt(0)] = 1;

/** The random literals in `text`, in order, never overlapping. One pass over the text. */
export function findRandomLiterals(text: string): LiteralSpan[] {
  const spans: LiteralSpan[] = [];
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (c < 128 && TOKEN_CHAR[c] === 1) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart >= MIN_RUN) {
      const span = judgeRun(text.slice(runStart, i), runStart);
      if (span !== undefined) spans.push(span);
    }
    runStart = -1;
  }
  return spans;
}

function judgeRun(whole: string, at: number): LiteralSpan | undefined {
  let run = whole;
  let start = at;
  const assigned = ASSIGNED.exec(run);
  if (assigned !== null) {
    start += assigned[0].length;
    run = run.slice(assigned[0].length);
  }
  // Leading dashes belong to a flag or a diff marker, trailing ones to the prose around it.
  const lead = run.length - run.replace(/^[-_+]+/, '').length;
  const core = run.slice(lead).replace(/[-_]+$/, '');
  if (core.length < MIN_RUN || !isRandomLiteral(core)) return undefined;
  return { start: start + lead, end: start + lead + core.length };
}

/** Whether a run of token characters (no key around it to go by) is random rather than a name or a hash. */
export function isRandomLiteral(run: string): boolean {
  // Cheap necessary condition first: most runs in code are paths and names of one case.
  if (!mixesClasses(run) || INTEGRITY.test(run)) return false;
  let kept = 0;
  let pairs = 0;
  let switches = 0;
  let lower = 0;
  let upper = 0;
  let digits = 0;
  let vowels = 0;
  let pieces = 0;
  let i = 0;
  while (i < run.length) {
    while (i < run.length && isSeparator(run.charCodeAt(i))) i++;
    const from = i;
    let hex = true;
    while (i < run.length && !isSeparator(run.charCodeAt(i))) {
      if (!isHexDigit(run.charCodeAt(i))) hex = false;
      i++;
    }
    if (i === from || (hex && i - from >= 7)) continue; // hashes, and the pieces of UUIDs
    kept += i - from;
    pieces++;
    let previous = 0;
    for (let j = from; j < i; j++) {
      const c = run.charCodeAt(j);
      COUNTS[c]!++;
      const kind = charClass(c);
      if (kind === LOWER) lower++;
      else if (kind === UPPER) upper++;
      else digits++;
      if (kind !== DIGIT && VOWEL[c | 0x20] === 1) vowels++;
      if (j > from) {
        pairs++;
        // A capital starting a lower-case word is how names are written, not a switch.
        if (kind !== previous && !(previous === UPPER && kind === LOWER)) switches++;
      }
      previous = kind;
    }
  }
  const entropy = takeEntropy(run, kept);
  if (kept < MIN_RANDOM_CHARS || pairs === 0) return false;
  const rate = switches / pairs;
  const classes = Number(lower > 0) + Number(upper > 0) + Number(digits > 0);
  if (classes >= 2 && digits > 0 && rate >= 0.3 && entropy >= 3.3) return true;
  if (classes === 3) return rate >= 0.25 && entropy >= 3.5;
  if (classes !== 2 || kept < 20) return false;
  if (digits === 0) return rate >= 0.3 && entropy >= 3.8; // mixed case, no digit
  // One case and digits, in one piece (as base36 and base32 tokens come): random letters also
  // lack the vowels that words are full of.
  return entropy >= 3.8 && (rate >= 0.25 || (pieces <= 2 && rate >= 0.15 && vowels / (lower + upper) < 0.25));
}

/** Character counts of the run being judged; `takeEntropy` reads them and leaves them zero. */
const COUNTS = new Int32Array(128);

function takeEntropy(run: string, total: number): number {
  let bits = 0;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    const n = COUNTS[c]!;
    if (n === 0) continue;
    COUNTS[c] = 0;
    const p = n / total;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const VOWEL = new Uint8Array(128);
for (const c of 'aeiou') VOWEL[c.charCodeAt(0)] = 1;

function isSeparator(c: number): boolean {
  return c === 47 /* / */ || c === 95 /* _ */ || c === 43 /* + */ || c === 61 /* = */ || c === 45 /* - */;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Whether `run` is made of token characters only and holds letters of both cases, or letters and digits. */
function mixesClasses(run: string): boolean {
  let seen = 0;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c >= 128 || TOKEN_CHAR[c] !== 1) return false;
    if (c >= 97 && c <= 122) seen |= 1;
    else if (c >= 65 && c <= 90) seen |= 2;
    else if (c >= 48 && c <= 57) seen |= 4;
  }
  return seen === 3 || seen >= 5;
}

function charClass(c: number): number {
  if (c >= 97 && c <= 122) return LOWER;
  if (c >= 65 && c <= 90) return UPPER;
  return DIGIT;
}
