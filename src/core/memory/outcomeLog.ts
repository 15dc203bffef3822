import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';

// What an agent reported about items it was given (from the MCP server's record_outcome, later
// from other front doors): one JSON line each in `<store>/feedback/outcomes.jsonl`. The
// co-evolution loop reads it to update the utility of the items.

export const OUTCOMES = ['helped', 'hurt', 'unused'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const outcomeRecordSchema = z.object({
  at: z.iso.datetime(),
  runId: z.string().min(1).max(200).optional(),
  itemIds: z.array(z.string().min(1).max(200)).min(1).max(100),
  outcome: z.enum(OUTCOMES),
  note: z.string().max(2000).optional(),
  /** The reporting client (its MCP initialize name), when known. */
  client: z.string().max(200).optional(),
});
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
  await mkdir(join(storeDir, 'feedback'), { recursive: true });
  // One short line per append: O_APPEND keeps concurrent writers' lines whole, so no lock is taken.
  await appendFile(outcomeLogPath(storeDir), `${JSON.stringify(parsed.data)}\n`);
  return parsed.data;
}

/** Every valid record, oldest first. A torn or hand-edited line is skipped, not fatal: the log is advisory. */
export async function readOutcomes(storeDir: string): Promise<OutcomeRecord[]> {
  let text: string;
  try {
    text = await readFile(outcomeLogPath(storeDir), 'utf8');
  } catch {
    return [];
  }
  const out: OutcomeRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = outcomeRecordSchema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // skipped: see above
    }
  }
  return out;
}
