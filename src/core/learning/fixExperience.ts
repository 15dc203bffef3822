import type { Utility } from '../memory/experience.ts';
import { emptyUtility } from '../memory/experience.ts';
import { fixRecordSchema } from '../store/logSchemas.ts';
import { appendStoreLog, readStoreLog } from '../store/storeLogs.ts';
import { withStoreLock } from '../memory/storeLock.ts';
import type { FixFingerprint } from './fixFingerprint.ts';
import { logCredits } from './creditLog.ts';
import { updatedUtility } from './utility.ts';
import type { Reward } from './utility.ts';

export type { HumanOutcome } from './humanOutcome.ts';
import type { HumanOutcome } from './humanOutcome.ts';

/**
 * What later history did to an accepted fix. Kept apart from `outcome`, which stays the person's
 * decision: a fix accepted and then reverted was still accepted, and is now negative evidence.
 */
export type LaterOutcome = 'reverted' | 'rewritten';

/** The commit that undid a fix, and how much of the fix it took out. */
export interface LaterEvidence {
  commit: string;
  subject: string;
  /** Commit time, epoch seconds. */
  time: number;
  /** `revert-commit`: its message says it reverts a commit that brought the fix in; `lines-removed`: it took out at least half of the fix's lines. */
  rule: 'revert-commit' | 'lines-removed';
  removedLines: number;
  totalLines: number;
}

/**
 * A task this product solved and the user decided on (MemCoder's internalized fix). Only verified
 * and accepted fixes are active guidance; rejected ones stay as evidence.
 */
export interface FixExperience {
  schema: 1;
  id: string;
  source: 'fix';
  runId: string;
  time: number;
  task: string;
  plan: string;
  summary: string;
  /** The patch, bounded like a commit's diff summary. */
  patchSummary: string;
  files: string[];
  /** `evidence` (proven / no-regressions) for a passed run; fixes recorded before it existed have none. */
  verification: { status: string; evidence?: string; checks: { id: string; verdict: string; newFailures: number }[] };
  rounds: number;
  outcome: HumanOutcome;
  verified: boolean;
  active: boolean;
  /** The user's HEAD when the task started: later history is matched from there. */
  headAtStart?: string;
  memoryUsed: { experienceIds: string[]; skillIds: string[]; fixIds: string[] };
  utility: Utility;
  /** Accepted fixes only: the lines the fix added (and replaced), to find it in later history. */
  fingerprint?: FixFingerprint[];
  /** Set once, when later history reverted or rewrote the fix (it is then inactive). */
  laterOutcome?: LaterOutcome;
  laterEvidence?: LaterEvidence;
}

/** Every fix, newest first, each in its latest state; a damaged file is `store-corrupt`, never "no fixes". */
export async function readFixes(storeDir: string): Promise<FixExperience[]> {
  const latest = new Map<string, FixExperience>();
  // Append-only: a later line for the same fix (a changed outcome, a credit) replaces the earlier one.
  for (const fix of await readStoreLog(storeDir, 'memory/fixes.jsonl', fixRecordSchema)) latest.set(fix.id, fix as unknown as FixExperience);
  return [...latest.values()].sort((a, b) => b.time - a.time);
}

/** Appends a fix (or a newer state of one) under the store's lock; one JSON object per line. */
export async function appendFix(storeDir: string, fix: FixExperience): Promise<void> {
  await withStoreLock(storeDir, () => appendStoreLog(storeDir, 'memory/fixes.jsonl', [fix]));
}

export function newFixUtility(): Utility {
  return emptyUtility();
}

/**
 * Credits the earlier fixes a run was guided by (a newer line per fix; the file stays append-only).
 * Read and written under one lock: two credits of one fix at once both count.
 */
export async function creditFixes(storeDir: string, ids: readonly string[], reward: Reward, now = Date.now() / 1000): Promise<string[]> {
  const wanted = new Set(ids);
  if (!wanted.size) return [];
  return withStoreLock(storeDir, async () => {
    const credited = (await readFixes(storeDir)).filter((fix) => wanted.has(fix.id)).map((fix) => ({ ...fix, utility: updatedUtility(fix.utility, reward, now) }));
    if (!credited.length) return [];
    await appendStoreLog(storeDir, 'memory/fixes.jsonl', credited);
    await logCredits(storeDir, credited.map((fix) => ({ id: fix.id, reward, utility: fix.utility })));
    return credited.map((fix) => fix.id);
  });
}
