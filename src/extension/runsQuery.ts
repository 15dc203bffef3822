import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFixes } from '../core/learning/fixExperience.ts';
import type { HumanOutcome } from '../core/learning/fixExperience.ts';
import { MemoryStore } from '../core/memory/store.ts';
import { isRunId, SOLVE_STATUSES } from '../protocol/memoryPanel.ts';
import type { RunFilter, RunRow } from '../protocol/memoryPanel.ts';
import { readRun } from './runsRecord.ts';
import type { RunDigest } from './runsRecord.ts';
import { readdirIfPresent, statIfPresent } from '../core/util/fsProbe.ts';

// The Runs tab's list, paged in the extension host: a store can hold thousands of runs, and the
// webview gets one page. No `vscode` here (tested in plain Node on real run folders).

export interface RunsPage {
  runs: RunRow[];
  /** Known when every run was looked at: always unfiltered, filtered only when the scan reached the oldest. */
  total?: number;
  offset: number;
  /** Older runs pass the filter. */
  more: boolean;
}

/** Runs read at once while a filter is scanned. */
const SCAN_BATCH = 50;

/**
 * Pages through one store's runs, newest first (a run id starts with its start time). Unfiltered,
 * only the folder listing and the page's own runs are read. Filtered, runs are read newest first
 * until the page is full and one more matches. Finished runs are kept once read (their summary is
 * written once), so a later page or filter re-reads only runs that are still open.
 */
export class RunsQuery {
  private readonly finished = new Map<string, RunDigest>();
  private decisions: { stamp: string; byRun: Map<string, HumanOutcome> } | undefined;

  /** `read`: how one run's folder is read (a test counts the reads). */
  constructor(
    private readonly storeDir: string,
    private readonly read: (runsDir: string, id: string) => Promise<RunDigest> = readRun,
  ) {}

  get runsDir(): string {
    return join(this.storeDir, 'runs');
  }

  /** `hidden`: runs the tab shows as live instead (still running, or waiting for Apply / Discard). */
  async page(filter: RunFilter, offset: number, limit: number, hidden: ReadonlySet<string> = new Set()): Promise<RunsPage> {
    const ids = (await this.ids()).filter((id) => !hidden.has(id));
    const decided = await this.decided();
    if (!filter.origin && !filter.status) {
      const digests = await Promise.all(ids.slice(offset, offset + limit).map((id) => this.digest(id)));
      return { runs: digests.map((digest) => rowOf(digest, decided)), total: ids.length, offset, more: offset + limit < ids.length };
    }
    const shown: RunDigest[] = [];
    let matching = 0;
    let scanned = 0;
    // One match past the page says whether there is a next one.
    while (scanned < ids.length && matching <= offset + limit) {
      const batch = ids.slice(scanned, scanned + SCAN_BATCH);
      scanned += batch.length;
      for (const digest of await Promise.all(batch.map((id) => this.digest(id)))) {
        if (!passes(digest, filter)) continue;
        matching += 1;
        if (matching > offset && matching <= offset + limit) shown.push(digest);
      }
    }
    return { runs: shown.map((digest) => rowOf(digest, decided)), ...(scanned >= ids.length ? { total: matching } : {}), offset, more: matching > offset + limit };
  }

  /** One run's row (after the user decided on it), or undefined when there is no such run. */
  async run(id: string): Promise<RunRow | undefined> {
    if (!isRunId(id) || !(await stat(join(this.runsDir, id)).then((s) => s.isDirectory(), () => false))) return undefined;
    return rowOf(await this.digest(id), await this.decided());
  }

  /** Newest first; a name that cannot be a run id (a stray file, an odd folder) is not a run. */
  private async ids(): Promise<string[]> {
    const entries = await readdirIfPresent(this.runsDir);
    return entries
      .filter((entry) => entry.isDirectory() && isRunId(entry.name))
      .map((entry) => entry.name)
      .sort()
      .reverse();
  }

  private async digest(id: string): Promise<RunDigest> {
    const kept = this.finished.get(id);
    if (kept) return kept;
    const digest = await this.read(this.runsDir, id);
    if (digest.finished) this.finished.set(id, digest);
    return digest;
  }

  /** Run id → the user's decision, from fixes.jsonl; read again only when the file changed. */
  private async decided(): Promise<Map<string, HumanOutcome>> {
    const path = join(MemoryStore.memoryDir(this.storeDir), 'fixes.jsonl');
    const info = await statIfPresent(path);
    const stamp = info ? `${info.mtimeMs}:${info.size}` : 'none';
    if (this.decisions?.stamp === stamp) return this.decisions.byRun;
    const byRun = new Map<string, HumanOutcome>();
    for (const fix of info ? await readFixes(this.storeDir) : []) {
      // recordRunOutcome names a run's fix `fix:<runId>`.
      if (fix.id.startsWith('fix:')) byRun.set(fix.id.slice(4), fix.outcome);
    }
    this.decisions = { stamp, byRun };
    return byRun;
  }
}

function passes(digest: RunDigest, filter: RunFilter): boolean {
  return (!filter.origin || digest.origin === filter.origin) && (!filter.status || digest.status === filter.status);
}

function rowOf({ finished, ...digest }: RunDigest, decided: ReadonlyMap<string, HumanOutcome>): RunRow {
  const decision = decided.get(digest.id);
  // Only a person's own finished runs are theirs to judge; replay and evolution runs measure the product.
  const decidable = finished && digest.origin === 'user' && !decision && SOLVE_STATUSES.some((status) => status === digest.status);
  return { ...digest, ...(decision ? { decision } : {}), decidable };
}

const queries = new Map<string, RunsQuery>();

/** One query per store, so finished runs are read once per window. */
export function runsQueryFor(storeDir: string): RunsQuery {
  let query = queries.get(storeDir);
  if (!query) queries.set(storeDir, (query = new RunsQuery(storeDir)));
  return query;
}
