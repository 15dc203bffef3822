import type { PairOutcome, TrialResult } from './decisionLog.ts';

/** Pair by pair: passing beats failing; when both pass, fewer rounds wins (the skill saved a rectification). */
export function comparePair(without: TrialResult, withCandidate: TrialResult): PairOutcome['outcome'] {
  if (withCandidate.passed !== without.passed) return withCandidate.passed ? 'win' : 'loss';
  if (withCandidate.passed && withCandidate.rounds !== without.rounds) return withCandidate.rounds < without.rounds ? 'win' : 'loss';
  return 'tie';
}

export interface GateVerdict {
  accept: boolean;
  reason: string;
  wins: number;
  losses: number;
  heldOutPassedWith: number;
  heldOutPassedWithout: number;
}

/**
 * EvoSkill's rule: keep a candidate only if it wins more of the cluster's tasks than it loses, and
 * the held-out tasks pass at least as often with it as with the current library.
 */
export function gateVerdict(pairs: readonly PairOutcome[], heldOut: readonly PairOutcome[]): GateVerdict {
  const wins = pairs.filter((p) => p.outcome === 'win').length;
  const losses = pairs.filter((p) => p.outcome === 'loss').length;
  const heldOutPassedWith = heldOut.filter((p) => p.with.passed).length;
  const heldOutPassedWithout = heldOut.filter((p) => p.without.passed).length;
  const counts = { wins, losses, heldOutPassedWith, heldOutPassedWithout };
  if (!pairs.length) return { accept: false, reason: 'No task of the cluster could be replayed, so there is no evidence either way.', ...counts };
  if (wins <= losses) {
    return { accept: false, reason: `It did not help on the cluster's tasks: ${wins} win${wins === 1 ? '' : 's'}, ${losses} loss${losses === 1 ? '' : 'es'}, ${pairs.length - wins - losses} tie${pairs.length - wins - losses === 1 ? '' : 's'} over ${pairs.length}.`, ...counts };
  }
  if (heldOutPassedWith < heldOutPassedWithout) {
    const broken = heldOut.filter((p) => p.outcome === 'loss' && !p.with.passed).map((p) => p.task.split('\n')[0]!.slice(0, 80));
    return { accept: false, reason: `It helped on the cluster (${wins} win${wins === 1 ? '' : 's'}, ${losses} loss${losses === 1 ? '' : 'es'}) but broke held-out tasks: ${heldOutPassedWith}/${heldOut.length} passed with it, ${heldOutPassedWithout}/${heldOut.length} without (${broken.join('; ')}).`, ...counts };
  }
  return { accept: true, reason: `Replay: ${wins} win${wins === 1 ? '' : 's'}, ${losses} loss${losses === 1 ? '' : 'es'} over ${pairs.length} cluster task${pairs.length === 1 ? '' : 's'}; held-out ${heldOutPassedWith}/${heldOut.length} with it vs ${heldOutPassedWithout}/${heldOut.length} without.`, ...counts };
}
