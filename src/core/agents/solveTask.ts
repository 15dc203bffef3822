import { CoevolveError } from '../errors.ts';
import type { AccountingTotals } from '../llm/accounting.ts';
import type { ModelConfig } from '../llm/providers.ts';
import type { ChatModelSource } from '../llm/chatModel.ts';
import { recallInWorkspace } from '../memory/recallService.ts';
import { markUntrusted } from '../memory/untrustedText.ts';
import { openSandbox } from '../sandbox/openSandbox.ts';
import type { PlannedChange } from '../sandbox/changePlan.ts';
import type { ChangedFile, Sandbox } from '../sandbox/sandbox.ts';
import { gitAt, runGit, splitNul } from '../git/gitRunner.ts';
import type { RunOrigin, SolveStatus } from './runKinds.ts';
import { sweepStaleSandboxes } from '../sandbox/sweep.ts';
import { DEFAULT_EXPLORATION } from '../memory/recall.ts';
import type { Cutoff, RecallResult } from '../memory/recall.ts';
import { MemoryStore } from '../memory/store.ts';
import type { CheckRun } from '../verify/checkResult.ts';
import type { CheckPlan } from '../verify/checkSpec.ts';
import { compareRuns } from '../verify/compare.ts';
import { assertMayRun } from '../verify/guards.ts';
import { compareTargets } from '../verify/targets.ts';
import type { Target, TargetOrigin, TargetOutcome, TargetRequest, TargetState } from '../verify/targets.ts';
import { judge } from '../verify/verdict.ts';
import type { Verdict } from '../verify/verdict.ts';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { baselineTargets, checkBaseline } from './baselineGate.ts';
import { REPRODUCE_FIRST, renderStillFailing, renderTargets } from './targetBrief.ts';
import { proveWithTeamTests } from './teamTests.ts';
import { verifyChange } from './verifyChange.ts';
import type { VerificationReport } from '../verify/compare.ts';
import { formatReport } from '../verify/formatReport.ts';
import { planChecks } from '../verify/plan.ts';
import type { ConfiguredMode } from '../verify/plan.ts';
import { runChecks } from '../verify/runChecks.ts';
import type { Workspace } from '../workspace.ts';
import type { CommandPolicy } from './commandPolicy.ts';
import type { SolveEvent } from './events.ts';
import { newFailureKeys, renderNewFailures } from './failureDigest.ts';
import { generatePlan } from './generator.ts';
import { implement } from './implementer.ts';
import type { RoundOutcome } from './implementer.ts';
import { buildMemoryContext, DEFAULT_MEMORY_BUDGET_TOKENS, pastChangeCode } from './memoryContext.ts';
import type { MatchedSkill, MemoryContext, PastChangeCode } from './memoryContext.ts';
import { renderPlan } from './plan.ts';
import type { Diagnosis, Plan } from './plan.ts';
import { diagnose } from './rectifier.ts';
import { checkBudgetConfig, taskBudget } from './solveBudget.ts';
import { taskFocus } from './taskFocus.ts';
import type { BudgetConfig } from './solveBudget.ts';
import { matchFixes, matchSkills } from '../learning/guidance.ts';
import { describeTask, taskTargets } from './task.ts';
import type { TaskInput } from './task.ts';
import { Team } from './team.ts';
import { Trajectory } from './trajectory.ts';
import { contentIndexFor } from '../memory/contentCache.ts';
import { describeIgnored, ignoreError, reportIgnored, withIgnoredErrorSink } from '../ignoredErrors.ts';
import { configuredEmbedder } from '../embeddings/configuredEmbedder.ts';

