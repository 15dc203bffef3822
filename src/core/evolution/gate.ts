import type { PairOutcome, TrialResult } from './decisionLog.ts';

/** How many times each arm (with the candidate, without it) solves each judged task, by default. */
export const DEFAULT_TRIALS_PER_ARM = 3;

/**
 * One arm's k solves of a task as one result: it passed when most of them passed. A task where no
 * solve got a check to run says nothing (noEvidence), whatever it "passed".
 */
export function armResult(runs: readonly TrialResult[]): TrialResult {
  const passes = runs.filter((r) => r.passed).length;
  const withEvidence = runs.filter((r) => !r.noEvidence).length;
  const rounds = runs.map((r) => r.rounds).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0;
  const failed = runs.find((r) => !r.passed);
  return {
    passed: passes * 2 > runs.length,
    rounds,
    reason: `${passes}/${runs.length} passed${failed ? `; e.g. ${failed.reason.slice(0, 200)}` : ''}`,
    ms: runs.reduce((sum, r) => sum + (r.ms ?? 0), 0),
    modelMs: runs.reduce((sum, r) => sum + (r.modelMs ?? 0), 0),
    ...(withEvidence === 0 ? { noEvidence: true } : {}),
  };
}

/**
 * Task by task: the arm whose solves pass more often wins (k solves per arm, so luck must repeat to
 * count). A task either arm never got a check to run on is no evidence, not a tie.
 */
export function scoreTask(without: readonly TrialResult[], withCandidate: readonly TrialResult[]): PairOutcome['outcome'] {
  if (without.every((r) => r.noEvidence) || withCandidate.every((r) => r.noEvidence)) return 'no-evidence';
  const rate = (runs: readonly TrialResult[]): number => runs.filter((r) => r.passed).length / runs.length;
  const delta = rate(withCandidate) - rate(without);
  return delta > 0 ? 'win' : delta < 0 ? 'loss' : 'tie';
}

export interface GateVerdict {
  decision: 'accept' | 'reject' | 'no-decision';
  reason: string;
  wins: number;
  losses: number;
  heldOutPassedWith: number;
  heldOutPassedWithout: number;
}

/**
 * EvoSkill's gate with Mistake Notebook Learning's rule against regressions, on tasks the candidate
 * was not written from (the cluster's held-out runs and replay tasks from history): accept only when
 * the candidate wins more of them than it loses, and no task that passed without it fails with it.
 * When no judged task produced evidence (no check ran), nothing is decided either way.
 */
export function gateVerdict(judged: readonly PairOutcome[]): GateVerdict {
  const evidenced = judged.filter((p) => p.outcome !== 'no-evidence');
  const wins = evidenced.filter((p) => p.outcome === 'win').length;
  const losses = evidenced.filter((p) => p.outcome === 'loss').length;
  const ties = evidenced.length - wins - losses;
  const counts = { wins, losses, heldOutPassedWith: evidenced.filter((p) => p.with.passed).length, heldOutPassedWithout: evidenced.filter((p) => p.without.passed).length };
  if (!evidenced.length) {
    const why = judged.length ? `none of the ${judged.length} held-out task${judged.length === 1 ? '' : 's'} got a check to run` : 'no held-out task could be built';
    return { decision: 'no-decision', reason: `No decision: no evidence (${why}).`, ...counts };
  }
  const broken = evidenced.filter((p) => p.without.passed && !p.with.passed);
  if (broken.length) {
    return { decision: 'reject', reason: `It broke ${broken.length} held-out task${broken.length === 1 ? '' : 's'} that passed without it: ${broken.map((p) => `${p.task.split('\n')[0]!.slice(0, 80)} (${p.without.reason.split(';')[0]} without, ${p.with.reason.split(';')[0]} with)`).join('; ')}.`, ...counts };
  }
  const tally = `${wins} win${wins === 1 ? '' : 's'}, ${losses} loss${losses === 1 ? '' : 'es'}, ${ties} tie${ties === 1 ? '' : 's'} over ${evidenced.length} held-out task${evidenced.length === 1 ? '' : 's'}`;
  if (wins <= losses) return { decision: 'reject', reason: `It did not improve the held-out score: ${tally}.`, ...counts };
  return { decision: 'accept', reason: `It improved the held-out score: ${tally}; ${counts.heldOutPassedWith} passed with it, ${counts.heldOutPassedWithout} without.`, ...counts };
}
