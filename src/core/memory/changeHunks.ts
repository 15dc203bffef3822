import { categorizePath, isNoiseCategory } from '../git/fileCategory.ts';
import { redactSecrets } from '../security/redact.ts';
import { MINED_TEXT, redactPath } from '../security/minedText.ts';
import { isSecretFile, showsKeyMaterial } from '../security/secretFiles.ts';

/**
 * The code of a past change as memory shows it: a few hunks of its unified diff, the ones around the
 * symbols and files a task is about, bounded in lines and redacted with the passes mining uses.
 */
export interface ChangeHunk {
  path: string;
  /** The `@@ -a,b +c,d @@ context` line. */
  header: string;
  /** Diff lines (` `, `+`, `-` first), as shown. */
  lines: string[];
  /** Lines of this hunk left out around the ones shown. */
  cut: number;
}

export interface ChangeExcerpt {
  hunks: ChangeHunk[];
  /** Changed lines of the change that are not shown (other hunks, other files, the rest of a long hunk). */
  omittedLines: number;
  /** The source itself was cut before it reached here (a stored patch bounded at record time, a read cut at its byte limit). */
  sourceCut: boolean;
}

/** What a task is about: hunks that mention these symbols, or lie in these files, come first. */
export interface HunkFocus {
  paths: readonly string[];
  symbols: readonly string[];
}

/** One file of a unified diff. */
export interface FilePatch {
  path: string;
  binary: boolean;
  hunks: { header: string; lines: string[] }[];
}

export const DEFAULT_EXCERPT_LINES = 30;
const MAX_LINE_CHARS = 200;
/** A stored fix's patch ends with this when it was bounded at record time (learning/runOutcome.ts). */
const STORED_CUT = /\n… \[\d+ more characters\]\s*$/;

/**
 * The files and hunks of a unified diff (git's, with or without a/ b/ prefixes), each hunk as long as
 * its header says. Tolerant: a patch cut mid-hunk keeps what it has.
 */
export function parseUnifiedDiff(patch: string): FilePatch[] {
  const files: FilePatch[] = [];
  let file: FilePatch | undefined;
  let hunk: { header: string; lines: string[] } | undefined;
  // Lines still due in the hunk by its header's counts: a changed line that reads like `+++ x` is
  // still a line of the hunk.
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.split('\n')) {
    if (hunk && (oldLeft > 0 || newLeft > 0) && /^[ +\-\\]/.test(line)) {
      if (line[0] === '\\') continue;
      hunk.lines.push(line);
      if (line[0] !== '+') oldLeft--;
      if (line[0] !== '-') newLeft--;
      continue;
    }
    hunk = undefined;
    if (line.startsWith('diff --git ')) {
      file = { path: gitHeaderPath(line), binary: false, hunks: [] };
      files.push(file);
      continue;
    }
    const counts = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (counts && file) {
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      oldLeft = counts[1] === undefined ? 1 : Number(counts[1]);
      newLeft = counts[2] === undefined ? 1 : Number(counts[2]);
      continue;
    }
    if (!file && line.startsWith('--- ')) {
      // A diff without `diff --git` lines (plain `diff -u`): the file starts here.
      file = { path: '', binary: false, hunks: [] };
      files.push(file);
    }
    if (!file) continue;
    if (line.startsWith('+++ ') && !line.endsWith('/dev/null')) file.path = stripPrefix(line.slice(4));
    else if (line.startsWith('--- ') && !file.path && !line.endsWith('/dev/null')) file.path = stripPrefix(line.slice(4));
    else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
  }
  return files.filter((f) => f.path);
}

function gitHeaderPath(line: string): string {
  // `diff --git a/x b/x`: the new side; quoted paths (core.quotePath) keep their quotes off.
  const match = /^diff --git (?:"?a\/.*?"?) "?b\/(.*?)"?$/.exec(line);
  return match ? match[1]! : '';
}

