import { numbered } from './numberedLines.ts';

/**
 * Search/replace editing of text, as a model asks for it. Pure string functions: the edit_file
 * tool reads and writes the file around them.
 *
 * Each search must match exactly one place. An exact match is tried first; failing that, a match
 * line by line that ignores trailing whitespace, then one that ignores indentation too (the
 * replacement is then re-indented to fit). A search that matches several places is refused rather
 * than guessed at, and one that matches nowhere is answered with the closest lines of the file.
 */

export interface SearchReplace {
  search: string;
  replace: string;
}

export type MatchKind = 'exact' | 'trailing-whitespace' | 'indentation';

export type EditOutcome = { ok: true; text: string; matches: MatchKind[] } | { ok: false; error: string };

type Step = { ok: true; text: string; kind: MatchKind } | { ok: false; error: string };

const MAX_SHOWN_LINES = 30;
const MAX_LISTED_PLACES = 6;

/**
 * Applies the edits in order, each to the result of the one before. All or nothing: the first
 * edit that cannot be placed fails the whole call and the text is left as it was. `text` and the
 * edits use `\n` line endings.
 */
export function applyEdits(original: string, edits: readonly SearchReplace[]): EditOutcome {
  const finalNewline = original.endsWith('\n');
  // Matching sees a final newline even where the file has none, so a search that ends with the
  // last line's newline still matches; the file's own final-newline state is restored after.
  let text = original === '' || finalNewline ? original : `${original}\n`;
  const matches: MatchKind[] = [];
  for (const [index, edit] of edits.entries()) {
    const step = applyOne(text, edit.search, edit.replace);
    if (!step.ok) {
      const which = edits.length > 1 ? `Edit ${index + 1} of ${edits.length}` : 'The edit';
      const kept = edits.length > 1 ? ' None of the edits were applied; the file is unchanged.' : ' The file is unchanged.';
      return { ok: false, error: `${which}: ${step.error}${kept}` };
    }
    text = step.text;
    matches.push(step.kind);
  }
  if (!finalNewline && original !== '' && text.endsWith('\n')) text = text.slice(0, -1);
  if (finalNewline && text !== '' && !text.endsWith('\n')) text += '\n';
  return { ok: true, text, matches };
}

function applyOne(text: string, search: string, replace: string): Step {
  if (search.trim() === '') {
    if (text.trim() === '') return { ok: true, text: replace, kind: 'exact' };
    if (search !== '') return { ok: false, error: 'the search text is only blank lines; include some code so it matches one place.' };
    return { ok: false, error: 'the search text is empty. To add code, search for the lines next to where it goes and repeat them in the replacement.' };
  }
  const places = occurrences(text, search);
  if (places.length > 1) return { ok: false, error: ambiguous(places.map((at) => lineOf(text, at)), 'exact') };
  // Whole lines written without their indentation match after it; they are edited as lines (below)
  // so that deleting them takes the indentation too and added lines are indented alike.
  if (places.length === 1 && !(search.endsWith('\n') && afterIndentation(text, places[0]!))) {
    const at = places[0]!;
    return { ok: true, text: text.slice(0, at) + replace + text.slice(at + search.length), kind: 'exact' };
  }

  const lines = splitLines(text);
  const block = blockLines(search, replace);
  const passes: Array<[MatchKind, (a: string, b: string) => boolean]> = [
    ['trailing-whitespace', (a, b) => a.trimEnd() === b.trimEnd()],
    ['indentation', (a, b) => a.trim() === b.trim()],
  ];
  for (const [kind, same] of passes) {
    const starts = lineMatches(lines, block.search, same);
    if (starts.length > 1) return { ok: false, error: ambiguous(starts.map((start) => start + 1), kind) };
    if (starts.length === 1) {
      const start = starts[0]!;
      const matched = lines.slice(start, start + block.search.length);
      const adjust = kind === 'indentation' ? reindenter(block.search, matched) : (line: string) => line;
      lines.splice(start, block.search.length, ...fitReplacement(block.replace, block.search, matched, adjust));
      return { ok: true, text: lines.length ? `${lines.join('\n')}\n` : '', kind };
    }
  }
  return { ok: false, error: notFound(lines, block.search) };
}

/** Start offsets of every occurrence, overlapping ones included (`aa` in `aaa` is two). */
function occurrences(text: string, search: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + 1)) found.push(at);
  return found;
}

