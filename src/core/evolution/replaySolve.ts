import type { TrialResult } from './decisionLog.ts';
import { historyTask } from './gateTasks.ts';
import { buildReplayTask } from './replayTasks.ts';
import type { ReplayCandidate } from './replaySelection.ts';
import type { ReplayInvalid } from './replayVerdict.ts';
import { runTrial } from './trial.ts';
import type { TrialSettings } from './trial.ts';

/** warm: with the project's memory and skills (as of the commit); cold: with none. */
export type ReplayMode = 'warm' | 'cold';

export interface ReplaySolveRow {
  commit: string;
  subject: string;
  /** False when the commit's tests did not fail before it and pass after it: not solved, not counted. */
  valid: boolean;
  /** Why not, for an invalid task. */
  invalid?: ReplayInvalid;
  results: Partial<Record<ReplayMode, TrialResult>>;
}

export interface ReplaySolveReport {
  rows: ReplaySolveRow[];
  /** Per mode: tasks passed of valid tasks solved. */
  passed: Partial<Record<ReplayMode, number>>;
  valid: number;
}

export type ReplaySolveEvent =
  | { type: 'task'; index: number; of: number; commit: string; subject: string; valid: boolean; invalid?: ReplayInvalid }
  | { type: 'result'; commit: string; mode: ReplayMode; result: TrialResult };

/**
 * Solves past commits as tasks with the team and reports the pass rate, cold and/or warm: how well
 * the agent does on this very project, and what its memory adds. Each task sees memory only from
 * before its commit; its verifier is the commit's own tests, which it must not edit.
 */
export async function solveReplayTasks(repoRoot: string, candidates: readonly ReplayCandidate[], settings: TrialSettings, modes: readonly ReplayMode[], onEvent?: (event: ReplaySolveEvent) => void): Promise<ReplaySolveReport> {
  const report: ReplaySolveReport = { rows: [], passed: {}, valid: 0 };
  for (const mode of modes) report.passed[mode] = 0;
  for (const [index, candidate] of candidates.entries()) {
    const task = await buildReplayTask(repoRoot, candidate, { ...(settings.signal ? { signal: settings.signal } : {}), ...(settings.checkTimeoutMs ? { timeoutMs: settings.checkTimeoutMs } : {}) });
    try {
      onEvent?.({ type: 'task', index: index + 1, of: candidates.length, commit: candidate.sha, subject: candidate.subject, valid: task.valid, ...(task.invalid ? { invalid: task.invalid } : {}) });
      const row: ReplaySolveRow = { commit: candidate.sha, subject: candidate.subject, valid: task.valid, ...(task.invalid ? { invalid: task.invalid } : {}), results: {} };
      report.rows.push(row);
      if (!task.valid) continue;
      report.valid += 1;
      const gateTask = historyTask(task);
      for (const mode of modes) {
        const result = await runTrial(gateTask, settings, { cold: mode === 'cold', origin: 'replay' });
        row.results[mode] = result;
        if (result.passed) report.passed[mode] = (report.passed[mode] ?? 0) + 1;
        onEvent?.({ type: 'result', commit: candidate.sha, mode, result });
      }
    } finally {
      await task.dispose();
    }
  }
  return report;
}
