import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CoevolveError, throwIfAborted } from '../errors.ts';
import { MemoryStore } from '../memory/store.ts';
import type { Cutoff } from '../memory/recall.ts';
import { gitAt, runGit, runGitBytes } from '../git/gitRunner.ts';
import type { CheckRun } from '../verify/checkResult.ts';
import type { CheckPlan } from '../verify/checkSpec.ts';
import type { ConfiguredChecksSetting } from '../verify/configuredChecks.ts';
import { planChecks } from '../verify/plan.ts';
import { runChecks } from '../verify/runChecks.ts';
import { mergedBranchCandidates } from './mergeCandidates.ts';
import { selectReplayCandidates } from './replaySelection.ts';
import type { ReplayCandidate, ReplaySelectionOptions } from './replaySelection.ts';
import { provideReplayDependencies } from './replayDependencies.ts';
import type { ReplayDependencies } from './replayDependencies.ts';
import { replayTaskText } from './replayText.ts';
import { judgeReplay } from './replayVerdict.ts';
import type { ReplayInvalid } from './replayVerdict.ts';
import { addReplayWorktree } from './replayWorktree.ts';
import { replayChecks } from '../verify/testFiles/testRunners.ts';
import type { ReplayChecks } from '../verify/testFiles/testRunners.ts';

export interface FindReplayOptions extends ReplaySelectionOptions {
  /** The repository: with it, commits inside the mined merges' branches are candidates too (see mergeCandidates.ts). */
  repoRoot?: string;
  signal?: AbortSignal;
}

/** The candidates in the store at `storeDir` (see replaySelection.ts for the rules). */
export async function findReplayCandidates(storeDir: string, options: FindReplayOptions = {}): Promise<ReplayCandidate[]> {
  const store = await MemoryStore.open(storeDir);
  if (store.state.counts.experiences === 0) throw new CoevolveError('store-empty', `Nothing has been mined into ${storeDir} yet.`, { hint: 'Run `coevolve mine` first.' });
  const experiences = await store.loadAll();
  const branchCommits = options.repoRoot ? await mergedBranchCandidates(options.repoRoot, experiences, options.signal ? { signal: options.signal } : {}) : [];
  return selectReplayCandidates(experiences, options, branchCommits);
}

export interface ReplayValidation {
  /** The commit's tests fail on the parent's code: the task is not already solved (see replayVerdict.ts). */
  failsBefore: boolean;
  /** They pass with the commit's source changes: the task is solvable and the verifier is sound. */
  passesAfter: boolean;
  before: CheckRun;
  after: CheckRun;
}

export interface ReplayTask {
  /** What to do, from the commit message (untrusted text). */
  text: string;
  commit: string;
  parent: string;
  testFiles: string[];
  sourceFiles: string[];
  /** Recall for this task must not see memory from the commit on. */
  cutoff: Cutoff;
  /** The issued plan that verifies a solution, and the ids in it to run. */
  plan: CheckPlan;
  /** The per-file test commands the plan was made from (planChecks' `replace` mode), if any: how a solve run verifies the same way. */
  configured?: ConfiguredChecksSetting;
  checkIds: string[];
  /** The commands, as displayed. */
  verification: string[];
  validated?: ReplayValidation;
  valid: boolean;
  /**
   * When only some of the commit's tests go from failing to passing here (the rest fail either
   * way): those tests, per check. The task's targets are then these, not the whole checks.
   */
  failToPass?: { checkId: string; names: string[] }[];
  /** Why the task is not valid, when that is known (validation ran, or the environment could not be built). */
  invalid?: ReplayInvalid;
  /** Where the worktree's dependencies came from. */
  dependencies?: ReplayDependencies;
  /** What planning noticed (an interpreter lacking modules, a workspace project's dependencies). */
  notes: string[];
  /** The parent's tree plus the commit's tests; source as at the parent. */
  worktree: string;
  timings: { materializeMs: number; dependenciesMs?: number; beforeMs?: number; afterMs?: number };
  dispose(): Promise<void>;
}

export interface BuildReplayOptions {
  signal?: AbortSignal;
  /** Run the tests before and after the commit's source change (default true). */
  validate?: boolean;
  /** Give the worktree the commit's dependencies: the user's when they are the same, or an install from the cache (default true). */
  linkDependencies?: boolean;
  /** Per-check timeout. */
  timeoutMs?: number;
  /** For dependency installs (default 10 minutes). */
  installTimeoutMs?: number;
  /** Where dependency installs are kept (default: dependencyCacheRoot()). */
  dependencyCache?: string;
}

/**
 * Materializes `candidate` as a task in its own worktree: the parent commit, with the commit's
 * versions of the tests it touched written in. Validation runs those tests there (they must fail),
 * applies the commit's source diff (they must pass), then reverts the diff, leaving the task
 * ready to solve. Any failure or cancel removes the worktree before it is reported.
 */