export interface SolveOptions {
  workspace: Workspace;
  task: TaskInput;
  models: ModelConfig;
  secrets: (name: string) => string | undefined;
  /** Roles whose model the front door supplies (the editor's language models). */
  chatModels?: ChatModelSource;
  policy: CommandPolicy;
  /**
   * `coevolve.verify` / --verify commands, and how they combine with detection; `only` keeps just
   * those check ids; `protect` names files (a replay task's tests) always verified as they were.
   */
  verify?: { configured?: unknown; mode?: ConfiguredMode; timeoutMs?: number; only?: readonly string[]; protect?: readonly string[] };
  /** What must go from failing to passing, besides what the task names (a replay task's own tests). */
  targets?: readonly TargetRequest[];
  /** Caps the user sets (defaults in solveBudget.ts); the generator may choose less, never more, and never below the floors. */
  budget?: BudgetConfig;
  memoryBudgetTokens?: number;
  /** Skills and mistake notes whose trigger matches (default: the store's active library). */
  skills?: (task: string, filesInPlay: readonly string[]) => Promise<MatchedSkill[]>;
  /** Memory for this run: a cutoff (a replay task must not see its own future), or none at all (a cold run). */
  memory?: { cutoff?: Cutoff; disabled?: boolean };
  /** Who asked: only the user's own runs feed the evolution loop. */
  origin?: RunOrigin;
  sandboxBaseDir?: string;
  modelTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SolveEvent) => void;
}

export type { RunOrigin, SolveStatus } from './runKinds.ts';

/** How a passed change was shown to work (see verify/verdict.ts). */
export type PassEvidence = 'proven' | 'no-regressions';

/** A target as a run summary keeps it. */
export interface TargetSummary {
  label: string;
  origin: TargetOrigin;
  checkId: string;
  before: TargetState;
  after: TargetState;
}


/** `.coevolve/runs/<id>/summary.json`: what the learning side reads when the user decides. */
export interface RunSummary {
  runId: string;
  task: string;
  origin: RunOrigin;
  status: SolveStatus;
  /** Set when passed; a summary written before evidence existed reads as no-regressions. */
  evidence?: PassEvidence;
  targets?: TargetSummary[];
  reason: string;
  rounds: number;
  plan: string;
  summary: string;
  files: ChangedFile[];
  checks: { id: string; verdict: string; newFailures: number }[];
  report: string;
  memory: { experienceIds: string[]; files: string[]; skillIds: string[]; fixIds: string[] };
  headAtStart: string | undefined;
  accounting: AccountingTotals;
}

export interface Solution {
  runId: string;
  runDir: string;
  /** The store the run belongs to (where its outcome is recorded). */
  storeDir: string;
  status: SolveStatus;
  /** Set when passed: proven by targets, or no regressions only. */
  evidence: PassEvidence | undefined;
  /** Each target, before and after the final change. */
  targets: TargetOutcome[];
  /** Why the status is what it is, in a sentence. */
  reason: string;
  plan: Plan;
  summary: string;
  rounds: number;
  diff: string;
  files: ChangedFile[];
  report: VerificationReport | undefined;
  reportText: string;
  accounting: AccountingTotals;
  /** The sandbox stays until accept or reject: the editor previews and applies from it. */
  sandbox: Sandbox;
  /** Writes the change into the user's tree (all or nothing), then removes the sandbox. */
  accept(signal?: AbortSignal): Promise<ChangedFile[]>;
  /** Removes the sandbox; the user's tree was never touched. */
  reject(): Promise<void>;
  /**
   * For a front door that writes the change itself (the editor, as one undoable edit): each file's
   * current and new content, refused with `edit-rejected` if the user changed a touched file since.
   */
  planApply(signal?: AbortSignal): Promise<PlannedChange[]>;
  /** After the front door applied planApply()'s changes: records it and removes the sandbox. */
  confirmApplied(): Promise<void>;
}

/** The longest a task waits for the first index of the code (about 1 s per 5,000 files here); later tasks reuse it. */
const CONTENT_WAIT_MS = 3_000;

/**
 * The team's whole job: retrieve, plan, implement in a sandbox, verify with the project's own checks,
 * rectify on failure, and hand back a verified diff. The user's tree is untouched until accept();
 * the sandbox is removed on any failure, cancellation included.
 */
