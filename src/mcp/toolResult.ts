import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CoevolveError } from '../core/errors.ts';
import { markUntrusted } from '../core/memory/untrustedText.ts';

/** No tool answer is longer than this: a client pastes it whole into a model's context. */
const MAX_OUTPUT_CHARS = 8000;
/** Query texts longer than this are refused rather than silently cut (a pasted log belongs in a file). */
export const MAX_INPUT_CHARS = 20_000;

/**
 * A tool answer: a short line of our own, then what came from the repository inside one
 * untrusted-data block, cut at a line boundary to stay within {@link MAX_OUTPUT_CHARS}.
 */
export function memoryAnswer(summary: string, data: string, source: string): CallToolResult {
  const room = MAX_OUTPUT_CHARS - summary.length - source.length - 200;
  return { content: [{ type: 'text', text: `${summary}\n${markUntrusted(bound(data, room), source)}` }] };
}

export function plainAnswer(text: string): CallToolResult {
  return { content: [{ type: 'text', text: bound(text, MAX_OUTPUT_CHARS) }] };
}

function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = (cut: number) => `\n… (cut here: ${cut} more characters; ask for fewer results or a narrower query)`;
  const room = Math.max(0, max - note(text.length).length);
  const lineEnd = text.lastIndexOf('\n', room);
  const end = lineEnd > room / 2 ? lineEnd : room;
  return `${text.slice(0, end)}${note(text.length - end)}`;
}

/**
 * Turns a failure into a tool error the calling model can act on (the server stays up). Expected
 * failures carry their hint; anything else is logged to stderr, never to stdout (the protocol).
 */
function errorAnswer(error: unknown, tool: string): CallToolResult {
  if (CoevolveError.is(error)) {
    return { isError: true, content: [{ type: 'text', text: error.hint ? `${error.message}\n${error.hint}` : error.message }] };
  }
  process.stderr.write(`coevolve mcp: ${tool} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return { isError: true, content: [{ type: 'text', text: `${tool} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` }] };
}

/** Runs a tool body and answers with its result or with {@link errorAnswer}. */
export async function guarded(tool: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return errorAnswer(error, tool);
  }
}
