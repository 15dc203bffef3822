import { parsePatch } from 'diff';
import type { StructuredPatch } from 'diff';
import { redact } from '../security/redact.ts';

/** Per file, at most this many lines of each side are kept: enough to recognise the fix later. */
const MAX_FINGERPRINT_LINES = 40;
const MAX_FINGERPRINT_FILES = 30;
const MIN_LINE = 8;
/** Longer lines are generated or minified code: poor evidence, and heavy to store. */
const MAX_LINE = 400;

/**
 * What a fix changed in one file, reduced to the lines that identify it: the lines it added, and
 * the lines it replaced (so that putting the old code back reads as a revert, not as a rewrite).
 */
export interface FixFingerprint {
  path: string;
  added: string[];
  removed: string[];
}

/**
 * The form every line is compared in, or undefined for a line too plain to be evidence: trimmed,
 * at least 8 characters, with a letter or digit in it (not just brackets and braces).
 */
export function fingerprintLine(line: string): string | undefined {
  const text = line.trim();
  if (text.length < MIN_LINE || text.length > MAX_LINE || !/[\p{L}\p{N}]/u.test(text)) return undefined;
  return text;
}

/**
 * The fingerprint of a unified diff, bounded and safe to store: a line that redaction would change
 * holds (or looks like) a secret, so it is dropped rather than stored in part. A patch jsdiff cannot
 * parse gives no fingerprint; recording the fix must not fail for it.
 */
export function fingerprintPatch(patch: string): FixFingerprint[] {
  let files: StructuredPatch[];
  try {
    files = parsePatch(patch);
  } catch {
    return [];
  }
  const out: FixFingerprint[] = [];
  for (const file of files) {
    const path = patchPath(file);
    if (!path) continue;
    const added = new Set<string>();
    const removed = new Set<string>();
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        const side = line[0] === '+' ? added : line[0] === '-' ? removed : undefined;
        if (!side || side.size >= MAX_FINGERPRINT_LINES) continue;
        const text = fingerprintLine(line.slice(1));
        if (text !== undefined && redact(text) === text) side.add(text);
      }
    }
    // A line the fix both removed and added (moved, or only re-indented) identifies nothing.
    for (const text of added) if (removed.delete(text)) added.delete(text);
    if (added.size) out.push({ path, added: [...added], removed: [...removed] });
    if (out.length >= MAX_FINGERPRINT_FILES) break;
  }
  return out;
}

/** The repository-relative path a file section of a git diff is about (its old name when deleted). */
export function patchPath(file: StructuredPatch): string | undefined {
  const name = file.newFileName && file.newFileName !== '/dev/null' ? file.newFileName : file.oldFileName;
  if (!name || name === '/dev/null') return undefined;
  return name.replace(/^[ab]\//, '');
}