export async function solveTask(options: SolveOptions): Promise<Solution> {
  const emit = (event: SolveEvent): void => options.onEvent?.(event);
  const { workspace, signal } = options;
  // A nonsensical budget is refused before anything is written or asked.
  const budgetConfig = checkBudgetConfig(options.budget);
  const trajectory = new Trajectory(workspace.storeDir);
  const team = new Team({ models: options.models, secrets: options.secrets, trajectory, ...(options.chatModels ? { chatModels: options.chatModels } : {}), ...(options.modelTimeoutMs ? { timeoutMs: options.modelTimeoutMs } : {}) });
  team.prepare();
  const taskText = describeTask(options.task);
  emit({ type: 'run', runId: trajectory.id, runDir: trajectory.dir });
  // An error the run carries on past (a failed cleanup, a probe) is a note in its log, not silence.
  const ignored = (why: string, error: unknown): void => {
    const text = describeIgnored(why, error);
    trajectory.record({ type: 'ignored-error', text });
    emit({ type: 'note', text });
  };
  return withIgnoredErrorSink(ignored, async (): Promise<Solution> => {

    // Asked now, while nothing has changed (and so that the end of the run does not wait on git).
    const headAtStart = workspace.repository?.head().catch(ignoreError('could not read HEAD at the start; the run is not tied to a commit'));
    let sandbox: Sandbox | undefined;
    try {
      const swept = await sweepStaleSandboxes({ root: workspace.root, ...(options.sandboxBaseDir ? { baseDir: options.sandboxBaseDir } : {}) }).catch((error: unknown) => {
        reportIgnored('could not sweep sandboxes left by ended processes', error);
        return { removed: [] as string[] };
      });
      if (swept.removed.length) emit({ type: 'note', text: `Removed ${swept.removed.length} sandbox(es) left behind by a process that ended.` });

      emit({ type: 'stage', stage: 'memory' });
      const memory = await retrieve(options, taskText, emit);
      trajectory.record({ type: 'task', text: taskText, origin: options.origin ?? 'user', memory: { experienceIds: memory.experienceIds, files: memory.files, skillIds: memory.skillIds, fixIds: memory.fixIds, tokens: memory.tokens } });

      emit({ type: 'stage', stage: 'sandbox' });
      sandbox = await openSandbox({ root: workspace.root, ...(signal ? { signal } : {}), ...(options.sandboxBaseDir ? { baseDir: options.sandboxBaseDir } : {}) });
      const checks = await planChecks(sandbox.root, { ...(options.verify?.only ? { only: options.verify.only } : {}), ...(options.verify?.configured !== undefined ? { configured: options.verify.configured } : {}), ...(options.verify?.mode ? { configuredMode: options.verify.mode } : {}), ...(options.verify?.timeoutMs ? { defaultTimeoutMs: options.verify.timeoutMs } : {}) });
      emit({ type: 'checks', checks: checks.checks.map((c) => ({ id: c.id, command: c.display })), notes: [...checks.notes] });

      // Trust first (an untrusted workspace asks no server anything, and its models.json may name any
      // URL); then whether the model's server answers at all, before the baseline spends minutes.
      assertMayRun(options.policy.workspaceTrusted, { plan: checks });
      await team.learnContextWindows(signal);

      emit({ type: 'stage', stage: 'baseline' });
      const baseline = await verify(checks, options, 'before', 0, emit, trajectory);
      const requests = [...taskTargets(options.task), ...(options.targets ?? [])];
      const gate = checkBaseline(baseline);
      const pinned = baselineTargets(requests, baseline);
      const targets = pinned.targets;
      for (const text of [...gate.notes, ...pinned.notes]) emit({ type: 'note', text });
      trajectory.record({ type: 'targets', targets: targets.map((t) => ({ label: t.label, origin: t.origin, checkId: t.checkId, failures: t.failures })), notes: [...gate.notes, ...pinned.notes] });
      if (targets.length) emit({ type: 'note', text: `Target${targets.length === 1 ? '' : 's'} to prove: ${targets.map((t) => t.label).join('; ').slice(0, 300)}` });
      // Whatever the baseline run wrote (reports, caches) is not part of anyone's change.
      await sandbox.resetToBase(signal);
      const targetFiles = new Set([...(options.verify?.protect ?? []), ...targetPaths(targets, checks, sandbox.root)]);
      const canReproduce = !targets.length && checks.checks.some((c) => c.kind === 'test');
      const targetText = targets.length ? renderTargets(targets) : canReproduce ? REPRODUCE_FIRST : '';

      emit({ type: 'stage', stage: 'plan' });
      const asked = await generatePlan(team, { task: taskText, memory, checks, targets: targetText, layout: await projectLayout(sandbox, signal), ...(signal ? { signal } : {}) });
      trajectory.record({ type: 'plan', plan: asked });
      const { tokenBudget, hardTokenLimit, maxRectifications, notes: budgetNotes } = taskBudget(budgetConfig, asked.team);
      // What the run works with, as the user sees it: the plan's request within the configured bounds.
      const plan: Plan = { ...asked, team: { ...asked.team, rounds: maxRectifications + 1, tokenBudget } };
      for (const text of budgetNotes) emit({ type: 'note', text });
      emit({ type: 'plan', plan, team: { generator: team.describe('generator'), implementer: team.describe(plan.team.implementerModel), rectifier: team.describe('rectifier') } });


      let steps = plan.steps;
      let instructions = '';
      let failures = '';
      let previousKeys: Set<string> | undefined;
      let lastStrategy: Diagnosis['strategy'] | undefined;
      const history: Diagnosis[] = [];
      let report: VerificationReport | undefined;
      let verdict: Verdict | undefined;
      let summary = '';
      let round = 0;
      // Passing the budget once hands over to the rectifier; after that only the hard limit stops.
      let softTokenLimit = tokenBudget;
      let status: SolveStatus | undefined;
      let reason = '';
      let lastPatch: string | undefined;

      for (;;) {
        round += 1;
        emit({ type: 'stage', stage: 'implement', round });
        const brief = implementerBrief(taskText, { ...plan, steps }, memory, checks, targetText, instructions, failures);
        const failedEdits: string[] = [];
        const outcome: RoundOutcome = await implement(team, { round, role: plan.team.implementerModel, brief, sandbox, policy: options.policy, tokenBudget: softTokenLimit, onEvent: emit, trajectory, failedEdits, focus: taskFocus(taskText, steps), ...(signal ? { signal } : {}) });
        if (outcome.kind === 'finished') summary = outcome.summary;
        trajectory.record({ type: 'round', round, outcome: outcome.kind, ...(failedEdits.length ? { failedEdits } : {}) });

        let trigger: 'checks' | 'budget' | undefined;
        let patch: string | undefined;
        let stillFailing = '';
        let emptyChange = false;
        if (outcome.kind === 'over-budget') {
          trigger = 'budget';
          softTokenLimit = hardTokenLimit;
        } else {
          emit({ type: 'stage', stage: 'verify', round });
          const verified = await verifyChange(sandbox, targetFiles, () => verify(checks, options, 'after', round, emit, trajectory), signal);
          patch = verified.patch;
          if (verified.protectedEdits.length) emit({ type: 'note', text: `The change edited ${verified.protectedEdits.join(', ')}, which define${verified.protectedEdits.length === 1 ? 's' : ''} how it is verified; it was verified with the original version${verified.protectedEdits.length === 1 ? '' : 's'}.` });
          report = compareRuns(baseline, verified.run);
          const outcomes = compareTargets(targets, baseline, verified.run);
          emptyChange = verified.files.length === 0;
          verdict = judge({ report, targets: outcomes, empty: emptyChange });
          if (verdict.evidence === 'no-regressions' && canReproduce) {
            emit({ type: 'stage', stage: 'verify', round, detail: 'reproduce' });
            const proof = await proveWithTeamTests(sandbox, verified.tree, verified.files, { workspaceTrusted: options.policy.workspaceTrusted, ...(options.verify?.timeoutMs ? { timeoutMs: options.verify.timeoutMs } : {}), ...(signal ? { signal } : {}) });
            trajectory.record({ type: 'reproduction', round, note: proof.note, ...(proof.runs ? { before: summarizeRun(proof.runs.before), after: summarizeRun(proof.runs.after) } : {}) });
            emit({ type: 'note', text: proof.note });
            if (proof.outcomes.length) verdict = judge({ report, targets: proof.outcomes, empty: false });
          }
          trajectory.record({ type: 'verdict', round, evidence: verdict.evidence, reason: verdict.reason, targets: verdict.targets.map(targetSummary), protectedEdits: verified.protectedEdits });
          emit({ type: 'verdict', round, ok: verdict.solved, evidence: verdict.evidence, text: verdictText(verdict, report) });
          if (!checks.checks.length) {
            status = 'unverified';
            reason = 'No checks were found to verify the change: configure coevolve.verify (or pass --verify).';
            break;
          }
          if (verdict.solved) {
            status = 'passed';
            reason = verdict.reason;
            break;
          }
          if (verdict.evidence === 'unverified') {
            status = 'unverified';
            reason = verdict.reason;
          }
          stillFailing = renderStillFailing(verdict.targets);
          trigger = 'checks';
        }
        if (team.tokensUsed() > hardTokenLimit || overCost(team, options)) {
          status = 'budget-exceeded';
          reason = `The task used ${team.tokensUsed()} tokens${options.budget?.costUsd ? ` / $${team.accounting.totals().costUsd.toFixed(2)}` : ''}, past its budget.`;
          break;
        }
        if (round > maxRectifications) {
          if (status !== 'unverified') {
            status = 'failed';
            reason = verdict && !verdict.solved ? `${verdict.reason} (after ${round} round${round === 1 ? '' : 's'})` : `The checks still fail after ${round} round${round === 1 ? '' : 's'}.`;
          }
          break;
        }
        status = undefined;

        emit({ type: 'stage', stage: 'rectify', round });
        // What failed this round: new failures, targets still failing, an empty change. The same set
        // twice in a row (after a revision) means the revision did not work.
        const keys = report && trigger === 'checks' ? new Set([...newFailureKeys(report), ...(verdict?.targets ?? []).filter((t) => t.after !== 'passing').map((t) => `target:${t.target.checkId}:${t.target.label}`), ...(emptyChange ? ['empty change'] : [])]) : new Set<string>();
        const repeated = trigger === 'checks' && previousKeys !== undefined && lastStrategy !== 'new-approach' && sameSet(keys, previousKeys);
        failures = report && trigger === 'checks' ? [verdict?.evidence === 'failed' && report.ok ? verdict.reason : '', stillFailing, renderNewFailures(report)].filter(Boolean).join('\n\n') : '';
        const diff: string = patch ?? (await sandbox.diff(signal)).patch;
        const { diagnosis, overridden } = await diagnose(team, {
          task: taskText,
          plan: { ...plan, steps },
          trigger,
          failures,
          diff,
          failedEdits,
          unchanged: lastPatch !== undefined && diff === lastPatch,
          history,
          memory,
          mustChangeApproach: repeated,
          tokensUsed: team.tokensUsed(),
          tokenBudget,
          ...(signal ? { signal } : {}),
        });
        lastPatch = diff;
        history.push(diagnosis);
        trajectory.record({ type: 'diagnosis', round, diagnosis: { ...diagnosis, overridden }, trigger });
        emit({ type: 'diagnosis', round, trigger, strategy: diagnosis.strategy, rootCause: diagnosis.rootCause });
        if (overridden) emit({ type: 'note', text: 'The same failures survived a revision; the rectifier was held to a new approach.' });
        if (diagnosis.strategy === 'new-approach') {
          await sandbox.resetToBase(signal);
          lastPatch = undefined;
        }
        if (diagnosis.steps.length && diagnosis.strategy !== 'revise-patch') steps = diagnosis.steps;
        instructions = diagnosis.instructions;
        previousKeys = keys;
        lastStrategy = diagnosis.strategy;
      }

      const diff = await sandbox.diff(signal);
      const reportText = report ? formatReport(report) : 'Not verified.';
      const accounting = team.accounting.totals();
      trajectory.writeFile('patch.diff', diff.patch);
      const evidence = status === 'passed' && verdict?.solved ? (verdict.evidence as PassEvidence) : undefined;
      const finalTargets = verdict?.targets ?? [];
      const runSummary: RunSummary = {
        runId: trajectory.id,
        task: taskText,
        origin: options.origin ?? 'user',
        status,
        ...(evidence ? { evidence } : {}),
        targets: finalTargets.map(targetSummary),
        reason,
        rounds: round,
        plan: plan.summary,
        summary,
        files: diff.files,
        checks: (report?.checks ?? []).map((c) => ({ id: c.id, verdict: c.verdict, newFailures: c.newFailures.length })),
        report: reportText,
        memory: { experienceIds: memory.experienceIds, files: memory.files, skillIds: memory.skillIds, fixIds: memory.fixIds },
        headAtStart: await headAtStart,
        accounting,
      };
      trajectory.writeFile('summary.json', `${JSON.stringify(runSummary, null, 2)}\n`);
      trajectory.record({ type: 'end', status, ...(evidence ? { evidence } : {}), reason });
      emit({ type: 'stage', stage: 'done' });
      const kept = sandbox;
      return {
        runId: trajectory.id,
        runDir: trajectory.dir,
        storeDir: workspace.storeDir,
        status,
        evidence,
        targets: finalTargets,
        reason,
        plan,
        summary,
        rounds: round,
        diff: diff.patch,
        files: diff.files,
        report,
        reportText,
        accounting,
        sandbox: kept,
        accept: async (acceptSignal) => {
          try {
            const applied = await kept.applyToUser(acceptSignal);
            trajectory.record({ type: 'end', status: 'accepted' });
            return applied.files.map((f) => ({ path: f.path, status: f.status }));
          } finally {
            await kept.dispose();
          }
        },
        reject: async () => {
          trajectory.record({ type: 'end', status: 'rejected' });
          await kept.dispose();
        },
        planApply: (planSignal) => kept.planApply(planSignal),
        confirmApplied: async () => {
          trajectory.record({ type: 'end', status: 'accepted' });
          await kept.dispose();
        },
      };
    } catch (error) {
      await sandbox?.dispose().catch(ignoreError('could not remove the sandbox after the run failed; the next run sweeps it'));
      const cancelled = signal?.aborted || CoevolveError.is(error, 'cancelled');
      trajectory.record({ type: 'end', status: cancelled ? 'cancelled' : 'error', reason: error instanceof Error ? error.message : String(error) });
      if (cancelled) throw new CoevolveError('cancelled', 'The task was cancelled; your files were not touched.');
      throw error;
    }
  });
}

