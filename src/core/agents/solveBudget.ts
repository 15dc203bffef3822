import { CoevolveError } from '../errors.ts';
import type { Plan } from './plan.ts';

// The task's budget is the user's: their configuration (CLI flags, VS Code settings) sets the caps,
// with defaults. The generator may plan for less work, never more, and never so little that the run
// cannot work: a small model once planned 2,000 tokens and the run died after one read_file.

/** What the user configured: `--budget`, `--max-rounds`, `coevolve.solve.*`. */
export interface BudgetConfig {
  /** Tokens the whole task may use (every role, every call). */
  tokens?: number;
  /** Dollars the whole task may cost, where prices are known. */
  costUsd?: number;
  /** Rectification rounds after the first attempt. */
  maxRectifications?: number;
}

export const DEFAULT_TASK_TOKENS = 400_000;
export const DEFAULT_MAX_RECTIFICATIONS = 3;
/** Below this a task cannot hold one model call. */
export const MIN_TASK_TOKENS = 1_000;
/** The most rectification rounds one may configure: past that, repeating rarely helps and only costs. */
export const MAX_RECTIFICATIONS = 10;
/**
 * The least a plan may cut the task's tokens to (unless the user's cap is lower): about one round
 * of an implementer on an 8k window, reading a page at a time.
 */
export const MIN_PLANNED_TOKENS = 50_000;

/** The budget a run works under, once the plan has asked for its share. */
export interface TaskBudget {
  /** Passing it hands the round over to the rectifier, to narrow the work (the plan's choice, within bounds). */
  tokenBudget: number;
  /** Passing it ends the task as budget-exceeded (the user's cap). */
  hardTokenLimit: number;
  maxRectifications: number;
  /** Where the plan asked for more or less than the bounds allow: said in the run log and the live view. */
  notes: string[];
}

/** The user's configuration, checked: nonsense (a negative budget, 2.5 rounds) is a clear bad-input error. */
export function checkBudgetConfig(config: BudgetConfig | undefined): BudgetConfig {
  const checked: BudgetConfig = {};
  if (!config) return checked;
  if (config.tokens !== undefined) {
    if (!Number.isInteger(config.tokens) || config.tokens < MIN_TASK_TOKENS) throw new CoevolveError('bad-input', `The token budget must be a whole number of at least ${MIN_TASK_TOKENS} tokens (one model call needs that much); it is ${String(config.tokens)}.`);
    checked.tokens = config.tokens;
  }
  if (config.costUsd !== undefined) {
    if (!Number.isFinite(config.costUsd) || config.costUsd <= 0) throw new CoevolveError('bad-input', `The cost limit must be a positive number of dollars; it is ${String(config.costUsd)}.`);
    checked.costUsd = config.costUsd;
  }
  if (config.maxRectifications !== undefined) {
    if (!Number.isInteger(config.maxRectifications) || config.maxRectifications < 0 || config.maxRectifications > MAX_RECTIFICATIONS) {
      throw new CoevolveError('bad-input', `The rectification rounds must be a whole number from 0 to ${MAX_RECTIFICATIONS}; it is ${String(config.maxRectifications)}.`);
    }
    checked.maxRectifications = config.maxRectifications;
  }
  return checked;
}

/**
 * The run's budget: the user's caps (or the defaults), cut to what the plan asked for where it asked
 * for less, but never below the floors.
 */
export function taskBudget(config: BudgetConfig, planned: Pick<Plan['team'], 'rounds' | 'tokenBudget'>): TaskBudget {
  const notes: string[] = [];
  const cap = config.tokens ?? DEFAULT_TASK_TOKENS;
  const floor = Math.min(cap, MIN_PLANNED_TOKENS);
  const tokenBudget = clamp(planned.tokenBudget, floor, cap);
  if (tokenBudget !== planned.tokenBudget) {
    notes.push(planned.tokenBudget < floor
      ? `The plan asked for a budget of ${planned.tokenBudget} tokens; it works with ${tokenBudget}, the least a plan may set.`
      : `The plan asked for a budget of ${planned.tokenBudget} tokens; it works with ${tokenBudget}, the task's configured budget.`);
  }
  const maxRounds = (config.maxRectifications ?? DEFAULT_MAX_RECTIFICATIONS) + 1;
  const rounds = clamp(planned.rounds, 1, maxRounds);
  if (rounds !== planned.rounds) {
    notes.push(`The plan asked for ${planned.rounds} round${planned.rounds === 1 ? '' : 's'}; it gets ${rounds}${rounds === maxRounds ? ', the configured most' : ''}.`);
  }
  return { tokenBudget, hardTokenLimit: cap, maxRectifications: rounds - 1, notes };
}

/** A model's number pulled into [low, high]; one that is not a number at all counts as asking for the most. */
function clamp(value: number, low: number, high: number): number {
  if (!Number.isFinite(value)) return high;
  return Math.min(high, Math.max(low, Math.round(value)));
}
