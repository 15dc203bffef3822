import { createFileTool } from './createFileTool.ts';
import { deleteFileTool } from './deleteFileTool.ts';
import { editFileTool } from './editFileTool.ts';
import { listFilesTool } from './listFilesTool.ts';
import { readFileTool } from './readFileTool.ts';
import type { SandboxTool } from './sandboxTool.ts';
import { searchTool } from './searchTool.ts';

/** Every file tool, in the order they are offered to the model. */
export const SANDBOX_TOOLS: readonly SandboxTool[] = [readFileTool, listFilesTool, searchTool, editFileTool, createFileTool, deleteFileTool];

export function findSandboxTool(name: string): SandboxTool | undefined {
  return SANDBOX_TOOLS.find((tool) => tool.name === name);
}
