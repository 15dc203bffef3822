/**
 * Redacts secrets from text before it reaches the memory store. Everything mined from git history
 * (commit messages, diff excerpts, file paths) passes through here, so this is on the hot path:
 * one cheap pre-check turns away most text, and every pattern is built to run in linear time
 * (literal anchors, look-behinds that allow one start per run, bounded quantifiers) because
 * history can hold arbitrary, even hostile, content.
 *
 * Policy: a leaked secret costs far more than a redacted non-secret, so doubtful values are
 * redacted. Left alone are only values that are syntactically not secrets: empty strings,
 * placeholders (`<your-token>`, `${VAR}`, `$VAR`, `{{ x }}`, `%(x)s`), masks (`****`, `xxx`),
 * environment look-ups (`process.env.X`, `os.environ[...]`) and code (calls, member paths,
 * camelCase references, keywords, type annotations such as `password: string`). Word
 * placeholders such as `changeme` or `your-token-here` ARE redacted: they cannot be told apart
 * from real weak passwords, and hiding them costs nothing.
 *
 * Text mined from history gets two more passes (see {@link RedactOptions}): random-looking
 * literals that no key names (randomLiterals.ts), and passwords given in prose in commit messages.
 */

import { findRandomLiterals, shannonEntropy } from './randomLiterals.ts';

export interface RedactionResult {
  /** The text with each secret replaced by `[REDACTED:<kind>]`. */
  text: string;
  /** How many secrets were replaced. */
  count: number;
  /** The distinct kinds that were replaced, sorted. */
  kinds: string[];
}

export interface RedactOptions {
  /**
   * Also redact random-looking literals with no key in front of them (hex hashes, git shas and
   * lockfile integrity values excepted). For text mined from history: diff lines, file names,
   * commit messages, author names.
   */
  literals?: boolean;
  /** Also read `password: X`, `the token is X` in prose, whatever follows on the line. For commit messages. */
  prose?: boolean;
}

/** Replaces every secret found in `text` with `[REDACTED:<kind>]`. Idempotent. */
export function redactSecrets(text: string, options: RedactOptions = {}): RedactionResult {
  const tally = new Tally();
  let out = text;
  if (PRECHECK.test(text)) {
    // Order matters: multi-line key blocks go first so no later pass sees their body piecemeal;
    // known token formats go before assignments so they get their precise kind.
    out = redactServiceAccountKeys(out, tally);
    out = redactPrivateKeyBlocks(out, tally);
    out = redactKnownTokens(out, tally);
    out = redactUrlPasswords(out, tally);
    out = redactFlagValues(out, tally);
    out = redactAssignments(out, tally);
    if (options.prose) out = redactProse(out, tally);
  }
  // Last: what is left has no key or known shape to go by, only its look.
  if (options.literals) out = redactRandomLiterals(out, tally);
  return { text: out, count: tally.count, kinds: [...tally.kinds].sort() };
}

/** `redactSecrets(text, options).text`. */
export function redact(text: string, options?: RedactOptions): string {
  return redactSecrets(text, options).text;
}

/** Whether `redactSecrets` would replace anything in `text`. */
export function containsSecret(text: string): boolean {
  return redactSecrets(text).count > 0;
}

// ---------------------------------------------------------------------------------------------
// Plumbing

const MARKER_OPEN = '[REDACTED:';

function marker(kind: string): string {
  return `${MARKER_OPEN}${kind}]`;
}

class Tally {
  count = 0;
  readonly kinds = new Set<string>();
}

interface Edit {
  start: number;
  end: number;
  kind: string;
}

/** Applies ascending, non-overlapping edits in one pass (repeated slicing would be quadratic). */
function applyEdits(text: string, edits: readonly Edit[], tally: Tally): string {
  if (edits.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(text.slice(at, edit.start), marker(edit.kind));
    at = edit.end;
    tally.count++;
    tally.kinds.add(edit.kind);
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Words whose presence in a key name makes an assignment worth a closer look. */
const KEY_ANCHOR_WORDS = 'pass|pw|secret|token|key|auth|cred|salt|seed|sig|nonce|cookie|session|dsn|bearer';

/**
 * Cheap gate: one case-insensitive scan for anything any pass could act on. Most commit messages
 * and file paths fail it and return untouched.
 */
const PRECHECK = new RegExp(
  [
    'BEGIN', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T', 'gh[pousr]_', 'github_pat_', 'gl[a-z]{2,5}-', 'xox',
    'hooks\\.slack', '[sr]k_', 'whsec_', 'sk-', 'AIza', 'npm_', 'hf_', 'SG\\.', 'pypi-', 'eyJ', ':\\/\\/',
    KEY_ANCHOR_WORDS,
  ].join('|'),
  'i',
);

// ---------------------------------------------------------------------------------------------
// Private keys

/** GCP service-account JSON: the escaped PEM sits in one JSON string. */
const SERVICE_ACCOUNT_KEY = /("private_key"[ \t]*:[ \t]*")((?:[^"\\\r\n]|\\.){1,16384})/g;

