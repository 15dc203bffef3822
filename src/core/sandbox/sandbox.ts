import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoevolveError, throwIfAborted } from '../errors.ts';
import { writeChanges } from './applyChanges.ts';
import { putBackInPlace } from './putBackInPlace.ts';
import { SandboxProcesses } from './sandboxProcesses.ts';
import { planChanges } from './changePlan.ts';
import type { PlannedChange } from './changePlan.ts';
import { markGone } from './liveSandboxes.ts';
import { removeSandbox } from './removeSandbox.ts';
import { runGit, runGitBytes, sandboxGit, splitNul, stageAndWriteTree, TREE_DIFF_ARGS } from './sandboxGit.ts';
import { commitTree, excludeSpec, pathsNotIgnored, writeWorkTree } from './snapshot.ts';
import { TreeWatch, unexplained, writtenAny } from './treeWatch.ts';
import type { WatchedChanges, WatchRecording } from './treeWatch.ts';
import { parseTreeDiff } from './treeDiff.ts';
import type { ParsedDiff } from './treeDiff.ts';

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
  /** The sandbox's own index file: when something else rewrites it (a check running `git add`), the sandbox rescans. */
  indexFile: string;
  startedAt: Date;
  unregisterExit: () => void;
  /** Watch the tree for writes (Linux) so that checking it after a check needs no full scan; default true. */
  watchFiles?: boolean;
}

/** More touched paths than this and a full scan is cheaper than naming them all to git. */
const MAX_NAMED_PATHS = 1_000;
/** Tries at a staging while the model thinks: someone else's git may hold the index lock for a moment. */
const STAGING_ATTEMPTS = 4;

/**
 * A checkpoint under way while the agent goes on (see prestage): its paths, the watch's account
 * when it started, a recording of what is written since, and git's staging.
 */
interface Prestaging {
  seen: WatchedChanges;
  paths: readonly string[];
  recording: WatchRecording;
  staged: Promise<string>;
}

