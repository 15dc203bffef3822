import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { markUntrusted } from '../memory/untrustedText.ts';
import type { TargetRequest } from '../verify/targets.ts';

/** What the user asks for, with whatever the front door knows about where they are. */
export const taskInputSchema = z.object({
  text: z.string().trim().min(1, 'the task is empty'),
  files: z.array(z.string()).optional(),
  selection: z.object({ path: z.string(), startLine: z.number().int().positive(), endLine: z.number().int().positive(), text: z.string() }).optional(),
  diagnostic: z.object({ path: z.string(), line: z.number().int().positive(), message: z.string(), source: z.string().optional() }).optional(),
  failingTest: z.string().optional(),
});
export type TaskInput = z.infer<typeof taskInputSchema>;

/** A task from a front door, checked: an empty or malformed one is a clear bad-input error. */
export function parseTask(input: unknown): TaskInput {
  const parsed = taskInputSchema.safeParse(input);
  if (!parsed.success) throw new CoevolveError('bad-input', `Not a usable task: ${parsed.error.issues.map((i) => i.message).join('; ')}.`);
  return parsed.data;
}

/** The task as one block of text for prompts and for recall. */
export function describeTask(task: TaskInput): string {
  const parts = [task.text];
  if (task.files?.length) parts.push(`Files the user pointed at: ${task.files.join(', ')}`);
  // The user's words are the task; text copied from files or tools is data like any other.
  if (task.selection) parts.push(`Selected in ${task.selection.path}:${task.selection.startLine}-${task.selection.endLine}:\n${markUntrusted(task.selection.text, 'selection')}`);
  if (task.diagnostic) parts.push(`Diagnostic at ${task.diagnostic.path}:${task.diagnostic.line}${task.diagnostic.source ? ` (${task.diagnostic.source})` : ''}:\n${markUntrusted(task.diagnostic.message, 'diagnostic')}`);
  if (task.failingTest) parts.push(`Failing test: ${task.failingTest}`);
  return parts.join('\n\n');
}

/**
 * What the task itself says must pass: the test the user named, or the problem they asked to fix.
 * Pinned to the baseline run's failures before any model is asked (see baselineGate.ts).
 */
export function taskTargets(task: TaskInput): TargetRequest[] {
  const targets: TargetRequest[] = [];
  if (task.failingTest?.trim()) targets.push({ kind: 'test', name: task.failingTest.trim(), origin: 'failing-test' });
  if (task.diagnostic) targets.push({ kind: 'problem', file: task.diagnostic.path, message: task.diagnostic.message, line: task.diagnostic.line, origin: 'diagnostic' });
  return targets;
}
