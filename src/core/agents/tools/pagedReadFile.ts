import type { SymbolRef } from '../../code/symbolParser.ts';
import { confinePath } from '../../sandbox/tools/confinePath.ts';
import { READ_LIMITS, readFileSchema, readFileWithin } from '../../sandbox/tools/readFileTool.ts';
import type { ReadFileArgs, ReadLimits } from '../../sandbox/tools/readFileTool.ts';
import type { SandboxTool } from '../../sandbox/tools/sandboxTool.ts';
import { readTextFile } from '../../sandbox/tools/textFile.ts';
import { resolveRoot } from '../../sandbox/tools/toolRoot.ts';
import type { ToolRoot } from '../../sandbox/tools/toolRoot.ts';
import { CHARS_PER_TOKEN } from '../contextFit.ts';
import type { OutputRoom } from '../contextFit.ts';
import type { TaskFocus } from '../taskFocus.ts';
import { sharedSymbolParser } from './sharedSymbolParser.ts';

/** The page's header ("path, lines a-b of n:") and footer ("[n more lines; read on with startLine=m]"). */
const HEADER_AND_FOOTER = 120;
/** What a page keeps for the file itself, however long the note before it. */
const MIN_PAGE_CHARS = 400;
/** Lines shown above the declaration a page starts at (a decorator, a doc comment's end). */
const LEAD_IN = 2;
/** Kinds a task's plain words may name; a word matching a variable is too likely a coincidence. */
const NAMED_BY_WORDS = new Set(['function', 'method', 'class', 'interface', 'struct', 'trait', 'enum', 'type']);

/** What sizes and orders a page: the room the window has now (undefined: no window is known), and what the task is about. */
export interface PageContext {
  room: () => OutputRoom | undefined;
  focus: TaskFocus;
}

/** Characters that fit in `tokens`, within read_file's own limits. */
export function limitsFor(tokens: number): ReadLimits {
  return { maxLines: READ_LIMITS.maxLines, maxChars: Math.min(READ_LIMITS.maxChars, Math.max(MIN_PAGE_CHARS, Math.floor(tokens * CHARS_PER_TOKEN) - HEADER_AND_FOOTER)) };
}

/**
 * read_file as the implementer has it: pages sized to the model's context window (a small local
 * model's 8k window holds about a hundred lines, not 800), and, where a long file declares what the
 * task is about, the first page starts there. The model pages on with startLine.
 */
export function pagedReadFileTool(context: PageContext): SandboxTool<ReadFileArgs> {
  return {
    name: 'read_file',
    description:
      'Read a text file of the project. Each line is prefixed with its number and a tab; the numbers are not part of the file. ' +
      'Long files are shown a page at a time, sized to your context window; a long file that declares what the task names starts there. ' +
      'Pass startLine (and endLine) for the rest: the answer says where to read on.',
    schema: readFileSchema,
    writes: false,
    async execute(root, args) {
      const room = context.room();
      // A range asked for is shown whole where it fits now; otherwise a page (from startLine) at a time.
      const limits = room ? limitsFor(args.endLine !== undefined ? room.most : room.page) : READ_LIMITS;
      if (args.startLine === undefined && args.endLine === undefined) {
        const focused = await focusedPage(root, args.path, limits, context.focus);
        if (focused) return focused;
      }
      return readFileWithin(root, args, limits);
    },
  };
}

/** The page that starts at the declaration the task names, or undefined where the whole file fits or none is declared. */
async function focusedPage(root: ToolRoot, path: string, limits: ReadLimits, focus: TaskFocus): Promise<string | undefined> {
  if (!focus.planned.length && !focus.words.length) return undefined;
  const resolved = await resolveRoot(root);
  const target = await confinePath(resolved, path, 'read');
  const file = await readTextFile(target.real, target.rel);
  const lines = file.text.replace(/\n$/, '').split('\n');
  if (fits(lines, limits)) return undefined;
  const symbols = await sharedSymbolParser();
  if (!symbols.supports(target.rel)) return undefined;
  const parsed = symbols.parse(target.rel, file.text);
  let named: SymbolRef[];
  try {
    named = matching(parsed.outline(4_000), focus);
  } finally {
    parsed.dispose();
  }
  const [first, ...others] = named;
  if (!first) return undefined;
  const start = Math.max(1, first.startLine - LEAD_IN);
  const also = others.length ? ` Also named by the task here: ${others.slice(0, 5).map((s) => `${describe(s)} (lines ${s.startLine}-${s.endLine})`).join(', ')}.` : '';
  const before = start > 1 ? ` Lines 1-${start - 1} come with startLine=1.` : '';
  const note = `[${target.rel} has ${lines.length} lines, more than one page: this page starts at ${describe(first)} (lines ${first.startLine}-${first.endLine}), which the task names.${before}${also}]`;
  // The note takes its share of the page's room.
  const room = { ...limits, maxChars: Math.max(MIN_PAGE_CHARS, limits.maxChars - note.length) };
  return `${note}\n${await readFileWithin(root, { path, startLine: start }, room)}`;
}

function fits(lines: readonly string[], limits: ReadLimits): boolean {
  if (lines.length > limits.maxLines) return false;
  const width = String(lines.length).length;
  let chars = 0;
  for (const line of lines) chars += Math.min(line.length, 2_000) + width + 2;
  return chars <= limits.maxChars;
}

/** Declarations the plan names first (in its order), then those the task's words name. */
function matching(outline: readonly SymbolRef[], focus: TaskFocus): SymbolRef[] {
  const found: SymbolRef[] = [];
  const add = (symbol: SymbolRef): void => {
    if (!found.includes(symbol)) found.push(symbol);
  };
  for (const name of focus.planned) {
    const parts = name.split('.');
    const last = parts.pop()!;
    const container = parts.join('.');
    for (const symbol of outline) if (symbol.name === last && (!container || (symbol.container ?? '').endsWith(container))) add(symbol);
  }
  for (const word of focus.words) for (const symbol of outline) if (symbol.name === word && NAMED_BY_WORDS.has(symbol.kind)) add(symbol);
  return found;
}

function describe(symbol: SymbolRef): string {
  return `${symbol.kind} ${symbol.container ? `${symbol.container}.` : ''}${symbol.name}`;
}