/** Whether only spaces or tabs, at least one, come before `offset` on its line. */
function afterIndentation(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return offset > lineStart && /^[ \t]+$/.test(text.slice(lineStart, offset));
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The search and replacement as lines. Blank lines at the edges of the search are not required to
 * match (models add them freely); a blank edge line of the replacement goes with its partner.
 */
function blockLines(search: string, replace: string): { search: string[]; replace: string[] } {
  const s = splitLines(search.endsWith('\n') ? search : `${search}\n`);
  const r = replace === '' ? [] : splitLines(replace.endsWith('\n') ? replace : `${replace}\n`);
  while (s.length > 1 && s[0]!.trim() === '') {
    s.shift();
    if (r.length && r[0]!.trim() === '') r.shift();
  }
  while (s.length > 1 && s.at(-1)!.trim() === '') {
    s.pop();
    if (r.length && r.at(-1)!.trim() === '') r.pop();
  }
  return { search: s, replace: r };
}

function lineMatches(lines: string[], search: string[], same: (a: string, b: string) => boolean): number[] {
  const starts: number[] = [];
  for (let start = 0; start + search.length <= lines.length; start++) {
    let k = 0;
    while (k < search.length && same(lines[start + k]!, search[k]!)) k++;
    if (k === search.length) starts.push(start);
  }
  return starts;
}

/**
 * The replacement lines to put in place of `matched`. Lines the replacement repeats unchanged from
 * the search at its start and end are context: they keep the file's own text (its whitespace),
 * and only the lines in between are adjusted.
 */
function fitReplacement(replace: string[], search: string[], matched: string[], adjust: (line: string) => string): string[] {
  let head = 0;
  while (head < replace.length && head < search.length && replace[head] === search[head]) head++;
  let tail = 0;
  while (tail < replace.length - head && tail < search.length - head && replace[replace.length - 1 - tail] === search[search.length - 1 - tail]) tail++;
  return [...matched.slice(0, head), ...replace.slice(head, replace.length - tail).map(adjust), ...matched.slice(matched.length - tail)];
}

/**
 * Shifts replacement lines by the indentation difference between the search and the file, taken
 * from the first non-blank line: a block written four spaces too shallow lands four deeper.
 */
function reindenter(search: string[], matched: string[]): (line: string) => string {
  const anchor = search.findIndex((line) => line.trim() !== '');
  const from = indentOf(search[anchor]!);
  const to = indentOf(matched[anchor]!);
  return (line) => {
    if (line.trim() === '') return '';
    if (line.startsWith(from)) return to + line.slice(from.length);
    // Shallower than the anchor (a closing brace): shift by the same difference where it shows.
    if (to.startsWith(from)) return to.slice(from.length) + line;
    if (from.startsWith(to)) {
      const extra = from.slice(to.length);
      return line.startsWith(extra) ? line.slice(extra.length) : line.trimStart();
    }
    return line;
  };
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

function ambiguous(lineNumbers: number[], kind: MatchKind): string {
  const shown = lineNumbers.slice(0, MAX_LISTED_PLACES).join(', ');
  const more = lineNumbers.length > MAX_LISTED_PLACES ? ', …' : '';
  const how = kind === 'exact' ? '' : kind === 'indentation' ? ' (ignoring indentation)' : ' (ignoring trailing spaces)';
  return `the search text matches ${lineNumbers.length} places${how}, starting at lines ${shown}${more}. Include more of the surrounding lines so it matches exactly one.`;
}

/** Explains a search that matched nowhere by showing where the file comes closest. */
function notFound(lines: string[], search: string[]): string {
  const parts = ['the search text was not found in the file.'];
  if (search.filter((line) => line.trim()).every((line) => /^\s*\d+(\t|: |\| )/.test(line))) {
    parts.push('It seems to include the line numbers read_file shows; leave those out.');
  }
  const window = closestWindow(lines, search);
  if (!window) {
    parts.push('No part of the file resembles it; read the file again to see its current content.');
    return parts.join(' ');
  }
  const end = Math.min(lines.length, window.start + Math.max(search.length, 1), window.start + MAX_SHOWN_LINES);
  const shown = lines.slice(window.start, end).map((line, i) => numbered(window.start + i + 1, line, String(end).length));
  parts.push(`The closest part is lines ${window.start + 1}-${end}:\n${shown.join('\n')}`);
  const normalized = search.map(normalize);
  for (let k = 0; k < search.length; k++) {
    const fileLine = lines[window.start + k];
    if (fileLine === undefined || normalize(fileLine) !== normalized[k]) {
      const theirs = fileLine === undefined ? 'the end of the file' : `line ${window.start + k + 1} of the file is\n  ${JSON.stringify(fileLine)}`;
      parts.push(`First difference: line ${k + 1} of your search is\n  ${JSON.stringify(search[k])}\nwhere ${theirs}`);
      break;
    }
  }
  parts.push('Copy the lines exactly as the file has them now, then retry.');
  return parts.join('\n');
}

/** The window of the file sharing the most lines with the search, or near the most similar line. */
function closestWindow(lines: string[], search: string[]): { start: number } | undefined {
  if (lines.length === 0) return undefined;
  const fileKeys = lines.map(normalize);
  const wanted = search.map(normalize);
  const last = Math.max(0, lines.length - search.length);
  let best = { start: 0, score: 0 };
  for (let start = 0; start <= last; start++) {
    let score = 0;
    for (let k = 0; k < wanted.length; k++) if (wanted[k] && fileKeys[start + k] === wanted[k]) score++;
    if (score > best.score) best = { start, score };
  }
  if (best.score > 0) return best;
  // No line is shared: anchor on the file line most like the search's most telling (longest) line.
  const anchor = wanted.reduce((longest, line, k) => (line.length > wanted[longest]!.length ? k : longest), 0);
  let bestLine = { index: -1, similarity: 0.5 };
  for (let i = 0; i < fileKeys.length; i++) {
    const similarity = dice(fileKeys[i]!, wanted[anchor]!);
    if (similarity > bestLine.similarity) bestLine = { index: i, similarity };
  }
  if (bestLine.index < 0) return undefined;
  return { start: Math.max(0, Math.min(bestLine.index - anchor, last)) };
}

function normalize(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/** Sørensen–Dice similarity of character pairs: cheap and forgiving of small typos. */
function dice(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const pairs = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const pair = a.slice(i, i + 2);
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const pair = b.slice(i, i + 2);
    const count = pairs.get(pair) ?? 0;
    if (count > 0) {
      pairs.set(pair, count - 1);
      shared++;
    }
  }
  return (2 * shared) / (a.length + b.length - 2);
}
