import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StructuredFailure } from '../checkResult.ts';

/** Shared helpers for the failure parsers: paths, stack frames, message trimming. */

const MAX_MESSAGE_LINES = 20;
const MAX_MESSAGE_CHARS = 2000;
const MAX_STACK_LINES = 5;

/**
 * `file:///x/a.js` → `/x/a.js`; an absolute path inside `cwd` → relative with `/` separators;
 * `./a.js` → `a.js`. Anything else is returned as printed.
 */
export function relativePath(file: string, cwd: string): string {
  let path = file.trim();
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      return path;
    }
  }
  if (isAbsolute(path)) {
    const rel = relative(cwd, path);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) path = rel;
  }
  path = path.split(sep).join('/');
  while (path.startsWith('./')) path = path.slice(2);
  return path;
}

/** A test named after its file (a file that failed to load) is named by its relative path. */
export function relativeTestName(name: string, cwd: string): string {
  return /^(\/|file:\/\/|[A-Za-z]:[\\/])/.test(name) ? relativePath(name, cwd) : name;
}

export interface StackFrame {
  file: string;
  line: number;
  column?: number;
}

// `at fn (/x/a.js:3:5)`, `at /x/a.js:3:5`, `fn (/x/a.js:3:5)` (TAP drops the `at`), `❯ a.ts:3:5`.
const FRAME_IN_PARENS = /\(((?:file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)\s*\{?\s*$/;
const FRAME_BARE = /^\s*(?:at\s+|❯\s+)?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\s*\{?\s*$/;

export function parseStackFrame(line: string): StackFrame | undefined {
  const match = FRAME_IN_PARENS.exec(line) ?? FRAME_BARE.exec(line);
  if (!match) return undefined;
  return { file: match[1]!, line: Number(match[2]), column: Number(match[3]) };
}

/** Frames in the project's own code: not Node internals, not dependencies. */
function isUserFrame(frame: StackFrame): boolean {
  const file = frame.file;
  return !file.startsWith('node:') && !file.startsWith('internal/') && !/[\\/]node_modules[\\/]/.test(file) && file !== '<anonymous>';
}

/** The first frame in project code among `lines`, made relative to `cwd`. */
export function firstUserFrame(lines: readonly string[], cwd: string): StackFrame | undefined {
  for (const line of lines) {
    const frame = parseStackFrame(line);
    if (frame && isUserFrame(frame)) return { ...frame, file: relativePath(frame.file, cwd) };
  }
  return undefined;
}

/** Up to a few project-code stack lines, trimmed; undefined when there are none. */
export function stackExcerpt(lines: readonly string[]): string | undefined {
  const picked: string[] = [];
  for (const line of lines) {
    const frame = parseStackFrame(line);
    if (!frame || !isUserFrame(frame)) continue;
    picked.push(line.trim().replace(/\s*\{$/, ''));
    if (picked.length >= MAX_STACK_LINES) break;
  }
  return picked.length > 0 ? picked.join('\n') : undefined;
}

/** Dedents, drops blank edges and caps a multi-line message so one failure never floods a prompt. */
export function tidyMessage(lines: readonly string[]): string {
  const kept = [...lines];
  while (kept.length > 0 && kept[0]!.trim() === '') kept.shift();
  while (kept.length > 0 && kept[kept.length - 1]!.trim() === '') kept.pop();
  const indent = Math.min(...kept.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)![0].length));
  let text = kept
    .slice(0, MAX_MESSAGE_LINES)
    .map((line) => line.slice(Number.isFinite(indent) ? indent : 0).trimEnd())
    .join('\n');
  // The first line often sits indented under a header while the rest are flush left.
  text = text.trimStart();
  if (kept.length > MAX_MESSAGE_LINES) text += '\n…';
  if (text.length > MAX_MESSAGE_CHARS) text = `${text.slice(0, MAX_MESSAGE_CHARS)}…`;
  return text;
}

export function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

export function splitLines(output: string): string[] {
  return output.split(/\r?\n/);
}

/** Points a failure at the first stack frame in the project's own code, and keeps a short excerpt. */
export function locateFromStack(failure: StructuredFailure, stack: readonly string[], cwd: string): StructuredFailure {
  const frame = firstUserFrame(stack, cwd);
  if (frame) {
    failure.file = frame.file;
    failure.line = frame.line;
    if (frame.column !== undefined) failure.column = frame.column;
  }
  const excerpt = stackExcerpt(stack);
  if (excerpt) failure.stackExcerpt = excerpt;
  return failure;
}