function redactServiceAccountKeys(text: string, tally: Tally): string {
  if (!text.includes('"private_key"')) return text;
  const edits: Edit[] = [];
  for (const m of text.matchAll(SERVICE_ACCOUNT_KEY)) {
    const value = m[2] ?? '';
    if (value.startsWith(MARKER_OPEN) || isInert(value)) continue;
    const start = m.index + (m[1] ?? '').length;
    edits.push({ start, end: start + value.length, kind: 'gcp-service-account-key' });
  }
  return applyEdits(text, edits, tally);
}

// Covers PKCS#1/#8 (RSA, EC, DSA, ENCRYPTED), OPENSSH, PGP "PRIVATE KEY BLOCK" and the
// four-dash SSH2 form; the lazy label is bounded so a hostile line cannot make it backtrack far.
const PEM_BEGIN = /-{4,5} ?BEGIN [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)? ?-{4,5}/g;
const PEM_END = /-{4,5} ?END [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)? ?-{4,5}/g;
/** Where a diff's next hunk or file starts: a key cut off by the excerpt ends there at the latest. */
const HUNK_START = /\n(?:@@ |diff --git )/g;

function redactPrivateKeyBlocks(text: string, tally: Tally): string {
  if (!text.includes('BEGIN')) return text;
  const edits: Edit[] = [];
  const nextEnd = nextMatchFinder(PEM_END, text);
  const nextHunk = nextMatchFinder(HUNK_START, text);
  PEM_BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PEM_BEGIN.exec(text)) !== null) {
    const from = m.index + m[0].length;
    const end = nextEnd(from);
    const hunk = nextHunk(from);
    let stop = text.length; // no END at all: the key was cut off, so everything after it goes
    if (end !== undefined && (hunk === undefined || end.index < hunk.index)) stop = end.index + end.length;
    else if (hunk !== undefined) stop = hunk.index;
    edits.push({ start: m.index, end: stop, kind: 'private-key' });
    PEM_BEGIN.lastIndex = stop;
  }
  return applyEdits(text, edits, tally);
}

interface Found {
  index: number;
  length: number;
}

/**
 * Next match of `re` at or after a position, remembering the last answer: a BEGIN marker repeated
 * a million times must not rescan the rest of the text for its END each time.
 */
function nextMatchFinder(re: RegExp, text: string): (from: number) => Found | undefined {
  let cached: Found | undefined;
  let exhausted = false;
  return (from) => {
    if (cached !== undefined && cached.index >= from) return cached;
    if (exhausted) return undefined;
    re.lastIndex = from;
    const m = re.exec(text);
    if (m === null) {
      exhausted = true;
      cached = undefined;
      return undefined;
    }
    cached = { index: m.index, length: m[0].length };
    return cached;
  };
}

// ---------------------------------------------------------------------------------------------
// Known token formats

interface TokenRule {
  kind: string;
  pattern: RegExp;
  /** The part of the match to keep in front of the marker (e.g. `AccountKey=`). */
  keep?: RegExp;
  /** Extra test on the secret part, for formats whose shape alone is too loose. */
  accept?: (secret: string) => boolean;
}

// Each pattern starts with a look-behind on its own character class so that a long run of token
// characters gives one start, not one per character; quantifiers after the literal prefix are
// greedy with nothing after them that could fail, so a match never backtracks through a run.
const TOKEN_RULES: readonly TokenRule[] = [
  { kind: 'aws-access-key-id', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/ },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{30,}/ },
  { kind: 'github-token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}/ },
  { kind: 'gitlab-token', pattern: /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|cbt|ft|imt|soat|agent)-[A-Za-z0-9_-]{20,}/ },
  { kind: 'slack-token', pattern: /(?<![A-Za-z0-9_-])xox[abposre]-[A-Za-z0-9-]{10,}/ },
  {
    kind: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,}/,
    keep: /^https:\/\/hooks\.slack\.com\/\w+\//,
  },
  { kind: 'stripe-key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/ },
  { kind: 'stripe-key', pattern: /(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{20,}/ },
  // Before OpenAI: both start with "sk-".
  { kind: 'anthropic-api-key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/ },
  { kind: 'openai-api-key', pattern: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,})/ },
  { kind: 'google-api-key', pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}/ },
  { kind: 'npm-token', pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36,}/ },
  { kind: 'huggingface-token', pattern: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}/ },
  { kind: 'sendgrid-api-key', pattern: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/ },
  { kind: 'pypi-token', pattern: /(?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,}/ },
  { kind: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/ },
  {
    kind: 'azure-storage-key',
    pattern: /(?<![A-Za-z0-9])(?:[Aa]ccount|[Ss]hared[Aa]ccess)[Kk]ey=[A-Za-z0-9+/]{20,}={0,2}/,
    keep: /^[^=]*=/,
  },
  { kind: 'azure-sas-signature', pattern: /[?&;]sig=[A-Za-z0-9%+/]{20,}(?:%3[Dd]|=){0,2}/, keep: /^.sig=/ },
  {
    // Outside an Authorization header only long, digit-bearing values count: "Bearer tokens are" is prose.
    kind: 'bearer-token',
    pattern: /(?<![A-Za-z0-9_-])(?:[Bb]earer|BEARER)[ \t]+[A-Za-z0-9._~+/-]{16,}=*/,
    keep: /^\w+[ \t]+/,
    accept: (secret) => /\d/.test(secret),
  },
];

