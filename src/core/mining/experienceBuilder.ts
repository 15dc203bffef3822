import { EXPERIENCE_SCHEMA, emptyUtility } from '../memory/experience.ts';
import type { CommitExperience, FileChange, Intent, SymbolChange } from '../memory/experience.ts';
import { redactSecrets } from '../security/redact.ts';
import type { RedactOptions } from '../security/redact.ts';
import { COMMIT_MESSAGE, MINED_TEXT, redactPath } from '../security/minedText.ts';
import { isSecretFile, showsKeyMaterial } from '../security/secretFiles.ts';
import { categorizePath, isNoiseCategory } from '../git/fileCategory.ts';
import { classifyKind, parseIntent, revertTarget } from '../git/intent.ts';
import type { RawChange, RawCommit } from '../git/rawCommit.ts';
import { extractKeywords } from '../memory/keywords.ts';
import { CODE_KEYWORDS } from '../git/codeKeywords.ts';

const MAX_SUMMARY_CHARS = 1500;
const MAX_BODY_CHARS = 4000;
const HUGE_COMMIT_FILES = 200;
const HUGE_COMMIT_LINES = 20_000;

/**
 * Redacts everything a commit brings (message, author, paths, diff lines, symbols) and counts what
 * it replaced, for the experience's `secretsRedacted`.
 */
export class MinedTextRedactor {
  count = 0;

  text(text: string, options: RedactOptions = MINED_TEXT): string {
    if (text === '') return text;
    const result = redactSecrets(text, options);
    this.count += result.count;
    return result.text;
  }

  path(path: string): string {
    const result = redactPath(path);
    this.count += result.count;
    return result.text;
  }
}

export function toFileChange(change: RawChange, redactor = new MinedTextRedactor()): FileChange {
  return readChange(change, redactor).file;
}

/**
 * The file as memory keeps it, and whether its changed lines are withheld: key files, and files
 * whose changed lines turn out to be key material once redacted, keep only their path and counts.
 */
function readChange(change: RawChange, redactor: MinedTextRedactor): { file: FileChange; opaque: boolean } {
  const path = redactor.path(change.path);
  const file: FileChange = {
    path,
    status: change.status,
    category: categorizePath(change.path, { binary: change.binary, submodule: change.submodule }),
    added: change.added,
    deleted: change.deleted,
  };
  if (change.oldPath !== undefined) file.oldPath = redactor.path(change.oldPath);
  if (change.binary) file.binary = true;
  // The exact bytes of a path that lost a secret would hold it again.
  if (change.rawPath && path === change.path) file.rawPath = change.rawPath;
  if (change.truncated) file.truncated = true;
  let opaque = isSecretFile(change.path) || (change.oldPath !== undefined && isSecretFile(change.oldPath));
  if (!opaque && change.wordText && change.wordText.length > 0) {
    const text = redactor.text(change.wordText.join('\n'));
    if (showsKeyMaterial(text)) opaque = true;
    else {
      const words = changeVocabulary(text);
      if (words.length > 0) file.words = words;
    }
  }
  // Withheld lines count as redacted: memory lost what they held.
  if (opaque && change.sample.length > 0) redactor.count++;
  return { file, opaque };
}

const WORDS_PER_FILE = 12;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]{2,39}/g;
const REDACTION_MARKER = /\[REDACTED:[a-z0-9-]*\]/g;
/** Integrity hashes are kept in the summary but are nobody's vocabulary. */
const INTEGRITY_VALUE = /(?<![A-Za-z0-9])(?:sha(?:1|224|256|384|512)|md5)-[A-Za-z0-9+/]{16,}=*/g;

/**
 * The most frequent identifiers of a file's changed lines, read from their redacted text with the
 * markers taken out: a key or a password in a diff must not reach memory as a "word", and neither
 * must "REDACTED" or the kind of secret; long letter-and-digit tokens are dropped too.
 */
