import { z } from 'zod';

/** What the user asks for, with whatever the front door knows about where they are. */
export const taskInputSchema = z.object({
  text: z.string().trim().min(1, 'the task is empty'),
  files: z.array(z.string()).optional(),
  selection: z.object({ path: z.string(), startLine: z.number().int().positive(), endLine: z.number().int().positive(), text: z.string() }).optional(),
  diagnostic: z.object({ path: z.string(), line: z.number().int().positive(), message: z.string(), source: z.string().optional() }).optional(),
  failingTest: z.string().optional(),
});
export type TaskInput = z.infer<typeof taskInputSchema>;

/** The task as one block of text for prompts and for recall. */
export function describeTask(task: TaskInput): string {
  const parts = [task.text];
  if (task.files?.length) parts.push(`Files the user pointed at: ${task.files.join(', ')}`);
  if (task.selection) parts.push(`Selected in ${task.selection.path}:${task.selection.startLine}-${task.selection.endLine}:\n${task.selection.text}`);
  if (task.diagnostic) parts.push(`Diagnostic at ${task.diagnostic.path}:${task.diagnostic.line}${task.diagnostic.source ? ` (${task.diagnostic.source})` : ''}: ${task.diagnostic.message}`);
  if (task.failingTest) parts.push(`Failing test: ${task.failingTest}`);
  return parts.join('\n\n');
}