const KNOWN_TOKENS = new RegExp(TOKEN_RULES.map((rule, i) => `(?<t${i}>${rule.pattern.source})`).join('|'), 'g');

function redactKnownTokens(text: string, tally: Tally): string {
  const edits: Edit[] = [];
  for (const m of text.matchAll(KNOWN_TOKENS)) {
    const groups = m.groups ?? {};
    const index = TOKEN_RULES.findIndex((_, i) => groups[`t${i}`] !== undefined);
    const rule = TOKEN_RULES[index];
    if (rule === undefined) continue;
    const keep = rule.keep?.exec(m[0])?.[0].length ?? 0;
    const secret = m[0].slice(keep);
    if (rule.accept !== undefined && !rule.accept(secret)) continue;
    edits.push({ start: m.index + keep, end: m.index + m[0].length, kind: rule.kind });
  }
  return applyEdits(text, edits, tally);
}

// ---------------------------------------------------------------------------------------------
// Passwords in URLs: scheme://user:pass@host keeps user and host

// Starts only at "://"; neither part may contain "/", so one scan never runs past the next URL.
const URL_CREDENTIALS = /(:\/\/[^\s:@/?#]{0,256}:)([^\s@/?#]{1,512})@/g;

function redactUrlPasswords(text: string, tally: Tally): string {
  if (!text.includes('://')) return text;
  const edits: Edit[] = [];
  for (const m of text.matchAll(URL_CREDENTIALS)) {
    const password = m[2] ?? '';
    if (isInert(password)) continue;
    const start = m.index + (m[1] ?? '').length;
    edits.push({ start, end: start + password.length, kind: 'url-password' });
  }
  return applyEdits(text, edits, tally);
}

// ---------------------------------------------------------------------------------------------
// Assignments to secret-looking keys: KEY=value, KEY: value, "key": "value", key = 'value',
// export KEY=value, <key>value</key>, --key value, diff-prefixed or not. The key stays, the value goes.

/**
 * Finds candidates: an anchor word, the rest of a key and something like a separator close by.
 * The key's true extent, the separator and the value are then parsed by hand.
 */
const ASSIGNMENT_ANCHOR = new RegExp(
  `(?:${KEY_ANCHOR_WORDS})[\\w.-]{0,60}["'\`\\]]{0,2}[ \\t]{0,8}(?:[:=>?!]|value[ \\t]*=)`,
  'gi',
);
const MAX_KEY_LENGTH = 80;
const SEPARATOR = /(["'`]?\]?)([ \t]*)(:=|\?=|=>|=(?![=~])|[?!]?:(?![:=]))([ \t]*)/y;
const COMPARED_LITERAL = /[ \t]*(?:===?|!==?)[ \t]*(?=["'`])/y;
const XML_ATTRIBUTE_VALUE = /["'][ \t]+value[ \t]*=[ \t]*/y;
const STRING_PREFIX = /(?:[rbfuRBFU]{1,2}|@)(?=["'])/y;
const QUOTED: Record<string, RegExp> = {
  '"': /"((?:[^"\\\r\n]|\\.){0,4096})"?/y,
  "'": /'((?:[^'\\\r\n]|\\.){0,4096})'?/y,
  '`': /`((?:[^`\\\r\n]|\\.){0,4096})`?/y,
};
const XML_TEXT = /[^<\r\n]{1,1024}/y;
/** Unquoted value at the start of a line (.env, YAML, ini): everything up to whitespace. */
const UNQUOTED_LINE_VALUE = /[^\s]{1,1024}/y;
/** Unquoted value mid-line (code, query strings, connection strings): stops at delimiters. */
const UNQUOTED_MID_VALUE = /[^\s;,&'"`)\]}<>]{1,512}/y;
/** After a type annotation that was left alone (`password: str = "..."`), the initializer. */
const ANNOTATED_INITIALIZER = /[^\r\n=;{}()]{0,60}=(?![=>])[ \t]*/y;
const AUTH_SCHEME = /(bearer|basic|token|digest|bot|negotiate|ntlm)[ \t]+/iy;
const AUTH_SCHEME_PREFIX = /^(bearer|basic|token|digest|bot|negotiate|ntlm)[ \t]+/i;
const AUTH_SCHEME_VALUE = /[^\s"'`,;)}\]]{1,4096}/y;
/** What may precede a key on its line for the line to count as a config line (.env, YAML, ini). */
const CONFIG_LINE_PREFIX = /^[+\- ]?[ \t]*(?:(?:export|set|setx|declare(?: -[a-zA-Z]+)?|readonly|local|ENV|ARG)[ \t]+|-[ \t]+)?["']?$/;

interface KeyInfo {
  kind: string;
  /** Only high-entropy values count (`key`, `salt`, `signature`...: too common in code otherwise). */
  weak: boolean;
  /** Whether an auth scheme (`Bearer x`) may precede the value. */
  authorization: boolean;
  /** Lower-case alphanumerics of the key and of its last dotted segment, to spot `token=token`. */
  names: readonly string[];
}

interface ValueContext {
  /** The key opens a config-style line (possibly after a diff marker, `export`, or `- `). */
  lineStart: boolean;
  /** Config line with `KEY=value`: .env, shell, properties. Only placeholders survive here. */
  strict: boolean;
  /** No whitespace around the separator: query strings, connection strings, flags. */
  tight: boolean;
}

interface ValueVerdict {
  edit: Edit | undefined;
  /** Where the value starts. */
  start: number;
  /** Where scanning may resume. */
  end: number;
  /** Whether the value was left alone and may be a type annotation with an initializer after it. */
  annotation: boolean;
}

function redactAssignments(text: string, tally: Tally): string {
  const edits: Edit[] = [];
  const re = ASSIGNMENT_ANCHOR;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const hit = m.index;
    let keyStart = hit;
    const minStart = Math.max(0, hit - MAX_KEY_LENGTH);
    while (keyStart > minStart && isKeyChar(text.charCodeAt(keyStart - 1))) keyStart--;
    let keyEnd = hit;
    const maxEnd = Math.min(text.length, hit + MAX_KEY_LENGTH);
    while (keyEnd < maxEnd && isKeyChar(text.charCodeAt(keyEnd))) keyEnd++;
    if ((keyStart === minStart && keyStart > 0 && isKeyChar(text.charCodeAt(keyStart - 1))) || (keyEnd === maxEnd && keyEnd < text.length && isKeyChar(text.charCodeAt(keyEnd)))) {
      // Too long to be a key; skip the whole run once rather than revisiting it per anchor.
      let end = keyEnd;
      while (end < text.length && isKeyChar(text.charCodeAt(end))) end++;
      re.lastIndex = end;
      continue;
    }
    re.lastIndex = Math.max(keyEnd, hit + 1);
    // Leading dashes/dots belong to a diff marker, a flag (--password) or a path, not the key.
    while (keyStart < keyEnd && (text.charCodeAt(keyStart) === 45 || text.charCodeAt(keyStart) === 46)) keyStart++;
    if (keyStart >= keyEnd) continue;
    if (keyStart >= MARKER_OPEN.length && text.startsWith(MARKER_OPEN, keyStart - MARKER_OPEN.length)) continue;
    const key = classifyKey(text.slice(keyStart, keyEnd));
    if (key === undefined) continue;
    const verdict = redactAssignedValue(text, keyStart, keyEnd, key);
    if (verdict === undefined) continue;
    if (verdict.edit !== undefined) edits.push(verdict.edit);
    // A short value left alone may itself hold a key (`key="DbPassword" value="..."`), so it is
    // scanned again; long ones are skipped so that rescans stay bounded.
    const resume = verdict.edit === undefined && verdict.end - verdict.start <= 64 ? verdict.start : verdict.end;
    re.lastIndex = Math.max(re.lastIndex, resume);
  }
  return applyEdits(text, edits, tally);
}

/** `--password hunter2` on a command line; the `--password=hunter2` form is an assignment. */
const FLAG_WITH_VALUE = /(?<![\w-])--([A-Za-z][\w.-]{0,60})[ \t]+(?=[^\s-])/g;

function redactFlagValues(text: string, tally: Tally): string {
  if (!text.includes('--')) return text;
  const edits: Edit[] = [];
  for (const m of text.matchAll(FLAG_WITH_VALUE)) {
    const key = classifyKey(m[1] ?? '');
    if (key === undefined) continue;
    const verdict = judgeValue(text, m.index + m[0].length, key, { lineStart: false, strict: false, tight: true });
    if (verdict.edit !== undefined) edits.push(verdict.edit);
  }
  return applyEdits(text, edits, tally);
}

function redactAssignedValue(text: string, keyStart: number, keyEnd: number, key: KeyInfo): ValueVerdict | undefined {
  const before = text.charCodeAt(keyStart - 1);
  // <password>value</password>; a generic such as Promise<CryptoKey> has a name glued in front.
  if (before === 60 /* < */ && text.charCodeAt(keyEnd) === 62 /* > */ && !isIdentifierChar(text.charCodeAt(keyStart - 2))) {
    XML_TEXT.lastIndex = keyEnd + 1;
    const value = XML_TEXT.exec(text)?.[0] ?? '';
    const end = keyEnd + 1 + value.length;
    const closed = text.startsWith('</', end);
    return { edit: closed && quotedIsSecret(value, key) ? { start: keyEnd + 1, end, kind: key.kind } : undefined, start: keyEnd + 1, end, annotation: false };
  }
  // <add key="DbPassword" value="..."/>
  if (before === 34 || before === 39) {
    XML_ATTRIBUTE_VALUE.lastIndex = keyEnd;
    if (XML_ATTRIBUTE_VALUE.exec(text) !== null) {
      return judgeValue(text, XML_ATTRIBUTE_VALUE.lastIndex, key, { lineStart: false, strict: false, tight: false });
    }
  }
  // if (password === "hunter2"): a literal compared with a secret is a hard-coded secret.
  COMPARED_LITERAL.lastIndex = keyEnd;
  if (COMPARED_LITERAL.exec(text) !== null) {
    return judgeValue(text, COMPARED_LITERAL.lastIndex, key, { lineStart: false, strict: false, tight: false });
  }
  SEPARATOR.lastIndex = keyEnd;
  const sep = SEPARATOR.exec(text);
  if (sep === null) return undefined;
  const spacedBefore = (sep[2] ?? '') !== '';
  const spacedAfter = (sep[4] ?? '') !== '';
  const operator = sep[3] ?? '';
  // console.log('password:', x): the quote after the colon closes the string the key sits in.
  if ((before === 34 || before === 39 || before === 96) && sep[1] === '' && text.charCodeAt(SEPARATOR.lastIndex) === before) return undefined;
  const lineStart = isConfigLineStart(text, keyStart);
  const context: ValueContext = {
    lineStart,
    strict: lineStart && operator === '=' && !spacedBefore,
    // Only `=`: a glued colon is as often a namespace or label (auth:login) as an assignment.
    tight: operator.endsWith('=') && !spacedBefore && !spacedAfter,
  };
  const verdict = judgeValue(text, SEPARATOR.lastIndex, key, context);
  if (verdict.edit === undefined && verdict.annotation && operator.endsWith(':')) {
    // `password: str = "hunter2"`: the type stays, the initializer is still judged.
    ANNOTATED_INITIALIZER.lastIndex = verdict.end;
    if (ANNOTATED_INITIALIZER.exec(text) !== null) {
      return judgeValue(text, ANNOTATED_INITIALIZER.lastIndex, key, { lineStart: false, strict: false, tight: false });
    }
  }
  return verdict;
}

function judgeValue(text: string, at: number, key: KeyInfo, context: ValueContext): ValueVerdict {
  STRING_PREFIX.lastIndex = at;
  const prefix = STRING_PREFIX.exec(text);
  const quoteAt = prefix === null ? at : at + prefix[0].length;
  const quoted = QUOTED[text.charAt(quoteAt)];
  if (quoted !== undefined) {
    quoted.lastIndex = quoteAt;
    const m = quoted.exec(text);
    const body = m?.[1] ?? '';
    const start = quoteAt + 1;
    const end = m === null ? start : quoteAt + m[0].length;
    // "Token imprevisto." is a message, so only Authorization values and "Bearer x" have a scheme.
    const schemeMatch = AUTH_SCHEME_PREFIX.exec(body);
    const scheme = schemeMatch !== null && (key.authorization || /^bearer/i.test(body)) && !key.weak ? schemeMatch[0].length : 0;
    const secret = body.slice(scheme);
    if (scheme > 0) {
      return { edit: isInert(secret) ? undefined : { start: start + scheme, end: start + body.length, kind: schemeKind(body, key) }, start: at, end, annotation: false };
    }
    return { edit: quotedIsSecret(body, key) ? { start, end: start + body.length, kind: key.kind } : undefined, start: at, end, annotation: false };
  }
  if (key.authorization) {
    AUTH_SCHEME.lastIndex = at;
    const scheme = AUTH_SCHEME.exec(text);
    if (scheme !== null) {
      AUTH_SCHEME_VALUE.lastIndex = AUTH_SCHEME.lastIndex;
      const value = AUTH_SCHEME_VALUE.exec(text)?.[0] ?? '';
      const start = AUTH_SCHEME.lastIndex;
      const end = start + value.length;
      if (value === '') return { edit: undefined, start: at, end, annotation: false };
      return { edit: isInert(value) ? undefined : { start, end, kind: schemeKind(scheme[0], key) }, start: at, end, annotation: false };
    }
  }
  const pattern = context.lineStart ? UNQUOTED_LINE_VALUE : UNQUOTED_MID_VALUE;
  pattern.lastIndex = at;
  let value = pattern.exec(text)?.[0] ?? '';
  let end = at + value.length;
  // Trailing `,` or `;` ends a statement or object entry rather than belonging to the value.
  let trailing = '';
  while (value.length > 0 && (value.endsWith(',') || value.endsWith(';'))) {
    trailing = value.charAt(value.length - 1);
    value = value.slice(0, -1);
    end--;
  }
  if (value === '') return { edit: undefined, start: at, end, annotation: false };
  let next = end;
  while (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 9) next++;
  const following = trailing !== '' ? trailing : nextOnLine(text, next);
  const secret = unquotedIsSecret(value, key, context, following);
  return {
    edit: secret ? { start: at, end, kind: key.kind } : undefined,
    start: at,
    end,
    annotation: !secret && following !== '' && '=|&[]<>'.includes(following),
  };
}

function nextOnLine(text: string, at: number): string {
  const ch = text.charAt(at);
  return ch === '\n' || ch === '\r' ? '' : ch;
}

function schemeKind(scheme: string, key: KeyInfo): string {
  const word = scheme.trim().toLowerCase();
  if (word.startsWith('bearer')) return 'bearer-token';
  if (word.startsWith('basic')) return 'basic-auth';
  return key.kind;
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

function isIdentifierChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function isConfigLineStart(text: string, keyStart: number): boolean {
  // Bounded look-back: on a megabyte-long line, searching for its start per key would be quadratic.
  let i = keyStart;
  const min = Math.max(0, keyStart - 48);
  while (i > min && text.charCodeAt(i - 1) !== 10) i--;
  if (i > 0 && text.charCodeAt(i - 1) !== 10) return false;
  return CONFIG_LINE_PREFIX.test(text.slice(i, keyStart));
}

// ---------------------------------------------------------------------------------------------
// Passwords in prose: "The new password: X", "token is X" (commit messages)

/**
 * A secret's name, then `:`, `=` or a verb, then the value. The value is the next word whatever
 * follows it: prose has no syntax to say where a value ends, so the code heuristics of the
 * assignment pass (a `&` or `)` after a value means code) do not apply.
 */
const PROSE_SECRET = new RegExp(
  '(?<![A-Za-z0-9_])(?:pass(?:word|wd|phrase|code)|pwd|secret|token|api[ _-]?key|(?:access|secret|private|signing)[ _-]key|credentials?|creds)' +
    "(?:[ \\t]*[:=][ \\t]*|[ \\t]+(?:is|was|now|to|set to)(?:[ \\t]*:)?[ \\t]+)[\"'`(<\\[]?([^\\s\"'`<>]{1,256})",
  'gi',
);
/** Sentence punctuation after a value belongs to the sentence. */
const TRAILING_PUNCTUATION = /[.,;:)\]}>]+$/;