async function retrieve(options: SolveOptions, taskText: string, emit: (event: SolveEvent) => void): Promise<MemoryContext> {
  if (options.memory?.disabled) return buildMemoryContext(undefined, [], 0);
  let recalled;
  try {
    // A person's runs explore a little (seeded by the task, so reproducible); measurement runs do not.
    const explore = (options.origin ?? 'user') === 'user' ? { explore: DEFAULT_EXPLORATION } : {};
    // What the code says now joins what its history says (a person's runs; a replay stays at its cutoff).
    const code = !options.memory?.cutoff && options.workspace.repository ? await contentIndexFor(options.workspace, 'HEAD', CONTENT_WAIT_MS, { onNote: (text) => emit({ type: 'note', text }) }) : undefined;
    const semantic = configuredEmbedder(options.models, options.secrets);
    if (semantic && 'note' in semantic) emit({ type: 'note', text: semantic.note });
    recalled = await recallInWorkspace(options.workspace, taskText, { k: 8, ...explore, ...(semantic && 'embedder' in semantic ? { embedder: semantic.embedder } : {}), ...(options.memory?.cutoff ? { cutoff: options.memory.cutoff } : {}), ...(code ? { contentIndex: code } : {}), onNote: (text) => emit({ type: 'note', text }) });
  } catch (error) {
    if (!CoevolveError.is(error)) throw error;
    // Memory helps; its absence (nothing mined yet, not a repository) or damage must not stop the task.
    emit({ type: 'note', text: error.reason === 'store-empty' || error.reason === 'not-a-git-repo' ? 'No project memory yet (run "coevolve mine" to build it).' : `Project memory was not used: ${error.message}` });
  }
  const storeDir = options.workspace.storeDir;
  const inPlay = [...(options.task.files ?? []), ...(recalled?.files.slice(0, 8).map((f) => f.path) ?? [])];
  // Like project memory, skills and accepted fixes help but must not stop the task: a damaged one
  // is left out with a note in the run log (and the live view) saying why.
  const withoutIt = (what: string) => (error: unknown) => {
    emit({ type: 'note', text: `${what} not used: ${error instanceof Error ? error.message : String(error)}` });
    return [];
  };
  const skills = options.skills ? await options.skills(taskText, inPlay) : await matchSkills(storeDir, taskText, inPlay).catch(withoutIt('Skills were'));
  // Accepted fixes are dated by acceptance, not by commit: a replay with a cutoff leaves them out.
  const fixes = options.memory?.cutoff ? [] : await matchFixes(storeDir, taskText).catch(withoutIt('Accepted fixes were'));
  const code = recalled ? await codeOfPastChanges(options, recalled, emit) : undefined;
  return buildMemoryContext(recalled, skills, options.memoryBudgetTokens ?? DEFAULT_MEMORY_BUDGET_TOKENS, fixes, code, options.task.files ?? []);
}

