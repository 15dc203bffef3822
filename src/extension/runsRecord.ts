import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../core/agents/solveTask.ts';
import { isWorkspacePath, RUN_ORIGINS, SOLVE_STATUSES } from '../protocol/memoryPanel.ts';
import type { RunRow, RunStatus } from '../protocol/memoryPanel.ts';
import { statIfPresent } from '../core/util/fsProbe.ts';

// One run's folder (<store>/runs/<id>/, written by core/agents/trajectory.ts) read into what a row of
// the Runs tab shows. No `vscode` here. The files are the product's own, but a crash, an older
// version or a hand edit can leave them odd: every field is checked, and an odd one becomes a
// default, never an error that would fail the whole page.

/** A row before the user's decision is joined in. */
export type RunDigest = Omit<RunRow, 'decision' | 'decidable'> & {
  /** It has a summary.json: written once when the run ended, so the digest never changes. */
  finished: boolean;
};

/** How much of a trajectory's ends is read: its first line (the task) and last (how it ended). */
const EDGE_BYTES = 64 * 1024;
const MAX_FILES = 50;
const TRAJECTORY_ENDINGS: ReadonlySet<string> = new Set<RunStatus>(['cancelled', 'error', 'done']);

export async function readRun(runsDir: string, id: string): Promise<RunDigest> {
  const dir = join(runsDir, id);
  const [summary, log, patch] = await Promise.all([
    // A torn summary (the process died while writing it) reads as no summary.
    readFile(join(dir, 'summary.json'), 'utf8').then(parseObject, () => undefined),
    statIfPresent(join(dir, 'trajectory.jsonl')),
    statIfPresent(join(dir, 'patch.diff')),
  ]);
  const base = { id, time: timeOf(id) ?? (await stat(dir).then((s) => s.mtimeMs, () => 0)), hasLog: log !== undefined, hasPatch: (patch?.size ?? 0) > 0 };
  if (summary) return { ...base, ...fromSummary(summary as Partial<RunSummary>), finished: true };
  return { ...base, ...(log ? await fromTrajectory(join(dir, 'trajectory.jsonl'), log.size) : { task: '(nothing was recorded)', status: 'unfinished', reason: '' }), ...NOTHING_COUNTED, finished: false };
}

/** Runs without a summary: rounds, files and tokens are in the full trajectory, which is not read for a row. */
const NOTHING_COUNTED = { rounds: 0, files: [], fileCount: 0, tokens: 0, costUsd: 0, costIncomplete: false };

function fromSummary(summary: Partial<RunSummary>): Omit<RunDigest, 'id' | 'time' | 'hasLog' | 'hasPatch' | 'finished'> {
  const files = Array.isArray(summary.files) ? summary.files.map((file) => (file as { path?: unknown } | null)?.path).filter((path): path is string => typeof path === 'string' && isWorkspacePath(path)) : [];
  const accounting = summary.accounting;
  return {
    task: firstLine(summary.task),
    // Summaries written before runs had an origin were all a person's tasks.
    origin: RUN_ORIGINS.find((origin) => origin === (summary.origin ?? 'user')),
    status: SOLVE_STATUSES.find((status) => status === summary.status) ?? 'unfinished',
    // A passed run from before evidence was recorded showed no regressions at best.
    ...(summary.status === 'passed' ? { evidence: summary.evidence === 'proven' ? ('proven' as const) : ('no-regressions' as const) } : {}),
    reason: clip(typeof summary.reason === 'string' ? summary.reason : '', 2_000),
    rounds: count(summary.rounds),
    files: files.slice(0, MAX_FILES),
    fileCount: files.length,
    tokens: count(accounting?.promptTokens) + count(accounting?.completionTokens),
    costUsd: typeof accounting?.costUsd === 'number' && accounting.costUsd >= 0 ? accounting.costUsd : 0,
    costIncomplete: accounting?.costIncomplete === true,
  };
}

/** A crashed or cancelled run, or an evolution round's proposer: its task line and its end line, if any. */
async function fromTrajectory(path: string, size: number): Promise<Pick<RunDigest, 'task' | 'origin' | 'status' | 'reason'>> {
  const handle = await open(path, 'r');
  try {
    const head = await readAt(handle, 0, Math.min(size, EDGE_BYTES));
    const tail = size > EDGE_BYTES ? await readAt(handle, size - EDGE_BYTES, EDGE_BYTES) : head;
    const first = parseObject(head.split('\n')[0]);
    // A torn last line (the process died while writing) is skipped: the one before ends the file.
    const lines = tail.split('\n').filter((line) => line.trim());
    const last = parseObject(lines.at(-1)) ?? parseObject(lines.at(-2));
    const ended = last?.type === 'end' && typeof last.status === 'string' && TRAJECTORY_ENDINGS.has(last.status);
    const status = (ended ? last.status : 'unfinished') as RunStatus;
    return {
      task: first?.type === 'task' ? firstLine(first.text) : '(no task was recorded)',
      origin: RUN_ORIGINS.find((origin) => first?.type === 'task' && origin === first.origin),
      status,
      reason: ended && typeof last.reason === 'string' ? clip(last.reason, 2_000) : '',
    };
  } finally {
    await handle.close();
  }
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead).toString('utf8');
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Run ids start with their UTC start time (newRunId): 20261122-021955-a1b2c3. */
function timeOf(id: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(id);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isFinite(time) ? time : undefined;
}

function firstLine(text: unknown): string {
  const line = typeof text === 'string' ? (text.split('\n')[0] ?? '').trim() : '';
  return line ? clip(line, 300) : '(no task)';
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