function redactProse(text: string, tally: Tally): string {
  const edits: Edit[] = [];
  for (const m of text.matchAll(PROSE_SECRET)) {
    const raw = m[1] ?? '';
    const value = raw.replace(TRAILING_PUNCTUATION, '');
    if (value.length < 6 || isInert(value) || CODE_WORDS.has(value.toLowerCase())) continue;
    if (!looksLikeLiteralSecret(value) && !isHighEntropy(value)) continue; // "token: refresh it first"
    const start = m.index + m[0].length - raw.length;
    if (text.startsWith(MARKER_OPEN, start - 1)) continue; // redacted already, by an earlier pass
    edits.push({ start, end: start + value.length, kind: /pass|pwd/i.test(m[0]) ? 'password' : 'secret' });
  }
  return applyEdits(text, edits, tally);
}

// ---------------------------------------------------------------------------------------------
// Random literals with nothing to name them (text mined from history)

function redactRandomLiterals(text: string, tally: Tally): string {
  const spans = findRandomLiterals(text);
  if (spans.length === 0) return text;
  const edits: Edit[] = [];
  for (const span of spans) {
    // Our own markers are never random, but a run can end right at one: leave markers whole.
    if (span.start >= MARKER_OPEN.length && text.startsWith(MARKER_OPEN, span.start - MARKER_OPEN.length)) continue;
    edits.push({ ...span, kind: 'random-literal' });
  }
  return applyEdits(text, edits, tally);
}

