import { join } from 'node:path';
import type { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { OUTCOMES, outcomeRecordSchema } from '../store/logSchemas.ts';
import { appendStoreLog, readStoreLog } from '../store/storeLogs.ts';

// What an agent reported about items it was given (from the MCP server's record_outcome, later
// from other front doors): one JSON line each in `<store>/feedback/outcomes.jsonl`. The
// co-evolution loop reads it to update the utility of the items.

export { OUTCOMES, outcomeRecordSchema };
export type Outcome = (typeof OUTCOMES)[number];

export type OutcomeRecord = z.infer<typeof outcomeRecordSchema>;

export function outcomeLogPath(storeDir: string): string {
  return join(storeDir, 'feedback', 'outcomes.jsonl');
}

/** Validates and appends one record; `at` defaults to now. Returns the record as written. */
export async function appendOutcome(storeDir: string, record: Omit<OutcomeRecord, 'at'> & { at?: string }): Promise<OutcomeRecord> {
  const parsed = outcomeRecordSchema.safeParse({ ...record, at: record.at ?? new Date().toISOString() });
  if (!parsed.success) {
    throw new CoevolveError('bad-input', `Not a valid outcome: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')}`);
  }
  // One short line per append: O_APPEND keeps concurrent writers' lines whole, so no lock is taken.
  await appendStoreLog(storeDir, 'feedback/outcomes.jsonl', [parsed.data]);
  return parsed.data;
}

/** Every record, oldest first; a damaged file is `store-corrupt` (a record cut short by a crash is left out). */
export function readOutcomes(storeDir: string): Promise<OutcomeRecord[]> {
  return readStoreLog(storeDir, 'feedback/outcomes.jsonl', outcomeRecordSchema);
}
