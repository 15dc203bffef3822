import type { Utility } from '../memory/experience.ts';
import { MemoryStore } from '../memory/store.ts';
import { updatedUtility } from '../memory/utilityScore.ts';
import type { Reward } from '../memory/utilityScore.ts';
import { logCredits } from './creditLog.ts';
import { refuseForgotten } from '../memory/forgetExperience.ts';

// The arithmetic of utility lives with the records it scores (recall ranks by it); this module is
// what changes it: credits, pins, quarantines.
export { ALPHA, effectiveQ, HALF_LIFE_DAYS, MIN_USES_FOR_QUARANTINE, updatedUtility } from '../memory/utilityScore.ts';
export type { Reward } from '../memory/utilityScore.ts';

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