// ---------------------------------------------------------------------------------------------
// Key names

/** Last word of a key that makes it a secret by itself (after splitting camelCase, _, -, .). */
const SECRET_WORDS: ReadonlyMap<string, string> = new Map([
  ['password', 'password'], ['passwd', 'password'], ['pwd', 'password'], ['pass', 'password'], ['pw', 'password'],
  ['passphrase', 'password'], ['passcode', 'password'],
  ['secret', 'secret'], ['token', 'token'], ['bearer', 'token'], ['apikey', 'api-key'],
  ['accesskey', 'secret'], ['secretkey', 'secret'], ['privatekey', 'secret'], ['masterkey', 'secret'],
  ['auth', 'credential'], ['authorization', 'credential'], ['credential', 'credential'],
  ['credentials', 'credential'], ['creds', 'credential'], ['cred', 'credential'],
]);
/** Glued forms (`PGPASSWORD`, `csrftoken`, `googleapikey`) are recognised by these endings. */
const SECRET_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'accesskey', 'secretkey', 'privatekey'];
/** `<qualifier>_key` is a secret; a bare or other `key` only when its value looks random. */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'signing', 'sign', 'encryption', 'encrypt', 'decryption', 'master',
  'account', 'client', 'app', 'consumer', 'subscription', 'license', 'shared', 'hmac', 'jwt', 'ssh', 'gpg',
  'pgp', 'deploy', 'admin', 'webhook', 'auth', 'cipher', 'crypto', 'aes',
]);
const WEAK_WORDS = new Set(['key', 'salt', 'seed', 'signature', 'sig', 'hmac', 'nonce', 'cookie', 'sessionid', 'session', 'dsn']);
/** Trailing words that describe a secret's encoding rather than change what it is. */
const NOISE_WORDS = new Set(['value', 'val', 'str', 'string', 'b64', 'base64', 'hex', 'raw', 'plain', 'plaintext', 'enc', 'encrypted', 'base']);

