import type { Utility } from './experience.ts';

// How a memory's usefulness is scored and updated (MemRL's Q with ACE-style counters). Pure
// arithmetic: recall ranks by it, learning/ applies it to the store.

/** MemRL's learning rate: a new outcome moves Q 30% of the way. */
export const ALPHA = 0.3;
/** Quarantine needs evidence: at least this many uses before harmful ≥ helpful counts. */
export const MIN_USES_FOR_QUARANTINE = 3;
/** An unused memory's Q halves every this many days (it drifts back to neutral, not to harmful). */
export const HALF_LIFE_DAYS = 60;

/**
 * +1: the change it helped was proven and accepted; +0.5: accepted, but only "no regressions" (no
 * test demonstrated it, so the credit is halved); −1: the change failed, or the user rejected it.
 */
export type Reward = 1 | 0.5 | -1;

/** Q ← (1−α)Q + α·r, with ACE-style helpful/harmful counters and the quarantine rule. */
export function updatedUtility(utility: Utility, reward: Reward, now = Date.now() / 1000): Utility {
  const next: Utility = {
    ...utility,
    q: round((1 - ALPHA) * effectiveQ(utility.q, utility.lastUsed, now) + ALPHA * reward),
    helpful: utility.helpful + (reward > 0 ? 1 : 0),
    harmful: utility.harmful + (reward < 0 ? 1 : 0),
    uses: utility.uses + 1,
    lastUsed: Math.floor(now),
  };
  if (!next.quarantined && !next.pinned && next.uses >= MIN_USES_FOR_QUARANTINE && next.harmful >= next.helpful) next.quarantined = 'auto';
  // A memory a person put aside stays aside; an automatic quarantine lifts when the record improves.
  if (next.quarantined === 'auto' && next.helpful > next.harmful) delete next.quarantined;
  return next;
}

/** Q as it stands now: decayed toward 0 for every half-life since the memory was last used. */
export function effectiveQ(q: number, lastUsed: number | undefined, now = Date.now() / 1000): number {
  if (!q || lastUsed === undefined) return q;
  const days = Math.max(0, now - lastUsed) / 86_400;
  return q * 0.5 ** (days / HALF_LIFE_DAYS);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
