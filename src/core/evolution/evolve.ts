import type { SolveOptions } from '../agents/solveTask.ts';
import { Team } from '../agents/team.ts';
import { Trajectory } from '../agents/trajectory.ts';
import { CoevolveError } from '../errors.ts';
import type { SkillDocument } from '../skills/skillFile.ts';
import { skillFrontMatterSchema } from '../skills/skillFile.ts';
import { listSkills, readSkillIfAny, saveSkillVersion } from '../skills/skillLibrary.ts';
import { scanSkill } from '../skills/skillSafety.ts';
import { readEvolutionDecisions, recordEvolutionDecision } from './decisionLog.ts';
import type { EvolutionDecision, PairOutcome, TrialResult, Verdict } from './decisionLog.ts';
import { clusterFailures } from './failureClusters.ts';
import type { FailureCluster } from './failureClusters.ts';
import { collectFailedRuns } from './failureRecords.ts';
import type { FailedRun } from './failureRecords.ts';
import { armResult, DEFAULT_TRIALS_PER_ARM, gateVerdict, scoreTask } from './gate.ts';
import { failedRunTask, heldOutTasks } from './gateTasks.ts';
import type { GateTask } from './gateTasks.ts';
import { proposeCandidate } from './proposal.ts';
import type { Proposal } from './proposal.ts';
import { runTrial } from './trial.ts';
import type { TrialSettings } from './trial.ts';

export interface EvolveOptions extends TrialSettings {
  repoRoot: string;
  /** At most this many candidates are proposed and replayed (each costs 2 × tasks solves). */
  maxCandidates?: number;
  /** A cluster needs failures from this many runs. */
  minRuns?: number;
  /** The cluster's held-out runs replayed per candidate, at most. */
  tasksPerCluster?: number;
  /** Replay tasks from history that judge each candidate besides the cluster's held-out runs. */
  heldOut?: number;
  /** Solves per arm per judged task (default 3): one lucky solve does not decide. */
  trialsPerArm?: number;
  seed?: number;
  /** How the user's own runs were verified (the editor's coevolve.verify): their replays verify the same way. */
  projectVerify?: SolveOptions['verify'];
  /** Only find and show the clusters: no model call, nothing written. */
  dryRun?: boolean;
  onEvent?: (event: EvolveEvent) => void;
}

export type EvolveEvent =
  | { type: 'clusters'; clusters: ClusterOverview[] }
  | { type: 'cluster'; clusterId: string; index: number; of: number }
  | { type: 'proposal'; clusterId: string; proposal: Proposal }
  | { type: 'trial'; clusterId: string; task: string; source: string; variant: 'with' | 'without'; attempt: number; of: number; result: TrialResult }
  | { type: 'decision'; decision: EvolutionDecision }
  | { type: 'note'; text: string };

export interface ClusterOverview {
  id: string;
  errorType: string;
  template: string;
  failures: number;
  runs: number;
  unresolvedRuns: number;
  areas: string[];
  /** Why it will not be worked on this time, if so. */
  skip?: string;
}

export interface EvolveReport {
  dryRun: boolean;
  failedRuns: number;
  clusters: ClusterOverview[];
  decisions: EvolutionDecision[];
  timings: { totalMs: number; proposerMs: number; trialsMs: number; trialModelMs: number; materializeMs: number; trials: number };
}

/**
 * The evolution loop (EvoSkill with Mistake Notebook Learning's notes): failures of the user's runs
 * are clustered by signature; for each cluster the proposer writes a skill or mistake note (seeing
 * every earlier proposal for it, discarded ones included); the candidate is kept only if replaying
 * the cluster's tasks with it beats replaying them without it, and held-out tasks from history do no
 * worse. Every decision is logged with its evidence. The verifier of every task is fixed before the
 * candidate exists, and a solution that edits the tests it is judged by fails.
 */