function stripPrefix(name: string): string {
  return name.replace(/\t.*$/, '').replace(/^"|"$/g, '').replace(/^[ab]\//, '');
}

/**
 * The files of a patch as memory may show them: key files and files that are not code (locks,
 * generated, vendored, binary) dropped, every file's lines redacted as a whole (a secret spanning
 * lines is seen whole) with mining's passes, and a file whose redacted lines turn out to be key
 * material dropped too — the same rules `mining/experienceBuilder.ts` keeps its samples by.
 */
export function redactFilePatches(files: readonly FilePatch[]): FilePatch[] {
  const kept: FilePatch[] = [];
  for (const file of files) {
    if (file.binary || isSecretFile(file.path) || isNoiseCategory(categorizePath(file.path))) continue;
    const headers = file.hunks.map((h) => h.header);
    const body = file.hunks.map((h) => h.lines.join('\n'));
    const redacted = redactSecrets([...headers, ...body].join('\n\u0000\n'), MINED_TEXT).text;
    if (showsKeyMaterial(redacted)) continue;
    const parts = redacted.split('\n\u0000\n');
    // A redaction never joins the separators away (no pattern spans a NUL line); if one did, show nothing.
    if (parts.length !== headers.length * 2) continue;
    kept.push({
      path: redactPath(file.path).text,
      binary: false,
      hunks: file.hunks.map((_, i) => ({ header: parts[i]!, lines: parts[headers.length + i] === '' ? [] : parts[headers.length + i]!.split('\n') })),
    });
  }
  return kept;
}

/**
 * The hunks worth showing, within `maxLines` diff lines: those that mention a focus symbol first,
 * then those in a focus file, then code before tests and docs, in the change's order among equals; they
 * are listed in that order, so a cut at the end leaves out the least relevant. A hunk
 * longer than what is left is cut to a window around its first changed line that names a focus
 * symbol (or its first changed line).
 */
export function selectHunks(files: readonly FilePatch[], focus: HunkFocus, maxLines = DEFAULT_EXCERPT_LINES): ChangeExcerpt {
  const symbols = focus.symbols.filter((s) => /^[\w$]{2,}$/.test(s)).map((s) => new RegExp(`(?<![\\w$])${s.replace(/\$/g, '\\$')}(?![\\w$])`));
  const paths = new Set(focus.paths);
  const candidates: { path: string; header: string; lines: string[]; score: number; order: number }[] = [];
  let order = 0;
  for (const file of files) {
    const category = categorizePath(file.path);
    for (const hunk of file.hunks) {
      // A changed line (or git's function context) that names the symbol counts most; a context line
      // that names it (the declaration above a changed body) nearly as much.
      const named = symbols.some((re) => re.test(hunk.header) || hunk.lines.some((l) => l[0] !== ' ' && re.test(l))) ? 4 : symbols.some((re) => hunk.lines.some((l) => re.test(l))) ? 3 : 0;
      const score = named + (paths.has(file.path) ? 2 : 0) + (category === 'source' ? 1 : 0);
      candidates.push({ path: file.path, header: hunk.header, lines: hunk.lines, score, order: order++ });
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  const hunks: ChangeHunk[] = [];
  let left = maxLines;
  let omitted = 0;
  for (const c of candidates) {
    const changed = c.lines.filter((l) => l[0] === '+' || l[0] === '-').length;
    // Under three lines left, a window shows too little to read: the rest is counted, not shown.
    if (left < Math.min(3, c.lines.length)) {
      omitted += changed;
      continue;
    }
    const shown = windowOf(c.lines, symbols, left);
    hunks.push({ path: c.path, header: cutLine(c.header), lines: shown.lines.map(cutLine), cut: c.lines.length - shown.lines.length });
    omitted += changed - shown.lines.filter((l) => l[0] === '+' || l[0] === '-').length;
    left -= shown.lines.length;
  }
  // Shown most relevant first: a budget that cuts the excerpt further cuts from its end.
  return { hunks, omittedLines: omitted, sourceCut: false };
}

function windowOf(lines: readonly string[], symbols: readonly RegExp[], size: number): { lines: string[] } {
  if (lines.length <= size) return { lines: [...lines] };
  const named = lines.findIndex((l) => l[0] !== ' ' && symbols.some((re) => re.test(l)));
  const anchor = named !== -1 ? named : Math.max(0, lines.findIndex((l) => l[0] === '+' || l[0] === '-'));
  // A little context before the line, the rest after it: a change reads downwards.
  const start = Math.max(0, Math.min(anchor - 2, lines.length - size));
  return { lines: lines.slice(start, start + size) };
}

/** A long line cut to length, never leaving half a redaction marker at its end. */
function cutLine(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  let cut = line.slice(0, MAX_LINE_CHARS);
  const open = cut.lastIndexOf('[REDACTED:');
  if (open !== -1 && !cut.includes(']', open)) cut = cut.slice(0, open);
  return `${cut}…`;
}

/**
 * The excerpt of an accepted fix, from the patch stored with it (redacted when it was recorded; the
 * mined-text passes run again here, so a fix shows by the same rules as a commit). Undefined when
 * the stored patch holds no hunk.
 */
export function storedPatchExcerpt(patchSummary: string, focus: HunkFocus, maxLines = DEFAULT_EXCERPT_LINES): ChangeExcerpt | undefined {
  if (!patchSummary.trim()) return undefined;
  const sourceCut = STORED_CUT.test(patchSummary);
  const files = redactFilePatches(parseUnifiedDiff(patchSummary.replace(STORED_CUT, '\n')));
  const excerpt = selectHunks(files, focus, maxLines);
  if (!excerpt.hunks.length) return undefined;
  return { ...excerpt, sourceCut };
}

/** The lines that show an excerpt, each starting with `indent`; the markers say what was left out. */
export function renderExcerpt(excerpt: ChangeExcerpt, indent = '    '): string[] {
  const lines: string[] = [];
  let path: string | undefined;
  for (const hunk of excerpt.hunks) {
    if (hunk.path !== path) lines.push(`${indent}--- ${hunk.path}`);
    path = hunk.path;
    lines.push(`${indent}${hunk.header}`);
    for (const line of hunk.lines) lines.push(`${indent}${line}`);
    if (hunk.cut > 0) lines.push(`${indent}… [${hunk.cut} more lines of this hunk]`);
  }
  if (excerpt.omittedLines > 0) lines.push(`${indent}… [${excerpt.omittedLines} more changed lines not shown]`);
  if (excerpt.sourceCut) lines.push(`${indent}… [the stored patch was cut when it was recorded]`);
  return lines;
}
