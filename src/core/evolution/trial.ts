import { solveTask } from '../agents/solveTask.ts';
import type { RunOrigin, SolveOptions } from '../agents/solveTask.ts';
import { CoevolveError } from '../errors.ts';
import { Repository } from '../git/repository.ts';
import { matchSkills } from '../learning/guidance.ts';
import type { SkillDocument } from '../skills/skillFile.ts';
import type { TrialResult } from './decisionLog.ts';
import type { GateTask } from './gateTasks.ts';
import { ignoreError } from '../ignoredErrors.ts';

export type TrialSettings = Pick<SolveOptions, 'models' | 'secrets' | 'chatModels' | 'budget' | 'sandboxBaseDir' | 'modelTimeoutMs' | 'memoryBudgetTokens'> & {
  /** Commands the model asks for: refused unless the user allowed them (--yes). */
  policy?: SolveOptions['policy'];
  storeDir: string;
  /** Per-check time limit. */
  checkTimeoutMs?: number;
  signal?: AbortSignal;
};

export interface TrialOptions {
  /** Skills evaluated as if active (a candidate), replacing library skills of the same name. */
  overlay?: readonly SkillDocument[];
  /** No memory, skills or past fixes at all: the cold baseline. */
  cold?: boolean;
  origin?: RunOrigin;
}

/**
 * Solves a gate task once and says whether it passed: the task's own verifier passed and the
 * solution left the files it is judged by alone. The change is never applied anywhere; the run's
 * sandbox is removed. A model or check error is a failed trial with its reason, not a crash of
 * the loop, so one flaky task cannot sink the comparison; cancellation still stops everything.
 */
export async function runTrial(task: GateTask, settings: TrialSettings, options: TrialOptions = {}): Promise<TrialResult> {
  const repository = await Repository.open(task.root).catch(ignoreError('the task folder is not a git repository; the trial runs without its history'));
  const overlay = options.overlay ?? [];
  const started = performance.now();
  const timed = (result: TrialResult, modelMs?: number): TrialResult => ({ ...result, ms: Math.round(performance.now() - started), ...(modelMs !== undefined ? { modelMs: Math.round(modelMs) } : {}) });
  try {
    const solution = await solveTask({
      workspace: { root: task.root, storeDir: settings.storeDir, ...(repository ? { repository } : {}) },
      task: { text: task.text },
      models: settings.models,
      secrets: settings.secrets,
      ...(settings.chatModels ? { chatModels: settings.chatModels } : {}),
      // Verification commands are the task's verifier or the project's detected checks, never a model's.
      policy: settings.policy ?? { workspaceTrusted: true, approveAll: false },
      verify: { ...task.verify, ...(settings.checkTimeoutMs ? { timeoutMs: settings.checkTimeoutMs } : {}) },
      ...(task.targets ? { targets: task.targets } : {}),
      ...(settings.budget ? { budget: settings.budget } : {}),
      ...(settings.memoryBudgetTokens ? { memoryBudgetTokens: settings.memoryBudgetTokens } : {}),
      ...(settings.sandboxBaseDir ? { sandboxBaseDir: settings.sandboxBaseDir } : {}),
      ...(settings.modelTimeoutMs ? { modelTimeoutMs: settings.modelTimeoutMs } : {}),
      skills: options.cold ? async () => [] : (text, files) => matchSkills(settings.storeDir, text, files, 4, overlay),
      memory: { ...(options.cold ? { disabled: true } : {}), ...(task.cutoff ? { cutoff: task.cutoff } : {}) },
      origin: options.origin ?? 'evolution',
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    await solution.reject();
    const touched = solution.files.filter((f) => task.judgedBy.includes(f.path) || (f.from !== undefined && task.judgedBy.includes(f.from)));
    const modelMs = solution.accounting.latencyMs;
    if (touched.length) return timed({ passed: false, rounds: solution.rounds, runId: solution.runId, reason: `It changed the tests it is judged by (${touched.map((f) => f.path).join(', ')}).` }, modelMs);
    // Only a proven solve counts: its targets (or, for a user's failed run, a test the team wrote)
    // failed before and pass with it. "No regressions" is what a change that does nothing useful
    // (a comment, a TODO) gets too, and a note that made the agent do that would win.
    const passed = solution.status === 'passed' && solution.evidence === 'proven';
    return timed({ passed, rounds: solution.rounds, runId: solution.runId, reason: solution.reason, ...(solution.evidence ? { evidence: solution.evidence } : {}), ...(solution.status === 'unverified' ? { noEvidence: true } : {}) }, modelMs);
  } catch (error) {
    if (settings.signal?.aborted || CoevolveError.is(error, 'cancelled')) throw error;
    // The task's checks could not run (a missing package, a service down): no evidence either way.
    if (CoevolveError.is(error, 'checks-cannot-run')) return timed({ passed: false, rounds: 0, reason: error.message, noEvidence: true });
    // Configuration problems would fail every trial alike: stop rather than report a meaningless tie.
    if (CoevolveError.is(error, 'bad-input') || CoevolveError.is(error, 'llm-auth')) throw error;
    return timed({ passed: false, rounds: 0, reason: error instanceof Error ? error.message : String(error) });
  }
}
