import { CoevolveError, throwIfAborted } from '../errors.ts';
import { writeChanges } from './applyChanges.ts';
import { planChanges } from './changePlan.ts';
import type { PlannedChange } from './changePlan.ts';
import { markGone } from './liveSandboxes.ts';
import { removeSandbox } from './removeSandbox.ts';
import { runGit, runGitBytes, runGitWith, sandboxGit } from './sandboxGit.ts';
import { commitTree, excludeSpec, pathsNotIgnored, writeWorkTree } from './snapshot.ts';
import { parseTreeDiff, TREE_DIFF_ARGS } from './treeDiff.ts';
import { settled } from '../util/settled.ts';

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

export interface ChangedFile {
  path: string;
  status: ChangeStatus;
  /** The path before a rename or copy. */
  from?: string;
}

export interface SandboxDiff {
  /** `git diff --binary` of the agent's changes against the start state, for showing. */
  patch: string;
  /** The same patch byte for byte (a file that is not UTF-8 survives); for `git apply` or saving. */
  patchBytes: Buffer;
  files: ChangedFile[];
}

export interface ApplyResult {
  files: Array<Pick<PlannedChange, 'path' | 'status'>>;
}

export interface SandboxInit {
  id: string;
  dir: string;
  root: string;
  userRoot: string;
  kind: 'worktree' | 'copy';
  base: string;
  linkedPaths: readonly string[];
  startedAt: Date;
  unregisterExit: () => void;
}

/**
 * An isolated copy of the user's tree that the agent team edits. Hands out the agent's changes as
 * a diff, or writes them into the user's tree once it is safe to. Also what the file tools take as
 * their root: `readOnlyPaths` are the linked dependency folders, readable but never edited.
 *
 * Every operation asks git plainly (a round is seconds of model time and the project's own checks;
 * the sandbox's part is a few git commands, docs/BENCHMARKS.md): a checkpoint stages the whole
 * tree, a restore compares the files with the checkpoint and checks it out again where they differ.
 */
