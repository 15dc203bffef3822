import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { RunOrigin, RunSummary } from '../agents/solveTask.ts';
import type { StructuredFailure } from '../verify/checkResult.ts';
import { failureKey } from '../verify/failureKey.ts';
import { ifPresent, readdirIfPresent } from '../util/fsProbe.ts';

/** One failure a run's own checks caught in a change of ours (not one that was there before). */
export interface FailureRecord {
  runId: string;
  task: string;
  round: number;
  checkId: string;
  /** failed, timed-out or error: a check that could not finish is a failure too. */
  checkStatus: string;
  failure: StructuredFailure;
  /** The rectifier's root cause for that round, when it gave one. */
  rootCause?: string;
  /** How the run ended: a failure that was later rectified still teaches something. */
  runStatus: string;
  headAtStart?: string;
  time: string;
}

/** A finished run of the user's (not a replay or evolution run) with the failures found in it. */
export interface FailedRun {
  runId: string;
  task: string;
  status: string;
  rounds: number;
  headAtStart?: string;
  /** When the run started (epoch seconds): a replay of it sees memory only from before then. */
  startedAt?: number;
  failures: FailureRecord[];
}

interface CheckEvent {
  type: 'checks';
  phase: 'before' | 'after';
  round: number;
  at: string;
  results: { id: string; status: string; failures?: StructuredFailure[]; error?: string }[];
}

/**
 * Reads every finished run under `<store>/runs` and keeps the failures each round introduced:
 * those not already failing in the run's baseline. Runs the product made to measure itself
 * (replay, evolution) are left out, so the loop never learns from its own experiments.
 */
export async function collectFailedRuns(storeDir: string, options: { limit?: number } = {}): Promise<FailedRun[]> {
  const runsDir = join(storeDir, 'runs');
  const ids = (await readdirIfPresent(runsDir)).filter((e) => e.isDirectory()).map((e) => e.name).sort().reverse();
  // Small files, many of them: read a few at a time rather than one after another.
  const limit = pLimit(8);
  const runs = await Promise.all(ids.slice(0, options.limit ?? 500).map((id) => limit(() => readFailedRun(join(runsDir, id), id))));
  return runs.filter((run): run is FailedRun => run !== undefined && run.failures.length > 0);
}

async function readFailedRun(dir: string, runId: string): Promise<FailedRun | undefined> {
  let summary: Partial<RunSummary>;
  try {
    summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Partial<RunSummary>;
  } catch {
    return undefined; // Unfinished or damaged: nothing reliable to learn from.
  }
  if (((summary.origin ?? 'user') as RunOrigin) !== 'user') return undefined;
  const text = (await ifPresent(readFile(join(dir, 'trajectory.jsonl'), 'utf8'))) ?? '';
  const baseline = new Set<string>();
  let startedAt: number | undefined;
  const rootCauses = new Map<number, string>();
  const after: CheckEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let event: { type?: string; round?: number; diagnosis?: { rootCause?: string } } & Partial<Omit<CheckEvent, 'type'>>;
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue; // A torn last line.
    }
    if (startedAt === undefined && typeof event.at === 'string' && Number.isFinite(Date.parse(event.at))) startedAt = Math.floor(Date.parse(event.at) / 1000);
    if (event.type === 'checks' && Array.isArray(event.results)) {
      if (event.phase === 'before') for (const r of event.results) for (const f of r.failures ?? []) baseline.add(`${r.id}:${failureKey(f)}`);
      else after.push(event as CheckEvent);
    } else if (event.type === 'diagnosis' && typeof event.round === 'number' && typeof event.diagnosis?.rootCause === 'string') {
      rootCauses.set(event.round, event.diagnosis.rootCause);
    }
  }
  const failures: FailureRecord[] = [];
  for (const event of after) {
    for (const result of event.results) {
      if (result.status === 'passed' || result.status === 'cancelled') continue;
      const found = result.failures?.length ? result.failures : [{ message: result.error ?? `${result.id} ${result.status}`, unparsed: true as const }];
      for (const failure of found) {
        if (baseline.has(`${result.id}:${failureKey(failure)}`)) continue;
        const rootCause = rootCauses.get(event.round);
        failures.push({
          runId,
          task: summary.task ?? '',
          round: event.round,
          checkId: result.id,
          checkStatus: result.status,
          failure,
          ...(rootCause ? { rootCause } : {}),
          runStatus: summary.status ?? 'unknown',
          ...(summary.headAtStart ? { headAtStart: summary.headAtStart } : {}),
          time: event.at,
        });
      }
    }
  }
  return { runId, task: summary.task ?? '', status: summary.status ?? 'unknown', rounds: summary.rounds ?? 0, ...(summary.headAtStart ? { headAtStart: summary.headAtStart } : {}), ...(startedAt !== undefined ? { startedAt } : {}), failures };
}
