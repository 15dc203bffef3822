import { sep } from 'node:path';
import { z } from 'zod';
import { CoevolveError } from '../../errors.ts';
import type { ToolRoot } from './toolRoot.ts';

/**
 * A file tool the implementer model calls. `schema` validates the model's arguments and becomes
 * the tool's JSON schema; `execute` returns the text the model sees. A refusal (bad path, no
 * match) is thrown as a CoevolveError; runTool turns it into text for the model.
 */
export interface SandboxTool<Args = unknown> {
  readonly name: string;
  readonly description: string;
  readonly schema: z.ZodType<Args>;
  /** Changes files: an orchestrator runs these one at a time. */
  readonly writes: boolean;
  execute(root: ToolRoot, args: Args, signal?: AbortSignal): Promise<string>;
}

/** The tool as the OpenAI API declares it (`tools: [...]` of a chat completion request). */
export interface FunctionToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export function toolDefinition(tool: SandboxTool): FunctionToolDefinition {
  const parameters = z.toJSONSchema(tool.schema, { io: 'input' }) as Record<string, unknown>;
  delete parameters.$schema;
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
}

export interface ToolRun {
  ok: boolean;
  /** What to send back to the model as the tool's result. */
  output: string;
}

/**
 * Validates the model's arguments and runs the tool. Anything the model can fix (bad arguments, a
 * refused path, an edit that does not match, a missing file) comes back as `ok: false` text;
 * cancellation and failures of the sandbox itself are thrown.
 */
export async function runTool(tool: SandboxTool, root: ToolRoot, rawArgs: unknown, signal?: AbortSignal): Promise<ToolRun> {
  const parsed = tool.schema.safeParse(rawArgs ?? {});
  if (!parsed.success) return { ok: false, output: `Error: invalid arguments for ${tool.name}:\n${z.prettifyError(parsed.error)}` };
  try {
    return { ok: true, output: await tool.execute(root, parsed.data, signal) };
  } catch (error) {
    if (CoevolveError.is(error) && MODEL_FIXABLE.has(error.reason)) return { ok: false, output: `Error: ${error.message}` };
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && FS_CODES.has(code)) {
      // Node's messages name absolute paths; the model works with paths relative to the root.
      const rootPath = typeof root === 'string' ? root : root.root;
      return { ok: false, output: `Error: ${(error as Error).message.split(`${rootPath}${sep}`).join('')}` };
    }
    throw error;
  }
}

const MODEL_FIXABLE = new Set<string>(['bad-input', 'edit-rejected', 'path-outside-workspace']);
/** File-system refusals the model caused and can work around (a file where it expected a folder). */
const FS_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY', 'ENAMETOOLONG', 'ELOOP', 'EACCES', 'EPERM']);
