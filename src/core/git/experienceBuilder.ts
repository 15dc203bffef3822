import { EXPERIENCE_SCHEMA, emptyUtility } from '../memory/experience.ts';
import type { CommitExperience, FileChange, SymbolChange } from '../memory/experience.ts';
import { redact, redactSecrets } from '../security/redact.ts';
import { categorizePath, isNoiseCategory } from './fileCategory.ts';
import { classifyKind, parseIntent, revertTarget } from './intent.ts';
import type { RawChange, RawCommit } from './rawCommit.ts';
import { extractKeywords } from '../memory/keywords.ts';
import { CODE_KEYWORDS } from './codeKeywords.ts';

const MAX_SUMMARY_CHARS = 1500;
const MAX_BODY_CHARS = 4000;
const HUGE_COMMIT_FILES = 200;
const HUGE_COMMIT_LINES = 20_000;

export function toFileChange(change: RawChange): FileChange {
  const file: FileChange = {
    path: change.path,
    status: change.status,
    category: categorizePath(change.path, { binary: change.binary, submodule: change.submodule }),
    added: change.added,
    deleted: change.deleted,
  };
  if (change.oldPath !== undefined) file.oldPath = change.oldPath;
  if (change.binary) file.binary = true;
  if (change.rawPath) file.rawPath = change.rawPath;
  if (change.truncated) file.truncated = true;
  if (change.wordText && change.wordText.length > 0) {
    const words = changeVocabulary(change.wordText.join('\n'));
    if (words.length > 0) file.words = words;
  }
  return file;
}

const WORDS_PER_FILE = 12;
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]{2,39}/g;

/**
 * The most frequent identifiers of a file's changed lines. The text is redacted first: a key or a
 * password in a diff must not reach memory as a "word"; long letter-and-digit tokens are dropped too.
 */
function changeVocabulary(text: string): string[] {
  const counts = new Map<string, number>();
  for (const match of redact(text).matchAll(IDENTIFIER)) {
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
  let secrets = 0;
  const clean = (text: string): string => {
    const result = redactSecrets(text);
    secrets += result.count;
    return result.text;
  };
  const parsed = parseIntent(raw.message);
  const intent = { ...parsed, subject: clean(parsed.subject), body: clean(parsed.body.slice(0, MAX_BODY_CHARS)) };
  const files = raw.changes.map(toFileChange);
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
    author: { name: raw.authorName, email: raw.authorEmail },
    intent,
    kind,
    files,
    symbols,
    tests: files.filter((f) => f.category === 'test' && f.status !== 'deleted').map((f) => f.path),
    diffSummary: clean(summarize(raw.changes, files, symbols)),
    keywords: [],
    flags: {},
    utility: emptyUtility(),
  };
  experience.keywords = extractKeywords(intent, files, symbols);
  if (raw.changesOmitted > 0) experience.filesOmitted = raw.changesOmitted;
  if (target) experience.revertOf = target;
  if (raw.parents.length > 1) experience.flags.merge = true;
  if (raw.changesOmitted > 0 || files.length > HUGE_COMMIT_FILES || linesChanged > HUGE_COMMIT_LINES) experience.flags.huge = true;
  if (raw.messageNotUtf8) experience.flags.messageNotUtf8 = true;
  if (secrets > 0) experience.flags.secretsRedacted = secrets;
  return experience;
}

/** A bounded, human-readable account of the change: what moved where, with a few changed lines. */
function summarize(changes: readonly RawChange[], files: readonly FileChange[], symbols: readonly SymbolChange[]): string {
  const order = files
    .map((file, index) => ({ file, change: changes[index]! }))
    .sort((a, b) => weight(b.file) - weight(a.file));
  const lines: string[] = [];
  let length = 0;
  let shown = 0;
  for (const { file, change } of order) {
    const marker = STATUS_MARK[file.status] ?? '?';
    const from = file.oldPath ? `${file.oldPath} -> ` : '';
    const counts = file.binary ? 'binary' : `+${file.added} -${file.deleted}`;
    const touched = symbols.filter((s) => s.path === file.path).slice(0, 4).map((s) => (s.container ? `${s.container}.${s.name}` : s.name));
    let entry = `${marker} ${from}${file.path} (${counts}${isNoiseCategory(file.category) ? `, ${file.category}` : ''})`;
    if (touched.length) entry += ` in ${touched.join(', ')}`;
    if (!isNoiseCategory(file.category)) {
      for (const sample of change.sample.slice(0, 2)) entry += `\n    ${sample.slice(0, 120)}`;
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
