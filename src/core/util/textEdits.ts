import { diffLines } from 'diff';
import { changedSpan } from './changedSpan.ts';

export interface TextEdit {
  /** Offsets into the text before the edit; edits are sorted and never overlap. */
  start: number;
  end: number;
  text: string;
}

/** How long a line diff may take before one span from the first difference to the last stands in. */
const DIFF_TIMEOUT_MS = 250;

/**
 * The edits that turn `before` into `after`, one per changed run of lines (jsdiff's line diff), so
 * an editor applying them keeps its markers, folds and breakpoints on the lines in between. Where
 * the diff takes too long (two large, wholly different texts) it is the one span that differs.
 */
export function textEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const changes = diffLines(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) return [changedSpan(before, after)];
  const edits: TextEdit[] = [];
  let offset = 0;
  for (const change of changes) {
    if (!change.added && !change.removed) {
      offset += change.value.length;
      continue;
    }
    // A removal and an addition next to each other are one replacement.
    let last = edits[edits.length - 1];
    if (!last || last.end !== offset) edits.push((last = { start: offset, end: offset, text: '' }));
    if (change.removed) {
      offset += change.value.length;
      last.end = offset;
    } else last.text += change.value;
  }
  return edits;
}
