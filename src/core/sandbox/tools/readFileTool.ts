import { z } from 'zod';
import { confinePath } from './confinePath.ts';
import { numbered } from './numberedLines.ts';
import type { SandboxTool } from './sandboxTool.ts';
import { readTextFile } from './textFile.ts';
import { resolveRoot } from './toolRoot.ts';
import type { ToolRoot } from './toolRoot.ts';

const MAX_LINES = 800;
const MAX_CHARS = 60_000;
const MAX_LINE_CHARS = 2_000;

const schema = z.object({
  path: z.string().describe('File path relative to the project root, e.g. "src/app.ts".'),
  startLine: z.number().int().min(1).optional().describe('First line to show (1-based). Default 1.'),
  endLine: z.number().int().min(1).optional().describe(`Last line to show, inclusive. At most ${MAX_LINES} lines are shown per call.`),
});

export type ReadFileArgs = z.infer<typeof schema>;
export const readFileSchema = schema;

/** How much one read may show; the agents' read_file narrows it to the model's context window. */
export interface ReadLimits {
  maxLines: number;
  maxChars: number;
}

export const READ_LIMITS: ReadLimits = { maxLines: MAX_LINES, maxChars: MAX_CHARS };

export const readFileTool: SandboxTool<ReadFileArgs> = {
  name: 'read_file',
  description:
    'Read a text file of the project. Each line is prefixed with its number and a tab; the numbers are not part of the file. ' +
    `Long files are shown ${MAX_LINES} lines at a time: pass startLine/endLine for the rest.`,
  schema,
  writes: false,
  execute: (root, args) => readFileWithin(root, args, READ_LIMITS),
};

/** One page of a file, numbered, within `limits`; the footer says where to read on when they cut it short. */
export async function readFileWithin(root: ToolRoot, args: ReadFileArgs, limits: ReadLimits): Promise<string> {
  const resolved = await resolveRoot(root);
  const target = await confinePath(resolved, args.path, 'read');
  const file = await readTextFile(target.real, target.rel);
  const lines = file.text === '' ? [] : file.text.replace(/\n$/, '').split('\n');
  if (lines.length === 0) return `${target.rel} is empty.`;
  if ((args.startLine ?? 1) > lines.length) return `${target.rel} has only ${lines.length} lines.`;
  const first = args.startLine ?? 1;
  const wanted = Math.max(first, Math.min(args.endLine ?? lines.length, lines.length));
  let last = Math.min(wanted, first + limits.maxLines - 1);
  const width = String(last).length;
  const shown: string[] = [];
  let chars = 0;
  for (let n = first; n <= last; n++) {
    let text = lines[n - 1]!.replace(/\r$/, '');
    if (text.length > MAX_LINE_CHARS) text = `${text.slice(0, MAX_LINE_CHARS)} … [line cut: ${text.length} characters]`;
    chars += text.length + width + 2;
    if (chars > limits.maxChars && shown.length > 0) {
      last = n - 1;
      break;
    }
    shown.push(numbered(n, text, width));
  }
  const whole = first === 1 && last === lines.length;
  const header = whole ? `${target.rel} (${lines.length} lines):` : `${target.rel}, lines ${first}-${last} of ${lines.length}:`;
  // Only when the limits cut the answer short; a range asked for is shown as asked.
  const footer = last < wanted ? `\n[${lines.length - last} more lines; read on with startLine=${last + 1}]` : '';
  return `${header}\n${shown.join('\n')}${footer}`;
}