/** Key names repeat a lot across a history (and within hostile input), so verdicts are memoised. */
const keyCache = new Map<string, KeyInfo | null>();
const KEY_CACHE_LIMIT = 4096;

function classifyKey(rawKey: string): KeyInfo | undefined {
  let info = keyCache.get(rawKey);
  if (info === undefined) {
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    info = classifyKeyUncached(rawKey) ?? null;
    keyCache.set(rawKey, info);
  }
  return info ?? undefined;
}

function classifyKeyUncached(rawKey: string): KeyInfo | undefined {
  // Only the last dotted segment names the thing: db.password is a password, token.value is not.
  const lastSegment = rawKey.slice(rawKey.lastIndexOf('.') + 1);
  const words = lastSegment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.-]+/)
    .map((word) => word.replace(/\d+$/, ''))
    .filter((word) => word !== '');
  while (words.length > 1 && NOISE_WORDS.has(words[words.length - 1] ?? '')) words.pop();
  const last = words[words.length - 1] ?? '';
  const previous = words[words.length - 2] ?? '';
  let kind: string | undefined = SECRET_WORDS.get(last);
  let weak = false;
  if (kind === undefined && last === 'key' && KEY_QUALIFIERS.has(previous)) kind = previous === 'api' ? 'api-key' : 'secret';
  if (kind === undefined) {
    const suffix = SECRET_SUFFIXES.find((word) => last.endsWith(word));
    if (suffix !== undefined) kind = SECRET_WORDS.get(suffix) ?? 'secret';
  }
  if (kind === undefined && (WEAK_WORDS.has(last) || last.endsWith('key'))) {
    kind = 'high-entropy-secret';
    weak = true;
  }
  if (kind === undefined) return undefined;
  return {
    kind: !weak && isAwsSecretKey(words) ? 'aws-secret-access-key' : kind,
    weak,
    authorization: last === 'authorization',
    names: [normalize(rawKey), normalize(lastSegment)],
  };
}