export async function evolveSkills(options: EvolveOptions): Promise<EvolveReport> {
  const started = performance.now();
  const emit = (event: EvolveEvent): void => options.onEvent?.(event);
  const timings = { totalMs: 0, proposerMs: 0, trialsMs: 0, trialModelMs: 0, materializeMs: 0, trials: 0 };
  const runs = await collectFailedRuns(options.storeDir);
  const clusters = clusterFailures(runs, { minRuns: options.minRuns ?? 2 });
  const history = await readEvolutionDecisions(options.storeDir);
  const overview = clusters.map((c) => overviewOf(c, history));
  emit({ type: 'clusters', clusters: overview });
  const report: EvolveReport = { dryRun: options.dryRun === true, failedRuns: runs.length, clusters: overview, decisions: [], timings };
  const work = clusters.filter((_, i) => !overview[i]!.skip).slice(0, options.maxCandidates ?? 3);
  if (options.dryRun || !work.length) return finish(report, started);

  const trajectory = new Trajectory(options.storeDir);
  trajectory.record({ type: 'task', text: `Evolve the skill library from ${work.length} failure cluster(s).`, origin: 'evolution', memory: { experienceIds: [], files: [], skillIds: [], fixIds: [], tokens: 0 } });
  const team = new Team({ models: options.models, secrets: options.secrets, trajectory, ...(options.chatModels ? { chatModels: options.chatModels } : {}), ...(options.modelTimeoutMs ? { timeoutMs: options.modelTimeoutMs } : {}) });
  team.prepare();
  const held: HeldOut = {};
  try {
    for (const [index, cluster] of work.entries()) {
      emit({ type: 'cluster', clusterId: cluster.id, index: index + 1, of: work.length });
      const decision = await evolveCluster(cluster, options, team, held, history.filter((d) => d.clusterId === cluster.id), timings, emit);
      await recordEvolutionDecision(options.storeDir, decision);
      report.decisions.push(decision);
      emit({ type: 'decision', decision });
      // The library changed: held-out results without a candidate no longer describe it.
      if (decision.verdict === 'accepted') delete held.without;
    }
    trajectory.record({ type: 'end', status: 'done', reason: report.decisions.map((d) => `${d.clusterId}: ${d.verdict}`).join('; ') });
  } catch (error) {
    trajectory.record({ type: 'end', status: options.signal?.aborted ? 'cancelled' : 'error', reason: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    await Promise.all((held.tasks ?? []).map((t) => t.dispose()));
  }
  return finish(report, started);
}

async function evolveCluster(
  cluster: FailureCluster,
  options: EvolveOptions,
  team: Team,
  held: HeldOut,
  past: EvolutionDecision[],
  timings: EvolveReport['timings'],
  emit: (event: EvolveEvent) => void,
): Promise<EvolutionDecision> {
  const k = options.trialsPerArm ?? DEFAULT_TRIALS_PER_ARM;
  const { train, test } = splitRuns(cluster.runs);
  const base = { at: '', clusterId: cluster.id, signature: cluster.signature.key, runs: cluster.runs.map((r) => r.runId) };
  const evidence: EvolutionDecision['evidence'] = { pairs: [], heldOut: [], train: train.map((r) => r.runId), trialsPerArm: k, wins: 0, losses: 0, heldOutPassedWith: 0, heldOutPassedWithout: 0, safety: [] };
  const decide = (verdict: Verdict, reason: string, proposal?: Proposal, saved?: EvolutionDecision['saved']): EvolutionDecision => ({ ...base, at: new Date().toISOString(), ...(proposal ? { proposal } : {}), verdict, reason, ...(saved ? { saved } : {}), evidence });

  // The proposer learns from the training runs only; the held-out runs judge what it wrote.
  let mark = performance.now();
  const proposal = await proposeCandidate(team, trainingPart(cluster, train), await listSkills(options.storeDir), past, options.signal);
  timings.proposerMs += performance.now() - mark;
  emit({ type: 'proposal', clusterId: cluster.id, proposal });
  if (proposal.action === 'skip') return decide('skipped', `The proposer found nothing general to learn: ${proposal.rationale}`, proposal);

  const candidate = await candidateDocument(options.storeDir, proposal);
  const safety = scanSkill(candidate, {});
  evidence.safety = safety.findings;
  if (safety.hasSecret) return decide('rejected', 'The candidate contains a secret; it was not replayed or stored.', proposal);

  const arm = async (task: GateTask, overlay: SkillDocument[] | undefined): Promise<TrialResult[]> => {
    const results: TrialResult[] = [];
    for (let i = 1; i <= k; i++) {
      const result = await runTrial(task, options, overlay ? { overlay } : {});
      timings.trials += 1;
      timings.trialsMs += result.ms ?? 0;
      timings.trialModelMs += result.modelMs ?? 0;
      emit({ type: 'trial', clusterId: cluster.id, task: task.text.split('\n')[0]!.slice(0, 100), source: task.source, variant: overlay ? 'with' : 'without', attempt: i, of: k, result });
      results.push(result);
    }
    return results;
  };
  const pairOf = (task: GateTask, without: TrialResult[], withCandidate: TrialResult[]): PairOutcome => ({
    task: task.text.slice(0, 300),
    source: task.source === 'history' ? `commit ${task.id.slice(0, 10)}` : `run ${task.id}`,
    without: armResult(without),
    with: armResult(withCandidate),
    outcome: scoreTask(without, withCandidate),
    runs: { without, with: withCandidate },
  });

  // The cluster's held-out runs, each from the commit it started at, with memory as of its start.
  for (const run of test.slice(0, options.tasksPerCluster ?? 4)) {
    mark = performance.now();
    let task: GateTask;
    try {
      task = await failedRunTask(options.repoRoot, run, options.signal);
      if (options.projectVerify) task.verify = { ...options.projectVerify, ...(task.verify?.protect ? { protect: task.verify.protect } : {}) };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      emit({ type: 'note', text: `Run ${run.runId} could not be replayed: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    } finally {
      timings.materializeMs += performance.now() - mark;
    }
    try {
      const without = await arm(task, undefined);
      evidence.pairs.push(pairOf(task, without, await arm(task, [candidate])));
    } finally {
      await task.dispose();
    }
  }

  // Replay tasks from history, built and solved without a candidate once per evolve run.
  if ((options.heldOut ?? 3) > 0) {
    if (!held.tasks) {
      mark = performance.now();
      held.tasks = await heldOutTasks(options.repoRoot, options.storeDir, options.heldOut ?? 3, { ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.signal ? { signal: options.signal } : {}), ...(options.checkTimeoutMs ? { timeoutMs: options.checkTimeoutMs } : {}) }).catch((error: unknown) => {
        if (options.signal?.aborted || !CoevolveError.is(error, 'store-empty')) throw error;
        return [];
      });
      timings.materializeMs += performance.now() - mark;
      if (!held.tasks.length) emit({ type: 'note', text: 'No held-out task could be built from history (no validated replay task); only the cluster\'s held-out runs decide.' });
    }
    held.without ??= await sequential(held.tasks, (task) => arm(task, undefined));
    for (const [i, task] of held.tasks.entries()) evidence.heldOut.push(pairOf(task, held.without[i]!, await arm(task, [candidate])));
  }

  const verdict = gateVerdict([...evidence.pairs, ...evidence.heldOut]);
  // The history tasks' own tally, as the panel shows it beside the wins and losses over every judged task.
  const history = evidence.heldOut.filter((p) => p.outcome !== 'no-evidence');
  Object.assign(evidence, { wins: verdict.wins, losses: verdict.losses, heldOutPassedWith: history.filter((p) => p.with.passed).length, heldOutPassedWithout: history.filter((p) => p.without.passed).length });
  if (verdict.decision === 'no-decision') return decide('no-decision', verdict.reason, proposal);
  if (verdict.decision === 'reject') return decide('rejected', verdict.reason, proposal);

  const status = safety.needsApproval ? 'candidate' : 'active';
  const saved = await saveSkillVersion(
    options.storeDir,
    { ...candidate.meta, status, metrics: { ...candidate.meta.metrics, wins: verdict.wins, losses: verdict.losses }, provenance: { source: 'evolution', runs: train.map((r) => r.runId), createdAt: new Date().toISOString() } },
    candidate.body,
    {},
    `evolution: ${verdict.reason}`,
  );
  const savedRef = { name: saved.doc.meta.name, version: saved.doc.meta.version, status: saved.doc.meta.status };
  if (saved.doc.meta.status !== 'active') {
    const why = safety.findings.map((f) => `${f.kind}: ${f.detail}`).join('; ') || 'the library kept it as a candidate';
    return decide('awaiting-approval', `${verdict.reason} It waits for a person's approval (coevolve skills approve ${savedRef.name}) because of: ${why}.`, proposal, savedRef);
  }
  return decide('accepted', verdict.reason, proposal, savedRef);
}

/** History tasks and their solves without a candidate: built once per evolve run, shared by every cluster. */
interface HeldOut {
  tasks?: GateTask[];
  without?: TrialResult[][];
}

/**
 * The cluster's runs split in two, alternating from the newest: the proposer sees the training half,
 * the held-out half judges the candidate. A cluster of two runs gives one to each.
 */
function splitRuns<T>(runs: readonly T[]): { train: T[]; test: T[] } {
  const train = runs.filter((_, i) => i % 2 === 0);
  const test = runs.filter((_, i) => i % 2 === 1);
  return { train, test };
}

/** The cluster as the proposer may see it: only the training runs and their failures. */
function trainingPart(cluster: FailureCluster, train: readonly FailedRun[]): FailureCluster {
  const ids = new Set(train.map((r) => r.runId));
  return { ...cluster, runs: [...train], failures: cluster.failures.filter((f) => ids.has(f.runId)), unresolvedRuns: train.filter((r) => r.status !== 'passed').length };
}

/** The proposal as a SKILL.md: an edit keeps the existing skill's name and extra fields. */
async function candidateDocument(storeDir: string, proposal: Proposal): Promise<SkillDocument> {
  // A damaged skill of that name stops here, before the gate spends a replay on it (`store repair` first).
  const existing = await readSkillIfAny(storeDir, proposal.name);
  const meta = skillFrontMatterSchema.parse({
    ...(existing?.doc.meta ?? {}),
    name: proposal.name,
    description: proposal.description,
    kind: proposal.kind,
    status: 'candidate',
    trigger: proposal.trigger,
    version: (existing?.doc.meta.version ?? 0) + 1,
    parent: existing?.doc.meta.version ?? null,
  });
  return { meta, body: proposal.body.endsWith('\n') ? proposal.body : `${proposal.body}\n` };
}

function overviewOf(cluster: FailureCluster, history: readonly EvolutionDecision[]): ClusterOverview {
  const decided = history.filter((d) => d.clusterId === cluster.id);
  const seen = new Set(decided.flatMap((d) => d.runs));
  const fresh = cluster.runs.filter((r) => !seen.has(r.runId)).length;
  const last = decided.at(-1);
  return {
    id: cluster.id,
    errorType: cluster.signature.errorType,
    template: cluster.signature.template,
    failures: cluster.failures.length,
    runs: cluster.runs.length,
    unresolvedRuns: cluster.unresolvedRuns,
    areas: cluster.areas,
    // Re-proposing on the same evidence would only spend the model again.
    ...(last && fresh === 0 ? { skip: `decided ${last.at.slice(0, 10)} (${last.verdict}); no new failures since` } : {}),
  };
}

async function sequential<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

function finish(report: EvolveReport, started: number): EvolveReport {
  report.timings.totalMs = Math.round(performance.now() - started);
  for (const key of ['proposerMs', 'trialsMs', 'trialModelMs', 'materializeMs'] as const) report.timings[key] = Math.round(report.timings[key]);
  return report;
}