function changeVocabulary(redacted: string): string[] {
  const counts = new Map<string, number>();
  for (const match of redacted.replace(REDACTION_MARKER, ' ').replace(INTEGRITY_VALUE, ' ').matchAll(IDENTIFIER)) {
    const word = match[0];
    if (CODE_KEYWORDS.has(word.toLowerCase())) continue;
    if (word.length >= 16 && /\d/.test(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, WORDS_PER_FILE)
    .map(([word]) => word);
}

/** Turns what git reported about one commit into the record the store keeps. */
export function buildExperience(raw: RawCommit, seq: number, symbols: SymbolChange[]): CommitExperience {
  const redactor = new MinedTextRedactor();
  const intent = redactIntent(parseIntent(raw.message), redactor);
  const read = raw.changes.map((change) => readChange(change, redactor));
  const files = read.map((r) => r.file);
  const opaque = read.map((r) => r.opaque);
  // Symbols name their file by path: redacted the same way, they still point at it.
  const keptSymbols = symbols.map((symbol) => redactSymbol(symbol, redactor));
  const target = revertTarget(intent);
  const kind = classifyKind(intent, files, target !== undefined || /^revert\b/i.test(intent.subject));
  const linesChanged = files.reduce((sum, f) => sum + f.added + f.deleted, 0);
  const experience: CommitExperience = {
    schema: EXPERIENCE_SCHEMA,
    id: `commit:${raw.sha}`,
    source: 'commit',
    sha: raw.sha,
    seq,
    parents: raw.parents.length,
    authorTime: raw.authorTime,
    commitTime: raw.commitTime,
    author: { name: redactor.text(raw.authorName), email: redactor.text(raw.authorEmail) },
    intent,
    kind,
    files,
    symbols: keptSymbols,
    tests: files.filter((f) => f.category === 'test' && f.status !== 'deleted').map((f) => f.path),
    diffSummary: summarize(raw.changes, files, keptSymbols, opaque, redactor),
    keywords: [],
    flags: {},
    utility: emptyUtility(),
  };
  experience.keywords = extractKeywords(intent, files, keptSymbols);
  if (raw.changesOmitted > 0) experience.filesOmitted = raw.changesOmitted;
  if (target) experience.revertOf = target;
  if (raw.parents.length > 1) experience.flags.merge = true;
  if (raw.changesOmitted > 0 || files.length > HUGE_COMMIT_FILES || linesChanged > HUGE_COMMIT_LINES) experience.flags.huge = true;
  if (raw.messageNotUtf8) experience.flags.messageNotUtf8 = true;
  if (redactor.count > 0) experience.flags.secretsRedacted = redactor.count;
  return experience;
}

/** Every part of the message that is kept: subject, body, scope and issue references. */
function redactIntent(parsed: Intent, redactor: MinedTextRedactor): Intent {
  // Redacted before it is cut, so that the cut never leaves half a secret no pattern knows.
  const body = redactor.text(parsed.body.slice(0, MAX_BODY_CHARS + BODY_SLACK_CHARS), COMMIT_MESSAGE);
  const intent: Intent = { ...parsed, subject: redactor.text(parsed.subject, COMMIT_MESSAGE), body: cutText(body, MAX_BODY_CHARS), issues: parsed.issues.map((issue) => redactor.text(issue)) };
  if (parsed.scope !== undefined) intent.scope = redactor.text(parsed.scope, COMMIT_MESSAGE);
  return intent;
}

function redactSymbol(symbol: SymbolChange, redactor: MinedTextRedactor): SymbolChange {
  const kept: SymbolChange = { ...symbol, path: redactor.path(symbol.path), name: redactor.text(symbol.name) };
  if (symbol.container !== undefined) kept.container = redactor.text(symbol.container);
  return kept;
}

/** Room past the body's cap so that a secret straddling the cap is still seen whole by the redactor. */
const BODY_SLACK_CHARS = 1024;

/** `text` cut to `max` characters, without leaving a redaction marker cut in half at the end. */
function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const open = cut.lastIndexOf('[REDACTED:');
  return open !== -1 && !cut.includes(']', open) ? cut.slice(0, open) : cut;
}

/**
 * A bounded, human-readable account of the change: what moved where, with a few changed lines. Each
 * line is redacted before it is cut to length, so a cut never leaves a piece of a secret behind.
 */
function summarize(changes: readonly RawChange[], files: readonly FileChange[], symbols: readonly SymbolChange[], opaque: readonly boolean[], redactor: MinedTextRedactor): string {
  const order = files
    .map((file, index) => ({ file, change: changes[index]!, opaque: opaque[index] === true }))
    .sort((a, b) => weight(b.file) - weight(a.file));
  const lines: string[] = [];
  let length = 0;
  let shown = 0;
  for (const { file, change, opaque: hidden } of order) {
    const marker = STATUS_MARK[file.status] ?? '?';
    const from = file.oldPath ? `${file.oldPath} -> ` : '';
    const counts = file.binary ? 'binary' : `+${file.added} -${file.deleted}`;
    const touched = symbols.filter((s) => s.path === file.path).slice(0, 4).map((s) => (s.container ? `${s.container}.${s.name}` : s.name));
    let entry = `${marker} ${from}${file.path} (${counts}${isNoiseCategory(file.category) ? `, ${file.category}` : ''})`;
    if (touched.length) entry += ` in ${touched.join(', ')}`;
    if (!isNoiseCategory(file.category) && !hidden) {
      for (const sample of change.sample.slice(0, 2)) entry += `\n    ${cutText(redactor.text(sample), 120)}`;
    }
    if (length + entry.length > MAX_SUMMARY_CHARS) break;
    lines.push(entry);
    length += entry.length + 1;
    shown++;
  }
  if (shown < files.length) lines.push(`… and ${files.length - shown} more files`);
  return lines.join('\n');
}

const STATUS_MARK: Record<string, string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', copied: 'C', typechange: 'T' };

function weight(file: FileChange): number {
  const base = file.category === 'source' ? 3 : file.category === 'test' ? 2 : isNoiseCategory(file.category) ? 0 : 1;
  return base * 1e6 + Math.min(file.added + file.deleted, 999_999);
}