function isAwsSecretKey(words: readonly string[]): boolean {
  const joined = words.join('');
  return joined.includes('secretaccesskey') || (words.includes('aws') && words.includes('secret'));
}

function normalize(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

// ---------------------------------------------------------------------------------------------
// Values

/**
 * Values that are syntactically not secrets: empty, our own markers, masks, placeholders and
 * environment look-ups. Anchored and applied to bounded strings, so the `.*` cannot run away.
 * Closing braces are optional because a mid-line value stops at `}`.
 */
const INERT_VALUE = new RegExp(
  '^(?:' +
    [
      '',
      '\\[REDACTED:[a-z0-9-]*\\]?',
      '[~^<>=v]{0,3}\\d+(?:\\.[\\dx*]+)+(?:[-+][\\w.-]*)?', // versions, as in "canceltoken": "^1.0.0"
      '\\*+', '[xX]{3,}', '\\.{3,}', '\u2026', '\u2022+', '#+', '-{3,}',
      '<[^<>]*>',
      '\\$\\{\\{.*', '\\$\\{[^{}]*\\}?', '\\$[A-Za-z_][A-Za-z0-9_]*', '\\$\\(.*', '`.*',
      '%[A-Za-z_][A-Za-z0-9_]*%', '\\{\\{.*', '%\\([A-Za-z_]\\w*\\)[sdr]', '%[sdr]', '\\{[A-Za-z0-9_]*\\}', '#\\{[^}]*\\}',
      '(?:process\\.env|import\\.meta\\.env|os\\.environ|os\\.getenv|System\\.getenv|Deno\\.env|ENV\\[|env\\(|getenv\\(|\\$env:|secrets\\.|vars\\.).*',
    ].join('|') +
    ')$',
);
/** Interpolations inside a quoted value: `"Bearer ${token}"` holds no literal secret. */
const INTERPOLATION = /\$\{\{[^}]{0,200}\}\}|\$\{[^}]{0,200}\}|\{\{[^}]{0,200}\}\}|\$[A-Za-z_]\w*|%\([A-Za-z_]\w*\)[sdr]|%[A-Za-z_]\w*%|#\{[^}]{0,200}\}|\{[A-Za-z_]\w*\}/g;
const LITERAL_RUN = /[A-Za-z0-9+/=_-]{8,}/;
/**
 * Messages such as "Unexpected token." or "Your token has expired": two or more plain words.
 * Only counted as prose with sentence punctuation or a function word, so a passphrase of bare
 * words ("correct horse battery staple") is still redacted.
 */
