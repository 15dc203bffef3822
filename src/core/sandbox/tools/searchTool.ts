import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CoevolveError, throwIfAborted } from '../../errors.ts';
import { decodeText } from '../../util/decodeText.ts';
import { listProjectFiles } from './listSandboxFiles.ts';
import { pathFilter } from './pathFilter.ts';
import type { SandboxTool } from './sandboxTool.ts';
import { looksBinary } from './textFile.ts';
import { resolveRoot } from './toolRoot.ts';
import { isAbsent } from '../../util/fsProbe.ts';

const DEFAULT_MAX = 100;
const HARD_MAX = 500;
const MAX_FILE_BYTES = 1024 * 1024;
/** Matching stops at this many characters of a line: minified files, and a bad regex's runaway. */
const MAX_MATCHED_CHARS = 1_000;
const MAX_SHOWN_CHARS = 200;
const TIME_BUDGET_MS = 10_000;
const SKIPPED = Symbol('skipped');

const schema = z.object({
  pattern: z.string().min(1).describe('Text to find; a JavaScript regular expression when regex is true.'),
  regex: z.boolean().optional().describe('Treat pattern as a regular expression (default false: literal text).'),
  ignoreCase: z.boolean().optional().describe('Match regardless of case (default false).'),
  path: z.string().optional().describe('Only files under this folder, or matching this glob ("src/**/*.ts", "*.py").'),
  maxResults: z.number().int().min(1).max(HARD_MAX).optional().describe(`At most this many matching lines (default ${DEFAULT_MAX}).`),
});

export type SearchArgs = z.infer<typeof schema>;

export const searchTool: SandboxTool<SearchArgs> = {
  name: 'search',
  description:
    'Search the project files (not ignored files, not installed dependencies) for text or a regular expression. ' +
    'Answers "path:line: text" for each matching line.',
  schema,
  writes: false,
  async execute(root, args, signal) {
    const resolved = await resolveRoot(root);
    const matcher = lineMatcher(args);
    const files = (await listProjectFiles(resolved, signal)).filter(pathFilter(args.path));
    const max = args.maxResults ?? DEFAULT_MAX;
    const results: string[] = [];
    const deadline = Date.now() + TIME_BUDGET_MS;
    let more = false;
    let skipped = 0;
    let stoppedEarly = false;
    for (const path of files) {
      throwIfAborted(signal);
      if (Date.now() > deadline) {
        stoppedEarly = true;
        break;
      }
      const text = await readSearchable(join(resolved.root, path));
      if (text === SKIPPED) skipped++;
      if (typeof text !== 'string') continue;
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!.replace(/\r$/, '');
        if (!matcher(line.length > MAX_MATCHED_CHARS ? line.slice(0, MAX_MATCHED_CHARS) : line)) continue;
        if (results.length === max) {
          more = true;
          break;
        }
        const trimmed = line.trim();
        results.push(`${path}:${i + 1}: ${trimmed.length > MAX_SHOWN_CHARS ? `${trimmed.slice(0, MAX_SHOWN_CHARS)} …` : trimmed}`);
      }
      if (more) break;
    }
    const where = args.path ? ` in ${JSON.stringify(args.path)}` : '';
    const notes: string[] = [];
    if (more) notes.push(`[stopped at ${max} matches; narrow the pattern or the path]`);
    if (stoppedEarly) notes.push(`[search stopped after ${TIME_BUDGET_MS / 1000} s; narrow the path]`);
    if (results.length === 0) {
      // Worth knowing only when nothing was found: the text may sit in a file too big to search.
      if (skipped) notes.push(`[${skipped} binary or large files skipped]`);
      return [`No matches for ${JSON.stringify(args.pattern)}${where} in ${files.length} files.`, ...notes].join('\n');
    }
    return [...results, ...notes].join('\n');
  },
};

function lineMatcher(args: SearchArgs): (line: string) => boolean {
  if (!args.regex) {
    if (!args.ignoreCase) return (line) => line.includes(args.pattern);
    const wanted = args.pattern.toLowerCase();
    return (line) => line.toLowerCase().includes(wanted);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(args.pattern, args.ignoreCase ? 'i' : '');
  } catch (error) {
    throw new CoevolveError('bad-input', `Invalid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (line) => regex.test(line);
}

/**
 * The file's text; SKIPPED for a binary or oversized file; undefined for what is not a file to
 * search: a symlink (a tracked one may lead anywhere, /etc/passwd; git lists links, never the
 * files behind them) or a file gone since it was listed.
 */
async function readSearchable(path: string): Promise<string | typeof SKIPPED | undefined> {
  if (!(await lstat(path).then((info) => info.isFile(), () => false))) return undefined;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // Gone since it was listed: not part of the tree any more. Unreadable: say it was skipped.
    return isAbsent(error) ? undefined : SKIPPED;
  }
  try {
    const info = await handle.stat();
    if (info.size > MAX_FILE_BYTES) return SKIPPED;
    const bytes = await handle.readFile();
    return looksBinary(bytes) ? SKIPPED : decodeText(bytes).text;
  } finally {
    await handle.close();
  }
}
