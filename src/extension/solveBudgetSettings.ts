import type { BudgetConfig } from '../core/agents/solveBudget.ts';
import type { Host } from './vscodeHost.ts';

/**
 * `coevolve.solve.*`: the task's caps as the user set them. Passed on unchecked: solveTask refuses a
 * nonsensical value (a string, a negative budget) with a clear error before any work starts.
 */
export function solveBudgetSettings(host: Host): BudgetConfig {
  const tokens = host.setting<number>('solve.tokenBudget');
  const rounds = host.setting<number>('solve.maxRounds');
  const cost = host.setting<number>('solve.costLimitUsd');
  return {
    ...(tokens !== undefined && tokens !== null ? { tokens } : {}),
    ...(rounds !== undefined && rounds !== null ? { maxRectifications: rounds } : {}),
    // 0 is the setting's "no limit".
    ...(cost ? { costUsd: cost } : {}),
  };
}