/** The hunks of the top past changes, read from git; like the rest of memory, their absence must not stop the task. */
async function codeOfPastChanges(options: SolveOptions, recalled: RecallResult, emit: (event: SolveEvent) => void): Promise<PastChangeCode | undefined> {
  try {
    const forgotten = new Set((await MemoryStore.open(options.workspace.storeDir)).state.forgotten ?? []);
    return await pastChangeCode(options.workspace.root, recalled, { taskFiles: options.task.files ?? [], forgotten, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    emit({ type: 'note', text: `The code of past changes was not shown: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}

async function verify(checks: CheckPlan, options: SolveOptions, phase: 'before' | 'after', round: number, emit: (event: SolveEvent) => void, trajectory: Trajectory): Promise<CheckRun> {
  const run = await runChecks(checks, {
    workspaceTrusted: options.policy.workspaceTrusted,
    ...(options.signal ? { signal: options.signal } : {}),
    onCheckEnd: (result) => emit({ type: 'check', phase, round, id: result.id, status: result.status, durationMs: result.durationMs, failures: result.failures.length }),
  });
  if (run.cancelled || options.signal?.aborted) throw new CoevolveError('cancelled', 'Cancelled.');
  trajectory.record({ type: 'checks', phase, round, results: run.results.map((r) => ({ id: r.id, status: r.status, durationMs: r.durationMs, failures: r.failures, error: r.error })) });
  return run;
}

function implementerBrief(task: string, plan: Plan, memory: MemoryContext, checks: CheckPlan, targets: string, instructions: string, failures: string): string {
  return [
    `Task:\n${task}`,
    renderPlan(plan),
    memory.text ? `Project memory (hints, may be wrong):\n${memory.text}` : '',
    targets,
    `After you finish, these checks run: ${checks.checks.map((c) => c.display).join('; ') || 'none were found'}.`,
    instructions ? `The rectifier's instructions for this round:\n${markUntrusted(instructions, 'rectifier (model output)')}` : '',
    failures ? `What failed last round:\n${failures}` : '',
  ].filter(Boolean).join('\n\n');
}

async function projectLayout(sandbox: Sandbox, signal?: AbortSignal): Promise<string> {
  const out = await runGit(gitAt(sandbox.root, signal), ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], signal);
  const files = splitNul(out).filter((path) => !sandbox.readOnlyPaths.some((linked) => path === linked || path.startsWith(`${linked}/`)));
  const folders = new Map<string, number>();
  for (const file of files) {
    const top = file.includes('/') ? `${file.split('/')[0]}/` : file;
    folders.set(top, (folders.get(top) ?? 0) + 1);
  }
  const entries = [...folders].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([name, count]) => (name.endsWith('/') ? `${name} (${count} files)` : name));
  return `${files.length} files. Top level: ${entries.join(', ')}`;
}

function overCost(team: Team, options: SolveOptions): boolean {
  return options.budget?.costUsd !== undefined && team.accounting.totals().costUsd > options.budget.costUsd;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((key) => b.has(key));
}

/** Files the targets live in, relative to the sandbox root: they are verified as they were. */
function targetPaths(targets: readonly Target[], checks: CheckPlan, root: string): string[] {
  const paths: string[] = [];
  for (const target of targets) {
    const cwd = checks.checks.find((c) => c.id === target.checkId)?.cwd ?? root;
    for (const failure of target.failures) {
      if (!failure.file || !failure.testName) continue;
      const path = relative(root, resolve(cwd, failure.file)).split(sep).join('/');
      if (!path.startsWith('..') && !isAbsolute(path)) paths.push(path);
    }
  }
  return paths;
}

/** The verdict's reason over the per-check report, unless the reason is the report's own headline. */
function verdictText(verdict: Verdict, report: VerificationReport): string {
  const lines = formatReport(report);
  return !report.ok && verdict.evidence === 'failed' && verdict.reason === report.reasons[0] ? lines : `${verdict.reason}\n${lines}`;
}

function targetSummary(outcome: TargetOutcome): TargetSummary {
  return { label: outcome.target.label, origin: outcome.target.origin, checkId: outcome.target.checkId, before: outcome.before, after: outcome.after };
}

function summarizeRun(run: CheckRun): { id: string; status: string; failures: number }[] {
  return run.results.map((r) => ({ id: r.id, status: r.status, failures: r.failures.length }));
}