/**
 * An isolated copy of the user's tree that the agent team edits. Hands out the agent's changes as
 * a diff, or writes them into the user's tree once it is safe to. Also what the file tools take as
 * their root: `readOnlyPaths` are the linked dependency folders, readable but never edited.
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
  private readonly indexFile: string;
  /** The index file as the sandbox's own last write left it (inode, times, size). */
  private indexStamp: string | undefined;
  private readonly unregisterExit: () => void;
  /** The start state: changes are measured from here (moves on after each apply). */
  private base: string;
  private lastPlan: { result: string } | undefined;
  private linksToExclude: readonly string[] | undefined;
  /**
   * The tree the index holds, when the sandbox knows it: what the last checkpoint (or staging, or
   * restore) wrote. With the watch, "nothing written since" then means "the files are this tree".
   */
  private indexTree: string | undefined;
  /**
   * The tree the index holds whatever the files hold (indexTree asks more: that the files held it
   * too when it was set). A staging builds on it; trusted only while the index file is untouched.
   */
  private indexHolds: string | undefined;
  /** The trees of the start states: a reset to one leaves its tree in the index. */
  private readonly commitTrees = new Map<string, Promise<string | undefined>>();
  /** Trees the sandbox wrote itself (a restore may set the index to one of them). */
  private readonly ownTrees = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private disposing: Promise<void> | undefined;
  /** Diffs of checkpoints: they read only objects, so they run beside the queue (dispose waits for them). */
  private readonly readers = new Set<Promise<unknown>>();
  /** The latest checkpoint's diff: for diff(), and starting over undoes its paths without asking git again. */
  private latestDiff: { base: string; tree: string; parsed: Promise<ParsedDiff> } | undefined;
  /** The long-lived git processes and how git commands start; started with the first reset. */
  private readonly processes: SandboxProcesses;
  /** Paths putBackInPlace put back while the index still holds the change: the next staging stages them. */
  private readonly unstaged = new Set<string>();
  /** What was written since the files last matched the index; undefined until first needed, or where not possible. */
  private watch: TreeWatch | undefined;
  private watching: boolean;
  /** The staging prestage() started; whatever touches the index next first waits for it (or takes it over). */
  private prestaging: Prestaging | undefined;
  /** A prestage waiting for its turn: later calls add nothing to it. */
  private prestageQueued = false;

  constructor(init: SandboxInit) {
    this.id = init.id;
    this.dir = init.dir;
    this.indexFile = init.indexFile;
    this.root = init.root;
    this.userRoot = init.userRoot;
    this.kind = init.kind;
    this.base = init.base;
    this.readOnlyPaths = init.linkedPaths;
    this.startedAt = init.startedAt;
    this.unregisterExit = init.unregisterExit;
    this.processes = new SandboxProcesses(init.root, join(init.dir, 'jobs'));
    this.watching = (init.watchFiles ?? true) && TreeWatch.supported();
  }

  get baseCommit(): string {
    return this.base;
  }

  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  /** Whether writes to the tree are being watched (so checking it needs no full scan). */
  get watchingFiles(): boolean {
    return this.watch !== undefined && !this.watch.lost;
  }

  /**
   * The agent's changes since the start (or since the last apply); of a checkpoint's tree when one
   * is given (no rescan of the files, and no waiting for other operations: it reads only objects).
   */
  diff(signal?: AbortSignal, checkpoint?: string): Promise<SandboxDiff> {
    if (checkpoint !== undefined) {
      const base = this.base;
      const made = this.latestDiff?.base === base && this.latestDiff.tree === checkpoint ? this.latestDiff.parsed : undefined;
      if (made) {
        // Made along with the checkpoint; should that have failed, asked again.
        return made.then(
          (parsed) => parsed.diff,
          (error: unknown) => {
            if (signal?.aborted || CoevolveError.is(error, 'cancelled')) throw error;
            return this.reading(this.treeDiff(base, checkpoint, signal)).then((parsed) => parsed.diff);
          },
        );
      }
      return this.remember(base, checkpoint, this.reading(this.treeDiff(base, checkpoint, signal))).then((parsed) => parsed.diff);
    }
    return this.exclusive(signal, async () => {
      const tree = await this.resultTree(signal);
      const base = this.base;
      const made = this.latestDiff?.base === base && this.latestDiff.tree === tree ? await this.latestDiff.parsed.catch(() => undefined) : undefined;
      return (made ?? (await this.remember(base, tree, this.treeDiff(base, tree, signal)))).diff;
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
    return this.exclusive(signal, async () => {
      const from = this.indexTree;
      this.processes.start(true);
      if (from && (await this.filesMatchIndex(from, await this.watched(), signal))) {
        try {
          // Files and index hold the last checkpoint: undo just the paths it changed.
          await this.undoPaths(from, signal);
          await this.settleWatch(await this.watched(), signal);
          return;
        } catch (error) {
          if (signal?.aborted || CoevolveError.is(error, 'cancelled')) throw error;
          // Something stood in the way (an ignored file where the start state has one): the full reset below.
        }
      }
      this.indexTree = undefined;
      await this.restoreTree(this.base, false, signal);
    });
  }

  /**
   * The current state of the sandbox's files, to come back to with restore(). `changedPaths`, when
   * the caller knows every path written since the last checkpoint, restore or reset (the file tools
   * do), spares a scan of the whole tree; where the tree is watched, any other path written since
   * is staged as well.
   */
  checkpoint(signal?: AbortSignal, changedPaths?: readonly string[]): Promise<string> {
    return this.exclusive(signal, () => this.stage(changedPaths, signal));
  }

  /**
   * Starts staging the files the agent wrote while it goes on (its model thinks), so that the
   * checks that follow find their checkpoint made, or under way. Watched trees only; one staging at
   * a time (a later call waits for the one under way, then stages what is new); never fails: a
   * staging that cannot be made is left to the next checkpoint. Whatever touches the index next
   * waits for it first and keeps what it staged.
   */
  prestage(changedPaths: readonly string[]): void {
    if (!this.watchingFiles || this.prestageQueued || this.disposing || !changedPaths.length) return;
    this.prestageQueued = true;
    void this.exclusive(undefined, async () => {
      const captured = await this.capture(changedPaths, undefined);
      if (!captured) return;
      const staged = this.reading(this.stageRetrying(captured.paths));
      void staged.catch(() => undefined);
      this.prestaging = { ...captured, staged };
    })
      .catch(() => undefined)
      .finally(() => (this.prestageQueued = false));
  }

  /** Waits until none of the sandbox's own git touches the index (before a command that may run git itself). */
  quiesce(signal?: AbortSignal): Promise<void> {
    return this.exclusive(signal, async () => undefined);
  }

  /**
   * Waits for the prestaging and keeps what it did: the index holds its tree, and the watch forgets
   * the paths it staged, unless any was written again since (then the next checkpoint asks git).
   */
  private async absorbPrestaging(): Promise<void> {
    const pre = this.prestaging;
    if (!pre) return;
    this.prestaging = undefined;
    const staged = await pre.staged.then(
      () => true,
      () => false,
    );
    await this.watched();
    const written = pre.recording.stop();
    if (staged && written !== undefined && !writtenAny(written, [...pre.seen.paths, ...pre.paths])) {
      await this.settleWatch(pre.seen, undefined);
      return;
    }
    // Written while git read them: the index and the tree written beside it may each hold another
    // version. The watch still names the paths; the next checkpoint stages them, with git writing the tree.
    this.indexTree = undefined;
    this.indexHolds = undefined;
  }

  /**
   * What prestage stages: the paths, the watch's account, and a recording of what is written from
   * now on. Undefined: nothing to stage ahead (no watch, nothing written since the index matched
   * the files, or too many paths to name: the checkpoint scans).
   */
  private async capture(changedPaths: readonly string[], signal: AbortSignal | undefined): Promise<Omit<Prestaging, 'staged'> | undefined> {
    const seen = await this.watched();
    if (!seen || !this.watch || this.treeIfNothingWritten(seen) !== undefined) return undefined;
    // Right after the barrier: whatever is written from here on is seen by the recording.
    const recording = this.watch.startRecording();
    const paths = await this.pathsToStage(changedPaths, seen, signal);
    if (!paths) {
      recording.stop();
      return undefined;
    }
    return { seen, paths, recording };
  }

  /** stagePaths, tried again a few times: another git may hold the index lock for a moment. */
  private async stageRetrying(paths: readonly string[]): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.stagePaths(paths, undefined);
      } catch (error) {
        if (attempt >= STAGING_ATTEMPTS) throw error;
        await sleep(5 * attempt);
      }
    }
  }

  private async stage(changedPaths: readonly string[] | undefined, signal: AbortSignal | undefined): Promise<string> {
    if (!changedPaths) return this.resultTree(signal);
    const seen = await this.watched();
    const unchanged = this.treeIfNothingWritten(seen);
    if (unchanged !== undefined) return unchanged;
    const paths = await this.pathsToStage(changedPaths, seen, signal);
    if (!paths) return this.resultTree(signal, seen);
    const tree = await this.stagePaths(paths, signal);
    if (seen) await this.settleWatch(seen, signal);
    return tree;
  }

  /** Nothing written since the index last matched the files: the tree it holds. */
  private treeIfNothingWritten(seen: WatchedChanges | undefined): string | undefined {
    return seen && !seen.paths.size && !this.unstaged.size && this.indexUntouched() ? this.indexTree : undefined;
  }

  /**
   * The paths a checkpoint stages: those written (by the file tools, or put back in place), and
   * those the watch saw written otherwise that git sees as changed. Undefined: too many of the
   * latter to name, scan everything.
   */
  private async pathsToStage(changedPaths: readonly string[], seen: WatchedChanges | undefined, signal: AbortSignal | undefined): Promise<readonly string[] | undefined> {
    const paths: readonly string[] = this.unstaged.size ? [...new Set([...changedPaths, ...this.unstaged])] : changedPaths;
    if (!seen) return paths;
    const others = unexplained(seen, paths, this.root);
    if (others.length > MAX_NAMED_PATHS) return undefined;
    return others.length ? [...new Set([...paths, ...(await this.visibleChanges(others, signal))])] : paths;
  }

  /**
   * Stages exactly these paths and writes the index's tree. update-index touches only them (git
   * add would still walk the folders); the diff against the start comes from the same process,
   * while whatever runs next (the checks) runs.
   */
  private async stagePaths(paths: readonly string[], signal: AbortSignal | undefined): Promise<string> {
    const base = this.base;
    this.processes.start(false);
    const from = this.indexUntouched() ? this.indexHolds : undefined;
    this.indexTree = undefined;
    this.indexHolds = undefined;
    const quick = from !== undefined && paths.length > 0 ? await this.stageOnto(from, paths, base, signal) : undefined;
    if (typeof quick === 'string') return quick;
    // Where the builder declined, the paths are already staged: git only writes the tree.
    const { tree, diff } = await stageAndWriteTree(sandboxGit(this.root, signal), quick === null ? [] : paths, base, this.processes.launcher);
    // Stamped as soon as git is done: a later write of the index is someone else's.
    this.stampIndex();
    this.unstaged.clear();
    this.noteTree(tree);
    if (diff) void this.remember(base, tree, this.reading(diff.then((out) => parseTreeDiff(out))));
    return tree;
  }

  /**
   * stagePaths on an index known to hold `from`: update-index stages the paths while the tree is
   * written from `from` and the same files without the index (TreeBuilder), and the diff starts as
   * soon as the tree is known. Null, with the paths staged, where the builder declines: the caller
   * then has git write the tree. Undefined, having done nothing, where there is no builder to ask.
   * (The two read the files at nearly the same moment; a write in between is what the callers'
   * recordings catch, and they stage again.)
   */
  private async stageOnto(from: string, paths: readonly string[], base: string, signal: AbortSignal | undefined): Promise<string | null | undefined> {
    const builder = await this.processes.treeBuilder();
    if (!builder) return undefined;
    const staged = this.processes.git(['update-index', '--add', '--remove', '-z', '--stdin'], signal, paths.map((path) => `${path}\0`).join(''));
    // Its failure (a lock someone holds) is this staging's, awaited below once the tree is built.
    void staged.catch(() => undefined);
    const tree = await builder.build(from, paths).catch(() => undefined);
    if (tree !== undefined) void this.remember(base, tree, this.reading(this.processes.gitBytes([...TREE_DIFF_ARGS, base, tree, '--'], signal).then(parseTreeDiff)));
    await staged;
    this.stampIndex();
    if (tree === undefined) return null;
    this.unstaged.clear();
    this.noteTree(tree);
    return tree;
  }

  /**
   * Back to a checkpoint: what ran since (a check writing reports, caches) leaves no trace.
   * Returns false when nothing had changed (the common case: checks write only ignored files).
   */
  restore(tree: string, signal?: AbortSignal): Promise<boolean> {
    return this.exclusive(signal, () => this.restoreNow(tree, signal));
  }

  private async restoreNow(tree: string, signal: AbortSignal | undefined): Promise<boolean> {
    if (tree === this.indexTree) {
      const seen = await this.watched();
      if (await this.filesMatchIndex(tree, seen, signal)) {
        await this.settleWatch(seen, signal);
        return false;
      }
    }
    await this.restoreTree(tree, this.ownTrees.has(tree), signal);
    return true;
  }

  /**
   * Puts back the start state of the paths a tree changed: by hand where it can (putBackInPlace),
   * else `git restore`, which rewrites the edited and deleted ones and removes the added ones
   * (and folders left empty), index and files alike. (A two-tree `read-tree -m -u` does the same,
   * but then recomputes the tree of every folder.) The paths come from the checkpoint's diff.
   */
  private async undoPaths(from: string, signal: AbortSignal | undefined): Promise<void> {
    this.indexTree = undefined;
    const latest = this.latestDiff?.base === this.base && this.latestDiff.tree === from ? this.latestDiff.parsed : undefined;
    const changes = await latest?.then((parsed) => parsed.changes, () => undefined);
    const readers = changes && (await this.processes.checkoutReaders());
    const markUnstaged = (paths: readonly string[]) => {
      // From here on the index no longer matches these files: the next staging stages them.
      for (const path of paths) this.unstaged.add(path);
      this.indexTree = undefined;
    };
    if (readers && (await putBackInPlace(this.root, changes, readers, signal, markUnstaged))) return;
    const paths = changes?.flatMap((change) => (change.from === undefined ? [change.path] : [change.from, change.path])) ??
      splitNul(await this.processes.git(['diff-tree', '-r', '-z', '--name-only', '--no-renames', this.base, from], signal));
    if (!paths.length) return;
    const input = paths.map((path) => `:(top,literal)${path}\0`).join('');
    this.indexHolds = undefined;
    await this.processes.git(['restore', `--source=${this.base}`, '--staged', '--worktree', '--pathspec-from-file=-', '--pathspec-file-nul'], signal, input);
    this.stampIndex();
    // The paths where `from` differs from the start, put back in the index too: it holds the start's tree.
    this.indexHolds = await this.treeOfCommit(this.base);
  }

  /** The watch's account of what was written since the files last matched the index; undefined: unknown, scan everything. */
  private async watched(): Promise<WatchedChanges | undefined> {
    return this.watch?.pending();
  }

  /**
   * Whether index and files both hold `tree` (the index's known tree): no tracked file differs, no
   * new file. With the watch's account only the paths it saw written are asked about.
   */
  private async filesMatchIndex(tree: string, seen: WatchedChanges | undefined, signal: AbortSignal | undefined): Promise<boolean> {
    // Files put back while the index still holds the change (never the case after a checkpoint).
    if (this.unstaged.size) return false;
    // Something else wrote the index (a check running git): fine if it only refreshed file times,
    // not if it staged or unstaged anything. Its entries are then still the tree's, and the watch
    // still knows every file written since they matched the files.
    const rewritten = !this.indexUntouched();
    if (rewritten && (await this.processes.gitCode(['diff-index', '--cached', '--quiet', tree, '--'], signal)) !== 0) return false;
    const same = !seen || seen.paths.size > MAX_NAMED_PATHS ? await this.matchesIndex(signal) : !seen.paths.size || (await this.visibleChanges([...seen.paths], signal)).length === 0;
    if (same && rewritten) this.stampIndex();
    return same;
  }

  /** Of these paths (files or folders), the files that differ from the index or are new to it. */
  private async visibleChanges(paths: readonly string[], signal: AbortSignal | undefined): Promise<string[]> {
    const specs = paths.map((path) => `:(top,literal)${path}`);
    const out = await this.processes.git(['ls-files', '-z', '--modified', '--others', '--exclude-standard', '--', ...specs, ...this.readOnlyPaths.map(excludeSpec)], signal);
    return [...new Set(splitNul(out))];
  }

  /** Whether the files are exactly what the index holds, by scanning the whole tree. */
  private async matchesIndex(signal: AbortSignal | undefined): Promise<boolean> {
    const excluded = this.readOnlyPaths.map(excludeSpec);
    const [modified, added] = await Promise.all([
      this.processes.git(['diff-files', '--name-only', '-z', '--', ':/', ...excluded], signal),
      this.processes.git(['ls-files', '-z', '--others', '--exclude-standard', '--', ':/', ...excluded], signal),
    ]);
    return !modified && !added;
  }

  /**
   * The files match the index again (checked, or just put there by git). The watch forgets what
   * it saw; with no watch (or one that lost track) this is the moment to start one.
   */
  private async settleWatch(seen: WatchedChanges | undefined, signal: AbortSignal | undefined): Promise<void> {
    if (!this.watching) return;
    if (seen && this.watch && !this.watch.lost) {
      await this.watch.settle(seen);
      if (!this.watch.lost) return;
    }
    this.watch?.close();
    this.watch = undefined;
    throwIfAborted(signal);
    this.watch = await TreeWatch.start(this.root, join(this.dir, 'watch'), sandboxGit(this.root), this.readOnlyPaths);
    // Not possible here (a file system without events, too many folders): scans from now on.
    if (!this.watch) this.watching = false;
  }

  /** Index and files to `treeish` (`isTree`: a tree the sandbox wrote, so the index's tree is known). */
  private async restoreTree(treeish: string, isTree: boolean, signal?: AbortSignal): Promise<void> {
    this.indexTree = undefined;
    this.indexHolds = undefined;
    await this.processes.git(['read-tree', '--reset', '-u', treeish], signal);
    this.stampIndex();
    this.unstaged.clear();
    if (isTree) this.indexTree = treeish;
    this.indexHolds = isTree ? treeish : await this.treeOfCommit(treeish);
    await this.processes.git(['clean', '-fdq', '--', ':/', ...this.readOnlyPaths.map(excludeSpec)], signal);
    await this.settleWatch(await this.watched(), signal);
  }

  /** Removes the sandbox; safe to call twice. The user's linked folders are left alone. */
  dispose(): Promise<void> {
    this.disposing ??= this.queue
      .catch(() => undefined)
      .then(async () => {
        this.unregisterExit();
        this.watch?.close();
        this.watch = undefined;
        this.watching = false;
        this.processes.close();
        await Promise.allSettled(this.readers);
        await removeSandbox({ dir: this.dir, tree: this.root, kind: this.kind, userRoot: this.userRoot });
        markGone(this.dir);
      });
    return this.disposing;
  }

  private async plan(signal: AbortSignal | undefined): Promise<PlannedChange[]> {
    const result = await this.resultTree(signal);
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

  /**
   * The tree of the files as they are: with the watch's account, the last checkpoint's when nothing
   * git sees was written since (the index still holds it); else the whole tree staged (a full
   * scan). `seen`: the watch's account, if already asked.
   */
  private async resultTree(signal: AbortSignal | undefined, seen?: WatchedChanges): Promise<string> {
    const before = seen ?? (await this.watched());
    const known = this.indexTree;
    if (before && known !== undefined && !this.unstaged.size && before.paths.size <= MAX_NAMED_PATHS && this.indexUntouched()) {
      if (!before.paths.size || !(await this.visibleChanges([...before.paths], signal)).length) {
        await this.settleWatch(before, signal);
        return known;
      }
    }
    // The index is about to be restaged with whatever the files hold now.
    this.indexTree = undefined;
    this.indexHolds = undefined;
    const source = { git: sandboxGit(this.root, signal), signal };
    // Whether a linked folder is ignored does not change while the agent works; ask git once.
    this.linksToExclude ??= await pathsNotIgnored(source, this.readOnlyPaths);
    const tree = await writeWorkTree(source, this.readOnlyPaths, this.linksToExclude);
    this.stampIndex();
    this.unstaged.clear();
    this.noteTree(tree);
    // Everything written before the scan is in the index now (no new watch is started for this).
    if (before && this.watch) await this.watch.settle(before);
    return tree;
  }

  /** `tree` is what the index holds now, written by the sandbox. */
  private noteTree(tree: string): void {
    this.indexTree = tree;
    this.indexHolds = tree;
    // Only the latest few can come back in a restore; an unbounded set would only grow.
    if (this.ownTrees.size >= 64) this.ownTrees.delete(this.ownTrees.values().next().value!);
    this.ownTrees.add(tree);
  }

  /** The tree of a start state (asked once); undefined where git cannot say. */
  private treeOfCommit(commit: string): Promise<string | undefined> {
    let tree = this.commitTrees.get(commit);
    if (!tree) {
      tree = this.processes.git(['rev-parse', '--verify', '--quiet', `${commit}^{tree}`], undefined).then(
        (out) => out.trim() || undefined,
        () => undefined,
      );
      this.commitTrees.set(commit, tree);
    }
    return tree;
  }

  /** Notes the index file as the sandbox's own write just left it. */
  private stampIndex(): void {
    this.indexStamp = fileStamp(this.indexFile);
  }

  /** Whether the index file is as the sandbox's own last write left it. */
  private indexUntouched(): boolean {
    return this.indexStamp !== undefined && fileStamp(this.indexFile) === this.indexStamp;
  }

  /**
   * `git diff` of two trees, as a patch and as a list of files from one git process: `--raw -z`
   * records come first, then an empty field, then the patch.
   */
  private async treeDiff(base: string, result: string, signal: AbortSignal | undefined): Promise<ParsedDiff> {
    return parseTreeDiff(await runGitBytes(this.root, [...TREE_DIFF_ARGS, base, result, '--'], signal));
  }

  private remember(base: string, tree: string, parsed: Promise<ParsedDiff>): Promise<ParsedDiff> {
    // Nobody may ask for it (the checks pass): its failure is nobody's error until asked for.
    void parsed.catch(() => undefined);
    this.latestDiff = { base, tree, parsed };
    return parsed;
  }

  /** Runs a read-only git operation beside the queue; dispose waits for it. */
  private reading<T>(work: Promise<T>): Promise<T> {
    if (this.disposing) {
      void work.catch(() => undefined);
      return Promise.reject(new CoevolveError('sandbox-failed', `Sandbox ${this.id} was already removed.`));
    }
    const tracked = work.finally(() => this.readers.delete(tracked));
    this.readers.add(tracked);
    return tracked;
  }

  /**
   * One operation at a time: they share the sandbox's index. Each waits for a prestaging first,
   * and keeps what it staged (see absorbPrestaging).
   */
  private exclusive<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    if (this.disposing) return Promise.reject(new CoevolveError('sandbox-failed', `Sandbox ${this.id} was already removed.`));
    const run = this.queue.catch(() => undefined).then(async () => {
      throwIfAborted(signal);
      await this.absorbPrestaging();
      return task();
    });
    this.queue = run;
    return run;
  }
}

/** Inode, change and modification times and size: git replaces the index file on every write. */
function fileStamp(path: string): string | undefined {
  try {
    const info = lstatSync(path, { bigint: true });
    return `${info.ino}:${info.ctimeNs}:${info.mtimeNs}:${info.size}`;
  } catch {
    return undefined;
  }
}
