import { z } from 'zod';
import { toolDefinition } from '../../sandbox/tools/sandboxTool.ts';
import type { FunctionToolDefinition } from '../../sandbox/tools/sandboxTool.ts';

// Tools the implementer has besides the file tools. They are not file operations, so the
// orchestrator handles them itself.

export const runCommandSchema = z.object({
  command: z.string().min(1).max(2_000).describe('A shell command to run in the project folder, e.g. "node scripts/check-format.js". Needs the user\'s approval.'),
  reason: z.string().max(300).describe('Why you need it; shown to the user when asking.'),
});

export const finishSchema = z.object({
  summary: z.string().max(1_500).describe('What you changed and why, for the user.'),
});

export const RUN_COMMAND = 'run_command';
export const FINISH = 'finish';

export function agentToolDefinitions(): FunctionToolDefinition[] {
  return [
    toolDefinition({ name: RUN_COMMAND, description: 'Run a shell command in the project (exploration only: the project\'s checks run by themselves after finish). The user must approve it.', schema: runCommandSchema, writes: true, execute: () => Promise.resolve('') }),
    toolDefinition({ name: FINISH, description: 'Declare the change complete; the project\'s checks then run.', schema: finishSchema, writes: false, execute: () => Promise.resolve('') }),
  ];
}
