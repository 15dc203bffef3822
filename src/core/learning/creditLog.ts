import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reward } from './utility.ts';
import type { Utility } from '../memory/experience.ts';
import { MemoryStore } from '../memory/store.ts';

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

function creditsPath(storeDir: string): string {
  return join(MemoryStore.memoryDir(storeDir), 'credits.jsonl');
}

/**
 * Appends what each credit did, so a memory's utility can be followed over time (experiences are
 * updated in place; this is their history). Losing it loses the chart, never the utility itself.
 */
export async function logCredits(storeDir: string, credits: readonly { id: string; reward: Reward; utility: Utility }[]): Promise<void> {
  if (!credits.length) return;
  const lines = credits.map(({ id, reward, utility }) => JSON.stringify({ at: utility.lastUsed ?? Math.floor(Date.now() / 1000), id, reward, q: utility.q, helpful: utility.helpful, harmful: utility.harmful, uses: utility.uses, ...(utility.quarantined ? { quarantined: utility.quarantined } : {}) } satisfies CreditEntry));
  await mkdir(MemoryStore.memoryDir(storeDir), { recursive: true });
  await appendFile(creditsPath(storeDir), `${lines.join('\n')}\n`);
}

/** Every credit `id` received, oldest first (a torn line from a crash is skipped). */
export async function readCreditHistory(storeDir: string, id: string): Promise<CreditEntry[]> {
  const text = await readFile(creditsPath(storeDir), 'utf8').catch(() => '');
  const out: CreditEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(`"${id}"`)) continue;
    try {
      const entry = JSON.parse(line) as CreditEntry;
      if (entry.id === id) out.push(entry);
    } catch {
      // skipped
    }
  }
  return out.sort((a, b) => a.at - b.at);
}