const SENTENCE = /^[A-Za-z][a-z']*(?:[,;]? [A-Za-z][a-z']*)+[.!?:]?$/;
/** Secrets are ASCII; letters beyond it mean human language ("Jeton inattendu", "意外的标记"). */
const NON_ASCII_LETTER = /[^\p{ASCII}]/u;
const STOP_WORD = / (?:the|a|an|is|are|was|were|has|have|had|not|no|to|of|for|in|on|at|by|with|your|you|be|been|must|this|that|it|or|and)\b/i;
/** Quoted values that are settings, not secrets (`credentials: 'include'` in fetch calls). */
const NON_SECRET_WORDS = new Set(['include', 'omit', 'same-origin', 'none', 'null', 'nil', 'undefined', 'true', 'false', 'required', 'optional']);
/** Unquoted values that are keywords, literals or type names, as in `password: string`. */
const CODE_WORDS = new Set([
  ...NON_SECRET_WORDS, 'yes', 'no', 'on', 'off',
  'string', 'str', 'number', 'int', 'integer', 'float', 'double', 'bool', 'boolean', 'any', 'unknown', 'never',
  'object', 'void', 'bytes', 'char', 'long', 'short', 'uint', 'secretstr', 'securestring',
  'new', 'await', 'async', 'function', 'lambda', 'this', 'self', 'typeof', 'yield', 'return', 'def', 'fn',
]);
/** An identifier path with an optional call, index or generic after it. */
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*((?:\?\.|\.|::|->)[A-Za-z_$][\w$]*)*([(<[])?/;
const CAMEL_CASE = /^[a-z]+(?:[A-Z][a-z]+)+$/;
const SMALL_NUMBER = /^-?\d{1,3}(?:\.\d+)?$/;
const CODE_START = '([{!&|:?@*';
const CODE_FOLLOWERS = ',;)|&?+*/.[]{}<>=:';
const TOKEN_CHARS = /^[A-Za-z0-9+/=_.~-]+$/;
const HEX = /^[0-9a-fA-F]+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Identifiers and paths made of words (`user_settings_v2`), which random keys are not. */
const WORDY = /^[A-Za-z]+(?:[_.-][A-Za-z0-9]+)*$/;

function isInert(value: string): boolean {
  return INERT_VALUE.test(value.trim());
}

function quotedIsSecret(value: string, key: KeyInfo): boolean {
  if (isInert(value)) return false;
  if (NON_SECRET_WORDS.has(value.toLowerCase())) return false;
  if (value.length <= 8 && !/[A-Za-z0-9]/.test(value)) return false; // operators: '&&=', ','
  if (SENTENCE.test(value) && (/[.!?:]$/.test(value) || STOP_WORD.test(value))) return false; // messages
  if (NON_ASCII_LETTER.test(value) && !value.split(/\s+/).some((word) => word.length >= 8 && /\d/.test(word))) return false; // localised messages
  INTERPOLATION.lastIndex = 0;
  if (INTERPOLATION.test(value) && !LITERAL_RUN.test(value.replace(INTERPOLATION, ''))) return false;
  if (key.weak) return isHighEntropy(value);
  return true;
}

function unquotedIsSecret(value: string, key: KeyInfo, context: ValueContext, following: string): boolean {
  if (isInert(value)) return false;
  if (key.weak) return isHighEntropy(value);
  if (isHighEntropy(value)) return true;
  if (CODE_WORDS.has(value.toLowerCase())) return false;
  if (key.names.includes(normalize(value))) return false; // token=token: a variable passed on
  if (context.strict) return true;
  if (looksLikeCode(value)) return false;
  if (context.tight) return true;
  if (following !== '' && CODE_FOLLOWERS.includes(following)) return false;
  if (following !== '' && following !== '#') return looksLikeLiteralSecret(value); // prose goes on
  if (context.lineStart) return true;
  return looksLikeLiteralSecret(value);
}

function looksLikeCode(value: string): boolean {
  if (CODE_START.includes(value.charAt(0))) return true;
  if (SMALL_NUMBER.test(value)) return true;
  const path = IDENTIFIER_PATH.exec(value);
  if (path === null) return false;
  if (path[2] !== undefined) return true; // call, index or generic
  if (path[0].length !== value.length) return false;
  return path[1] !== undefined || CAMEL_CASE.test(value);
}

function looksLikeLiteralSecret(value: string): boolean {
  if (value.length < 6) return false;
  const letters = /[A-Za-z]/.test(value);
  if (letters && /\d/.test(value)) return true;
  return letters && /[^\w.$-]/.test(value);
}

/** Long base64/hex-looking strings with the character spread of random data. */
function isHighEntropy(value: string): boolean {
  if (value.length < 20) return false;
  if (UUID.test(value)) return true;
  if (!TOKEN_CHARS.test(value)) return false;
  if (HEX.test(value)) return value.length >= 32 && /\d/.test(value) && /[a-fA-F]/.test(value) && shannonEntropy(value) >= 3;
  if (WORDY.test(value)) return false;
  const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/\d/.test(value));
  return classes >= 2 && shannonEntropy(value) >= 3.5;
}
