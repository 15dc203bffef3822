import type { Plan } from './plan.ts';

/** Words of the task that could name a declaration: identifiers, not short words ("a", "in"). */
const IDENTIFIER = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g;
const MIN_WORD = 3;

/** What the task is about, for showing it first: the plan's symbols, then the task's identifier-like words. */
export interface TaskFocus {
  /** Named by the plan's steps ("parse", "Parser.parse"): matched against any kind of declaration. */
  planned: readonly string[];
  /** Words of the task: matched only against functions, methods, classes and types. */
  words: readonly string[];
}

export function taskFocus(task: string, steps: Plan['steps']): TaskFocus {
  const planned = [...new Set(steps.flatMap((step) => step.symbols).map((s) => s.trim().replace(/\(\)$/, '')).filter(Boolean))];
  const words = [...new Set(task.match(IDENTIFIER) ?? [])].filter((word) => word.length >= MIN_WORD && !planned.includes(word));
  return { planned, words };
}
