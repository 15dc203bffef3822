import { redact } from '../security/redact.ts';
import { decisionRecordSchema } from '../store/logSchemas.ts';
import { appendStoreLog, readStoreLog } from '../store/storeLogs.ts';
import type { SafetyFinding } from './proposal.ts';
import type { Proposal } from './proposal.ts';

/** One held-out task solved k times with the candidate and k times without it. */
export interface PairOutcome {
  task: string;
  /** A user run (replayed at its starting commit) or a past commit (held-out). */
  source: string;
  /** Each arm's k solves as one result (passed: most of them passed). */
  without: TrialResult;
  with: TrialResult;
  outcome: 'win' | 'loss' | 'tie' | 'no-evidence';
  /** Every solve of each arm. */
  runs?: { without: TrialResult[]; with: TrialResult[] };
}

export interface TrialResult {
  passed: boolean;
  rounds: number;
  runId?: string;
  /** Why it did not pass (or an error that stopped the run). */
  reason: string;
  /** How a passing solve was shown to work (proven by targets, or no regressions only). */
  evidence?: string;
  /** No check could run to a result: the trial says nothing either way. */
  noEvidence?: boolean;
  /** Wall time of the whole trial, and the part spent waiting for the model. */
  ms?: number;
  modelMs?: number;
}

/** no-decision: no judged task got a check to run, so there is no evidence either way. */
export type { Verdict } from './verdictKind.ts';
import type { Verdict } from './verdictKind.ts';

/** Everything the loop decided about one candidate, with the evidence, kept whether or not it was accepted. */
export interface EvolutionDecision {
  at: string;
  clusterId: string;
  signature: string;
  /** The runs whose failures made the cluster. */
  runs: string[];
  proposal?: Proposal;
  verdict: Verdict;
  reason: string;
  /** The library version the accepted candidate became. */
  saved?: { name: string; version: number; status: string };
  evidence: {
    /** The cluster's held-out runs, replayed with and without the candidate (the proposer never saw them). */
    pairs: PairOutcome[];
    /** Replay tasks from history, each with memory as of its commit. */
    heldOut: PairOutcome[];
    /** The runs whose failures the proposer was shown. */
    train?: string[];
    /** Solves per arm per task. */
    trialsPerArm?: number;
    wins: number;
    losses: number;
    heldOutPassedWith: number;
    heldOutPassedWithout: number;
    safety: SafetyFinding[];
  };
}

/** Appends a decision; text from models and the repository is redacted before it reaches the disk. */
export async function recordEvolutionDecision(storeDir: string, decision: EvolutionDecision): Promise<void> {
  const clean = JSON.parse(JSON.stringify(decision, (_key, value: unknown) => (typeof value === 'string' ? redact(value) : value))) as unknown;
  await appendStoreLog(storeDir, 'evolution/decisions.jsonl', [clean]);
}

/** Every decision, oldest first; a damaged log is `store-corrupt` (a record cut short by a crash is left out). */
export async function readEvolutionDecisions(storeDir: string): Promise<EvolutionDecision[]> {
  return (await readStoreLog(storeDir, 'evolution/decisions.jsonl', decisionRecordSchema)) as unknown as EvolutionDecision[];
}
