import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryStore } from '../core/memory/store.ts';
import { MAX_CREDIT_POINTS } from '../protocol/memoryPanel.ts';
import type { CreditPoint, CreditSeries } from '../protocol/memoryPanel.ts';

// Utility over time for the memories one page of the browser shows. Core appends every credit to
// memory/credits.jsonl (core's readCreditHistory reads the whole file for one id); a page asks for
// up to a few hundred ids at once, so this streams the file once and keeps only the lines of those
// ids. No `vscode` here: tests run it in plain Node on a real store.

/** What every line starts with (core writes `{"at":…,"id":"…"`): the id is found without parsing the line. */
const ID_FIELD = /"id":"([^"\\]{1,200})"/;

export function creditLogPath(storeDir: string): string {
  return join(MemoryStore.memoryDir(storeDir), 'credits.jsonl');
}

/**
 * The credits of each of `ids` that has any, oldest first, keeping the latest `maxPoints` of each
 * (`count` is how many there were). The log is read once, line by line; a line for another memory
 * is skipped without being parsed, and a torn or odd line (a crash mid-append, a hand edit) is
 * skipped rather than failing the page.
 */
export async function readCreditHistories(storeDir: string, ids: Iterable<string>, maxPoints = MAX_CREDIT_POINTS): Promise<Map<string, CreditSeries>> {
  const wanted = new Set(ids);
  const found = new Map<string, CreditPoint[]>();
  if (!wanted.size) return new Map();
  let file: FileHandle;
  try {
    file = await open(creditLogPath(storeDir), 'r');
  } catch (error) {
    // No credit yet (the log is written on the first one): no history, not an error.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  try {
    for await (const line of file.readLines({ encoding: 'utf8', autoClose: false })) {
      const id = ID_FIELD.exec(line)?.[1];
      if (id === undefined || !wanted.has(id)) continue;
      const point = creditPoint(line, id);
      if (!point) continue;
      let points = found.get(id);
      if (!points) found.set(id, (points = []));
      points.push(point);
    }
  } finally {
    await file.close();
  }
  const out = new Map<string, CreditSeries>();
  for (const [id, points] of found) {
    // Appends are in time order; two windows crediting at once may interleave, so sort (stably).
    points.sort((a, b) => a.at - b.at);
    out.set(id, { id, count: points.length, points: points.slice(-maxPoints) });
  }
  return out;
}

function creditPoint(line: string, id: string): CreditPoint | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!entry || typeof entry !== 'object') return undefined;
  const { id: entryId, at, q, reward, quarantined } = entry as Record<string, unknown>;
  if (entryId !== id || typeof at !== 'number' || !Number.isFinite(at) || at < 0 || typeof q !== 'number' || !Number.isFinite(q) || (reward !== 1 && reward !== 0.5 && reward !== -1)) return undefined;
  // Q stays in [-1, 1] by construction; a hand-edited line must not stretch the chart.
  const point: CreditPoint = { at, q: Math.max(-1, Math.min(1, q)), reward };
  if (quarantined) point.quarantined = true;
  return point;
}