export class Sandbox {
  readonly id: string;
  /** The sandbox's tree, where the agent works. */
  readonly root: string;
  /** The user's tree (a repository's top folder) that the sandbox copies. */
  readonly userRoot: string;
  readonly kind: 'worktree' | 'copy';
  readonly readOnlyPaths: readonly string[];
  readonly startedAt: Date;
  private readonly dir: string;
  private readonly unregisterExit: () => void;
  /** The start state: changes are measured from here (moves on after each apply). */
  private base: string;
  private lastPlan: { result: string } | undefined;
  private linksToExclude: readonly string[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposing: Promise<void> | undefined;

  constructor(init: SandboxInit) {
    this.id = init.id;
    this.dir = init.dir;
    this.root = init.root;
    this.userRoot = init.userRoot;
    this.kind = init.kind;
    this.base = init.base;
    this.readOnlyPaths = init.linkedPaths;
    this.startedAt = init.startedAt;
    this.unregisterExit = init.unregisterExit;
  }

  get baseCommit(): string {
    return this.base;
  }

  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  /** The agent's changes since the start (or since the last apply); of a checkpoint's tree when one is given. */
  diff(signal?: AbortSignal, checkpoint?: string): Promise<SandboxDiff> {
    return this.exclusive(signal, async () => {
      const tree = checkpoint ?? (await this.stageAll(signal));
      // Raw records and the patch from one git process (see parseTreeDiff).
      return parseTreeDiff(await runGitBytes(this.root, [...TREE_DIFF_ARGS, this.base, tree, '--'], signal));
    });
  }

  /**
   * Each changed file with the user's current content and the new content. Refuses with
   * `edit-rejected` (naming the files) when any file the change touches differs from what the
   * sandbox started from: applying would overwrite the user's newer work.
   */
  planApply(signal?: AbortSignal): Promise<PlannedChange[]> {
    return this.exclusive(signal, () => this.plan(signal));
  }

  /** Checks every touched file, then writes them all, or (on a failed write) none. */
  applyToUser(signal?: AbortSignal): Promise<ApplyResult> {
    return this.exclusive(signal, async () => {
      const changes = await this.plan(signal);
      throwIfAborted(signal);
      // From here on, no cancelling: a half-written tree is worse than a finished one.
      await writeChanges(this.userRoot, changes);
      await this.settle();
      return { files: changes.map(({ path, status }) => ({ path, status })) };
    });
  }

  /**
   * Records that the last planApply() was written into the user's tree by someone else (the
   * editor's WorkspaceEdit), so later diffs show only what the agent does next.
   */
  markApplied(signal?: AbortSignal): Promise<void> {
    return this.exclusive(signal, () => this.settle(signal));
  }

  /**
   * Puts the sandbox's files back to the start state: the agent's edits and anything a check left
   * behind are gone (ignored files and the linked dependency folders stay). Used after the baseline
   * checks and when the team starts over with a new approach.
   */
  resetToBase(signal?: AbortSignal): Promise<void> {
    return this.exclusive(signal, () => this.checkOut(this.base, signal));
  }

  /**
   * The current state of the sandbox's files, to come back to with restore(): the whole tree
   * staged, so a file written by anything (a tool, a command the model ran) is part of it.
   */
  checkpoint(signal?: AbortSignal): Promise<string> {
    return this.exclusive(signal, () => this.stageAll(signal));
  }

  /**
   * Back to a checkpoint: what ran since (a check writing reports, caches, or running git on the
   * index) leaves no trace; ignored files stay. Returns false when nothing had changed (the common
   * case: checks write only ignored files).
   */
  restore(tree: string, signal?: AbortSignal): Promise<boolean> {
    return this.exclusive(signal, async () => {
      if (await this.filesAre(tree, signal)) return false;
      await this.checkOut(tree, signal);
      return true;
    });
  }

  /** Waits until none of the sandbox's own git touches the index (before a command that may run git itself). */
  quiesce(signal?: AbortSignal): Promise<void> {
    return this.exclusive(signal, async () => undefined);
  }

  /** Removes the sandbox; safe to call twice. The user's linked folders are left alone. */
  dispose(): Promise<void> {
    this.disposing ??= settled(this.queue).then(async () => {
        this.unregisterExit();
        await removeSandbox({ dir: this.dir, tree: this.root, kind: this.kind, userRoot: this.userRoot });
        markGone(this.dir);
      });
    return this.disposing;
  }

  private async plan(signal: AbortSignal | undefined): Promise<PlannedChange[]> {
    const result = await this.stageAll(signal);
    const { changes, conflicts } = await planChanges({
      sandbox: sandboxGit(this.root, signal),
      // Hash the user's files with the git that hashed them at open: same filters, same attributes.
      hasher: sandboxGit(this.kind === 'worktree' ? this.userRoot : this.root, signal),
      userRoot: this.userRoot,
      tree: this.root,
      base: this.base,
      result,
      signal,
    });
    if (conflicts.length) {
      const list = conflicts.map((c) => `${c.path} ${c.problem}`).join('; ');
      throw new CoevolveError('edit-rejected', `Nothing was applied: ${conflicts.length} file(s) the change touches differ from when the task started: ${list}.`, {
        hint: 'Keep your edits and apply the diff by hand, or run the task again on your current files.',
      });
    }
    this.lastPlan = { result };
    return changes;
  }

  /** Moves the start state to what was just applied. */
  private async settle(signal?: AbortSignal): Promise<void> {
    if (!this.lastPlan) throw new CoevolveError('bad-input', 'markApplied() needs a planApply() first.');
    const git = sandboxGit(this.root, signal);
    const next = await commitTree({ git, signal }, this.lastPlan.result, this.base, 'Co-evolve sandbox: applied to the user\'s tree');
    // HEAD keeps the new start state reachable, so a gc in the user's repository cannot drop it.
    await runGit(git, ['update-ref', 'HEAD', next], signal);
    this.base = next;
    this.lastPlan = undefined;
  }

  /** The tree of the files as they are: everything git sees staged (`git add -A`), the linked folders left out. */
  private async stageAll(signal: AbortSignal | undefined): Promise<string> {
    const source = { git: sandboxGit(this.root, signal), signal };
    // Whether a linked folder is ignored does not change while the agent works; ask git once.
    this.linksToExclude ??= await pathsNotIgnored(source, this.readOnlyPaths);
    return writeWorkTree(source, this.readOnlyPaths, this.linksToExclude);
  }

  /**
   * Whether index and files hold `tree`, asked without writing anything: no tracked file differs
   * from it (in the index or on disk: a check may have run `git rm --cached`) and no new file git
   * would see. A file whose times alone changed counts as changed: then a restore is one checkout more.
   */
  private async filesAre(tree: string, signal: AbortSignal | undefined): Promise<boolean> {
    const git = sandboxGit(this.root, signal);
    const excluded = this.readOnlyPaths.map(excludeSpec);
    const [tracked, added] = await Promise.all([
      runGitWith(git, ['diff-index', '--quiet', tree, '--', ':/', ...excluded], { okCodes: [1] }),
      runGit(git, ['ls-files', '-z', '--others', '--exclude-standard', '--', ':/', ...excluded], signal),
    ]);
    return tracked.code === 0 && added === '';
  }

  /** Index and files to `treeish`, and whatever git sees that it does not hold removed (ignored files stay). */
  private async checkOut(treeish: string, signal: AbortSignal | undefined): Promise<void> {
    const git = sandboxGit(this.root, signal);
    await runGit(git, ['read-tree', '--reset', '-u', treeish], signal);
    await runGit(git, ['clean', '-fdq', '--', ':/', ...this.readOnlyPaths.map(excludeSpec)], signal);
  }

  /** One operation at a time: they share the sandbox's index. */
  private exclusive<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    if (this.disposing) return Promise.reject(new CoevolveError('sandbox-failed', `Sandbox ${this.id} was already removed.`));
    const run = settled(this.queue).then(() => {
      throwIfAborted(signal);
      return task();
    });
    this.queue = run;
    return run;
  }
}
