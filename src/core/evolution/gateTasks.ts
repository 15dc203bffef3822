import type { SolveOptions } from '../agents/solveTask.ts';
import type { Cutoff } from '../memory/recall.ts';
import { findDependencyFolders, linkDependencyFolders } from '../sandbox/dependencyLinks.ts';
import { gitAt } from '../git/gitRunner.ts';
import type { FailedRun } from './failureRecords.ts';
import { buildReplayTask, findReplayCandidates } from './replayTasks.ts';
import type { ReplayTask } from './replayTasks.ts';
import { addReplayWorktree } from './replayWorktree.ts';

/** A task the gate solves twice, with the candidate and without it, in its own worktree. */
export interface GateTask {
  id: string;
  source: 'failed-run' | 'history';
  text: string;
  /** The worktree the task is solved in (never the user's tree). */
  root: string;
  /** How the solution is verified; fixed before any candidate is seen. */
  verify?: SolveOptions['verify'];
  /** What must go from failing to passing: a history task's own tests. */
  targets?: SolveOptions['targets'];
  cutoff?: Cutoff;
  /** Files the task is judged by: a solution that edits them fails, whatever the checks say. */
  judgedBy: string[];
  dispose(): Promise<void>;
}

/**
 * A user's failed run as a task again: the commit the run started from, in a worktree outside the
 * repository, verified by the project's own checks as the run was (uncommitted work of that day
 * is not part of it).
 */
export async function failedRunTask(repoRoot: string, run: FailedRun, signal?: AbortSignal): Promise<GateTask> {
  const worktree = await addReplayWorktree(repoRoot, run.headAtStart ?? 'HEAD', run.runId, signal);
  try {
    await linkDependencyFolders(repoRoot, worktree.tree, await findDependencyFolders(gitAt(repoRoot, signal), ['node_modules'], signal), signal);
  } catch (error) {
    await worktree.remove();
    throw error;
  }
  const judgedBy = [...new Set(run.failures.flatMap((f) => (f.failure.file && f.failure.testName ? [f.failure.file] : [])))];
  return {
    id: run.runId,
    source: 'failed-run',
    text: run.task,
    root: worktree.tree,
    // The tests the run broke are verified as they are; memory is as it was when the run started.
    verify: { protect: judgedBy },
    ...(run.startedAt ? { cutoff: { time: run.startedAt } } : {}),
    judgedBy,
    dispose: () => worktree.remove(),
  };
}

/**
 * Held-out tasks from the repository's own history: commits whose tests fail at the parent and pass
 * with the commit (validated), none of them among `exclude`. Fewer than `n` when history has fewer.
 */
export async function heldOutTasks(repoRoot: string, storeDir: string, n: number, options: { seed?: number; signal?: AbortSignal; timeoutMs?: number; exclude?: ReadonlySet<string> } = {}): Promise<GateTask[]> {
  if (n <= 0) return [];
  const candidates = (await findReplayCandidates(storeDir, { repoRoot, ...(options.seed === undefined ? {} : { seed: options.seed }), ...(options.signal ? { signal: options.signal } : {}) })).filter((c) => !options.exclude?.has(c.sha));
  const tasks: GateTask[] = [];
  try {
    // Validation throws most candidates away on some projects: look at a bounded number.
    for (const candidate of candidates.slice(0, n * 4)) {
      if (tasks.length >= n) break;
      const task = await buildReplayTask(repoRoot, candidate, { ...(options.signal ? { signal: options.signal } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      if (!task.valid) {
        await task.dispose();
        continue;
      }
      tasks.push(historyTask(task));
    }
  } catch (error) {
    await Promise.all(tasks.map((t) => t.dispose()));
    throw error;
  }
  return tasks;
}

export function historyTask(task: ReplayTask): GateTask {
  return {
    id: task.commit,
    source: 'history',
    text: task.text,
    root: task.worktree,
    verify: { ...(task.configured ? { configured: task.configured, mode: 'replace' as const } : {}), only: task.checkIds, protect: task.testFiles },
    targets: task.failToPass
      ? task.failToPass.map(({ checkId, names }) => ({ kind: 'tests' as const, checkId, names, label: names.length === 1 ? names[0]! : `${names.length} tests of ${task.commit.slice(0, 10)}`, origin: 'replay' as const }))
      : task.checkIds.map((checkId) => ({ kind: 'check' as const, checkId, label: `the tests of ${task.commit.slice(0, 10)} (${task.testFiles.join(', ')})`, origin: 'replay' as const })),
    cutoff: task.cutoff,
    judgedBy: task.testFiles,
    dispose: () => task.dispose(),
  };
}