export async function buildReplayTask(repoRoot: string, candidate: ReplayCandidate, options: BuildReplayOptions = {}): Promise<ReplayTask> {
  const { signal } = options;
  throwIfAborted(signal);
  const started = performance.now();
  const repo = gitAt(repoRoot, signal);
  const parent = (await runGit(repo, ['rev-parse', '--verify', '--quiet', `${candidate.sha}^1^{commit}`])).trim();
  const worktree = await addReplayWorktree(repoRoot, parent, candidate.sha, signal);
  try {
    const tree = worktree.tree;
    for (const file of candidate.testFiles) {
      const bytes = await runGitBytes(repoRoot, ['cat-file', 'blob', `${candidate.sha}:${file}`], signal);
      await mkdir(dirname(join(tree, file)), { recursive: true });
      await writeFile(join(tree, file), bytes);
    }
    const patchFile = join(worktree.dir, 'source.patch');
    const patch = await runGitBytes(repoRoot, ['diff', '--binary', '--full-index', '--no-renames', parent, candidate.sha, '--', ...candidate.sourceFiles], signal);
    await writeFile(patchFile, patch);
    let invalid: ReplayInvalid | undefined;
    let dependencies: ReplayDependencies | undefined;
    let dependenciesMs: number | undefined;
    if (options.linkDependencies !== false) {
      const mark = performance.now();
      const provided = await provideReplayDependencies(repoRoot, tree, candidate.sha, {
        ...(signal ? { signal } : {}),
        ...(options.installTimeoutMs ? { timeoutMs: options.installTimeoutMs } : {}),
        ...(options.dependencyCache ? { cacheRoot: options.dependencyCache } : {}),
      });
      dependenciesMs = performance.now() - mark;
      dependencies = provided.dependencies;
      if (!provided.ok) invalid = { reason: 'environment', detail: provided.detail };
    }
    const runners = await replayChecks(tree, candidate.testFiles);
    const { configured } = runners;
    const planOptions = options.timeoutMs ? { defaultTimeoutMs: options.timeoutMs } : {};
    // Without a per-file command, the project's detected test checks (not lint or typecheck) are the verifier.
    const plan = configured ? await planChecks(tree, { ...planOptions, configured, configuredMode: 'replace' }) : await planChecks(tree, planOptions);
    const checkIds = plan.checks.filter((check) => check.kind === 'test').map((check) => check.id);
    if (!invalid && checkIds.length === 0) invalid = { reason: 'no-test-command', detail: `No way to run ${candidate.testFiles.join(', ')} was found: no known test runner in package.json, and no detected test check.` };
    const notes = [...runners.notes, ...(dependencies?.note ? [dependencies.note] : [])];
    const task: ReplayTask = {
      text: replayTaskText(candidate.subject, candidate.body),
      commit: candidate.sha,
      parent,
      testFiles: [...candidate.testFiles],
      sourceFiles: [...candidate.sourceFiles],
      cutoff: { ...candidate.cutoff },
      plan,
      ...(configured ? { configured } : {}),
      checkIds,
      verification: plan.checks.filter((check) => checkIds.includes(check.id)).map((check) => check.display),
      valid: false,
      ...(invalid ? { invalid } : {}),
      ...(dependencies ? { dependencies } : {}),
      notes,
      worktree: tree,
      timings: { materializeMs: performance.now() - started, ...(dependenciesMs !== undefined ? { dependenciesMs } : {}) },
      dispose: () => worktree.remove(),
    };
    if (options.validate !== false && !invalid) await validate(task, patch.length > 0 ? patchFile : undefined, runners, signal);
    return task;
  } catch (error) {
    await worktree.remove();
    throw error;
  }
}

async function validate(task: ReplayTask, patchFile: string | undefined, runners: ReplayChecks, signal: AbortSignal | undefined): Promise<void> {
  const run = async (): Promise<CheckRun> => {
    const result = await runChecks(task.plan, { workspaceTrusted: true, only: task.checkIds, ...(signal ? { signal } : {}) });
    if (result.cancelled) throw new CoevolveError('cancelled', 'Cancelled.');
    return result;
  };
  let mark = performance.now();
  const before = await run();
  task.timings.beforeMs = performance.now() - mark;
  const tree = gitAt(task.worktree, signal);
  if (patchFile) await runGit(tree, ['apply', '--whitespace=nowarn', patchFile]);
  mark = performance.now();
  const after = await run();
  task.timings.afterMs = performance.now() - mark;
  if (patchFile) await runGit(tree, ['apply', '-R', '--whitespace=nowarn', patchFile]);
  const { failsBefore, passesAfter, invalid, failToPass, note } = judgeReplay(before, after);
  task.validated = { failsBefore, passesAfter, before, after };
  task.valid = failsBefore && (passesAfter || failToPass !== undefined);
  if (failToPass) task.failToPass = failToPass;
  if (note) task.notes.push(note);
  if (invalid) {
    // The interpreter probe knows which imports no Python had: say so before the runner's own words.
    const missing = runners.pythonMissing;
    task.invalid = invalid.reason === 'could-not-run' && missing?.length ? { ...invalid, detail: `The tests import ${missing.join(', ')}, which no Python found has: install ${missing.join(' ')} (e.g. in the project's .venv). ${invalid.detail}` } : invalid;
  }
}
