import { availableParallelism } from 'node:os';
import type { CheckSpec } from './checkSpec.ts';

/** The most checks that run at once, whatever the machine: a test run, a type check and a lint. */
export const MAX_CHECK_CONCURRENCY = 3;

/**
 * How many checks may run at once by default: the machine's cores, at most 3; 1 (one after
 * another) on a single core. `COEVOLVE_CHECK_CONCURRENCY=1` turns the overlap off (tests that time
 * out when they share the CPU), a larger number up to 3 raises it on a small machine.
 */
export function defaultCheckConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.COEVOLVE_CHECK_CONCURRENCY);
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, MAX_CHECK_CONCURRENCY);
  return Math.max(1, Math.min(MAX_CHECK_CONCURRENCY, availableParallelism()));
}

/**
 * Which of a plan's checks (by index) run one after another, in plan order, and which may run
 * beside them. Only checks detection marked `parallel` (a lint or type check that only reads, in a
 * project whose checks build nothing, see detect/scriptEffects.ts) go beside; everything else — the
 * tests of every ecosystem, and every check of a plan the user configured — keeps its order, since
 * two test runs share ports, databases, caches and output folders, and a configured list's order is
 * the user's. With a concurrency of 1 everything is in order.
 */
export function scheduleChecks(checks: readonly CheckSpec[], concurrency: number): { inOrder: number[]; beside: number[] } {
  const inOrder: number[] = [];
  const beside: number[] = [];
  checks.forEach((check, index) => (concurrency > 1 && check.parallel ? beside : inOrder).push(index));
  return { inOrder, beside };
}
