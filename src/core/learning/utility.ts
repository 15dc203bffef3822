import type { Utility } from '../memory/experience.ts';
import { MemoryStore } from '../memory/store.ts';
import { logCredits } from './creditLog.ts';
import { refuseForgotten } from '../memory/forgetExperience.ts';

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

export interface CreditResult {
  updated: string[];
  missing: string[];
  quarantined: string[];
}

/**
 * Credits every experience a run retrieved with the run's outcome, in one store transaction (fresh
 * reads under the lock, so a mining run beside it loses nothing).
 */
export async function creditExperiences(storeDir: string, ids: readonly string[], reward: Reward, now = Date.now() / 1000): Promise<CreditResult> {
  const result: CreditResult = { updated: [], missing: [], quarantined: [] };
  const shas = [...new Set(ids.map((id) => id.replace(/^commit:/, '')))];
  if (!shas.length) return result;
  const store = await MemoryStore.open(storeDir);
  const logged: { id: string; reward: Reward; utility: Utility }[] = [];
  await store.transaction(async (tx) => {
    const changed = [];
    for (const sha of shas) {
      const experience = await tx.find(sha);
      // A forgotten commit keeps no score either.
      if (!experience || experience.forgotten) {
        result.missing.push(sha);
        continue;
      }
      const before = experience.utility;
      const utility = updatedUtility(before, reward, now);
      changed.push({ ...experience, utility });
      result.updated.push(experience.sha);
      if (utility.quarantined && !before.quarantined) result.quarantined.push(experience.sha);
    }
    if (changed.length) await tx.upsert(changed);
    logged.push(...changed.map((e) => ({ id: `commit:${e.sha}`, reward, utility: e.utility })));
  });
  await logCredits(storeDir, logged);
  return result;
}

/** A person's decision: put a memory aside, or bring it back (which also clears an automatic one). */
export async function setQuarantine(storeDir: string, sha: string, quarantined: boolean): Promise<boolean> {
  const store = await MemoryStore.open(storeDir);
  return store.transaction(async (tx) => {
    const experience = await tx.find(sha);
    if (!experience) return false;
    refuseForgotten(experience, quarantined ? 'quarantined' : 'restored');
    const utility = { ...experience.utility };
    if (quarantined) {
      utility.quarantined = 'manual';
      delete utility.pinned;
    } else delete utility.quarantined;
    await tx.upsert([{ ...experience, utility }]);
    return true;
  });
}

/** A person's pin: the memory ranks as fully useful until unpinned (pinning lifts a quarantine). */
export async function setPinned(storeDir: string, sha: string, pinned: boolean): Promise<boolean> {
  const store = await MemoryStore.open(storeDir);
  return store.transaction(async (tx) => {
    const experience = await tx.find(sha);
    if (!experience) return false;
    refuseForgotten(experience, pinned ? 'pinned' : 'unpinned');
    const utility = { ...experience.utility };
    if (pinned) {
      utility.pinned = true;
      delete utility.quarantined;
    } else delete utility.pinned;
    await tx.upsert([{ ...experience, utility }]);
    return true;
  });
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
