import { rename } from 'node:fs/promises';
import type { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { appendJsonl, readJsonl } from './jsonl.ts';
import type { JsonlProblem } from './jsonl.ts';
import { storePath } from './storePath.ts';

/** The append-only JSON-lines files of a store, by where they live under it. */
export const STORE_LOGS = ['memory/fixes.jsonl', 'memory/credits.jsonl', 'feedback/outcomes.jsonl', 'evolution/decisions.jsonl'] as const;
export type StoreLog = (typeof STORE_LOGS)[number];

/**
 * A store log's records. A record cut short by a crash is left out (the write never finished);
 * any other bad line means the file is damaged, and this throws `store-corrupt` naming the line, so
 * a command never acts on a half-read history (a corrupt fixes.jsonl once read as "no fixes").
 */
export async function readStoreLog<T>(storeDir: string, log: StoreLog, schema: z.ZodType<T>): Promise<T[]> {
  const path = await storePath(storeDir, log);
  const { records, problems } = await readJsonl(path, schema);
  const corrupt = problems.filter((p) => p.kind === 'corrupt');
  if (corrupt.length) throw corruptLog(log, path, corrupt);
  return records;
}

/** Appends to a store log, mending a line a crash cut short first (see appendJsonl). */
export async function appendStoreLog(storeDir: string, log: StoreLog, records: readonly unknown[]): Promise<void> {
  await appendJsonl(await storePath(storeDir, log), records);
}

/**
 * Rewrites each damaged store log with its valid records only; the original is kept beside it as
 * `.bak`. Returns the files it rewrote, with what it dropped.
 */
export async function repairStoreLogs(storeDir: string, schemas: Readonly<Record<StoreLog, z.ZodType<unknown>>>, backupSuffix = '.bak'): Promise<{ log: StoreLog; backup: string; dropped: JsonlProblem[] }[]> {
  const repaired: { log: StoreLog; backup: string; dropped: JsonlProblem[] }[] = [];
  for (const log of STORE_LOGS) {
    const path = await storePath(storeDir, log);
    const { records, problems } = await readJsonl(path, schemas[log]);
    if (!problems.length) continue;
    const backup = `${path}${backupSuffix}`;
    await rename(path, backup);
    await appendJsonl(path, records);
    repaired.push({ log, backup, dropped: problems });
  }
  return repaired;
}

function corruptLog(log: StoreLog, path: string, problems: readonly JsonlProblem[]): CoevolveError {
  const first = problems[0]!;
  return new CoevolveError('store-corrupt', `${log} is damaged: line ${first.line} is ${first.reason}${problems.length > 1 ? ` (and ${problems.length - 1} more bad line${problems.length === 2 ? '' : 's'})` : ''} (${path}).`, {
    hint: 'Run `coevolve store repair`: it keeps every valid record, and the damaged file as .bak.',
  });
}
