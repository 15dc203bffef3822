import type { Reward } from './utility.ts';
import type { Utility } from '../memory/experience.ts';
import { creditEntrySchema } from '../store/logSchemas.ts';
import { appendStoreLog, readStoreLog } from '../store/storeLogs.ts';

/** One credit a memory received: what its utility became, and why. */
export interface CreditEntry {
  /** Epoch seconds. */
  at: number;
  /** commit:<sha> or fix:<run>. */
  id: string;
  reward: Reward;
  q: number;
  helpful: number;
  harmful: number;
  uses: number;
  quarantined?: string;
}

/**
 * Appends what each credit did, so a memory's utility can be followed over time (experiences are
 * updated in place; this is their history). Losing it loses the chart, never the utility itself.
 */
export async function logCredits(storeDir: string, credits: readonly { id: string; reward: Reward; utility: Utility }[]): Promise<void> {
  if (!credits.length) return;
  const entries = credits.map(({ id, reward, utility }) => ({ at: utility.lastUsed ?? Math.floor(Date.now() / 1000), id, reward, q: utility.q, helpful: utility.helpful, harmful: utility.harmful, uses: utility.uses, ...(utility.quarantined ? { quarantined: utility.quarantined } : {}) }) satisfies CreditEntry);
  await appendStoreLog(storeDir, 'memory/credits.jsonl', entries);
}

/** Every credit `id` received, oldest first; a damaged file is `store-corrupt` (a record cut short by a crash is left out). */
export async function readCreditHistory(storeDir: string, id: string): Promise<CreditEntry[]> {
  const all = await readStoreLog(storeDir, 'memory/credits.jsonl', creditEntrySchema);
  return all.filter((entry) => entry.id === id).sort((a, b) => a.at - b.at);
}
