import { CoevolveError, throwIfAborted } from '../errors.ts';
import { checkFixReverts } from '../learning/fixReverts.ts';
import type { CommitExperience, SymbolChange } from '../memory/experience.ts';
import { MemoryStore, SHARD_SIZE, shardOf } from '../memory/store.ts';
import type { MiningState } from '../memory/storeMeta.ts';
import type { StoreTransaction } from '../memory/store.ts';
import { syncDiskIndex } from '../memory/openMemoryIndex.ts';
import type { HistoryIndex } from '../memory/engine/historyIndex.ts';
import { buildExperience } from './experienceBuilder.ts';
import { MINED_REDACTION_VERSION } from '../security/minedText.ts';
import { streamFirstParentLog } from '../git/logStream.ts';
import { Repository } from '../git/repository.ts';
import type { RawCommit } from '../git/rawCommit.ts';
import type { SymbolMapperLimits, SymbolStats } from '../git/symbolMapper.ts';
import { createSymbolSource } from '../git/symbolSource.ts';
import { wantsSymbols } from '../git/symbolScope.ts';
import type { SymbolSource } from '../git/symbolSource.ts';
import { settled } from '../util/settled.ts';

export interface MineOptions {
  /** The store folder (normally `<repo>/.coevolve`). */
  storeDir: string;
  /** Mine at most this many commits in this run; a later run continues. */
  maxCommits?: number;
  /** Only commits newer than this (any date git understands). */
  since?: string;
  /** Map hunks to symbols with tree-sitter (default true). */
  symbols?: boolean;
  /** Bounds for symbol mapping (memory, per-commit work); the defaults suit any history. */
  symbolLimits?: Partial<SymbolMapperLimits>;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: MineProgress) => void;
  /** Told how many commits this run will mine, before the symbol parser or the index is loaded (a front door may tune for a short run). */
  onPlan?: (commits: number) => void;
  /**
   * Follow the user's commits as they are made: only what was committed on the mined branch since
   * the mined head, and what an amend or a short rebase of it replaced. No first mine and no older
   * history; HEAD on another branch, detached, or after a long rewrite is left to an explicit mine
   * (which would forget what is not on that line). See {@link FollowOutcome}.
   */
  onlyNew?: boolean;
}

/** With `onlyNew`: whether there was anything to follow. */
export type FollowOutcome = 'new-commits' | 'rewritten' | 'up-to-date' | 'not-mined' | 'elsewhere';

export interface MineProgress {
  done: number;
  total: number;
  sha?: string;
  subject?: string;
}

export interface MineCounts {
  merges: number;
  huge: number;
  binaryFiles: number;
  submoduleChanges: number;
  notUtf8: number;
  secretsRedacted: number;
  reverts: number;
}

export interface MineResult {
  repoRoot: string;
  empty: boolean;
  mined: number;
  removed: number;
  experiences: number;
  head?: string;
  complete: boolean;
  shallow: boolean;
  counts: MineCounts;
  /** How symbol mapping did its parsing (absent with symbols off). */
  symbolStats?: SymbolStats;
  /** Things the user should know, in plain sentences. */
  notices: string[];
  durationMs: number;
  /** Set with `onlyNew`. */
  followed?: FollowOutcome;
}

/**
 * Commits read ahead of the one being stored, their symbols mapped on the worker meanwhile. Writing a
 * batch (a shard, its text index) holds this thread for longer than the worker maps 64 commits in:
 * a shard's worth keeps the worker busy through a write. Bounded by patch bytes too (a few huge
 * commits must not be held a thousand at a time).
 */
const PIPELINE_WINDOW = 1024;
const PIPELINE_BYTES = 64 * 1024 * 1024;

type SegmentKind = 'fresh' | 'new' | 'older' | 'hole';

interface Segment {
  kind: SegmentKind;
  revisions: string[];
  startSeq: number;
  count: number;
  /** For 'new': the head it brings the store up to, and the position of the stored commit it stops at. */
  head?: string;
  baseSeq?: number;
  hole?: { from: number; to: number };
}

/**
 * Mines first-parent history into the store, newest first, resuming where the last run stopped.
 * What it has mined is saved batch by batch, so a cancelled or crashed run loses at most a batch.
 */
export async function mineHistory(repository: string | Repository, options: MineOptions): Promise<MineResult> {
  const started = performance.now();
  // A front door that opened the repository already passes it (one git process fewer per mine).
  const repo = typeof repository === 'string' ? await Repository.open(repository) : repository;
  const counts: MineCounts = { merges: 0, huge: 0, binaryFiles: 0, submoduleChanges: 0, notUtf8: 0, secretsRedacted: 0, reverts: 0 };
  const result: MineResult = { repoRoot: repo.root, empty: false, mined: 0, removed: 0, experiences: 0, complete: false, shallow: false, counts, notices: [], durationMs: 0 };
  const store = await MemoryStore.open(options.storeDir);
  const [head, branch] = await Promise.all([repo.head(), repo.branch()]);
  if (!head) {
    result.empty = true;
    result.experiences = store.state.counts.experiences;
    result.notices.push('The repository has no commits yet, so there is nothing to mine.');
    result.durationMs = performance.now() - started;
    return result;
  }
  throwIfAborted(options.signal);
  const shallow = await repo.isShallow();
  result.shallow = shallow;
  const limit = options.maxCommits && options.maxCommits > 0 ? options.maxCommits : Number.POSITIVE_INFINITY;
  let budget = limit;
  const segments = options.onlyNew ? await planNewOnly(repo, store, head, branch, shallow, result, Number.isFinite(limit)) : await planSegments(repo, store, head, shallow, result);

  const total = segments.reduce((sum, s) => sum + s.count, 0);
  const planned = Math.min(total, budget);
  options.onPlan?.(planned);
  // A worker pays off over many commits; for a handful its start-up would dominate.
  const symbols =
    options.symbols === false || total === 0 ? undefined : await createSymbolSource(repo.root, options.symbolLimits, { worker: planned > 64 });
  const progress: MineProgress = { done: 0, total: planned };
  options.onProgress?.(progress);
  // A large store's recall index is on disk: each batch is indexed as it is written (it also finds
  // revert targets there), and the file tables are brought up once at the end.
  const diskIndex = await syncDiskIndex(store, { files: false, expected: store.state.counts.experiences + planned });
  // The index is closed on every way out (a failed refresh or symbol-worker shutdown included).
  try {
    try {
      for (const segment of segments) {
        if (budget <= 0) break;
        const mined = await mineSegment(repo, store, segment, { ...options, budget, symbolSource: symbols, counts, progress, shallow, diskIndex });
        budget -= mined;
        result.mined += mined;
      }
    } catch (error) {
      if (CoevolveError.is(error, 'cancelled')) {
        throw new CoevolveError('cancelled', `Mining was cancelled after ${progress.done} commit(s).`, {
          hint: 'What was mined is kept; run mine again to continue.',
        });
      }
      throw error;
    } finally {
      const stats = await symbols?.close();
      if (stats) result.symbolStats = stats;
    }
    await store.refresh();
    // What following new commits holds to: the branch an explicit mine brought memory up to.
    if (!options.onlyNew && store.state.mining.head === head && store.state.mining.branch !== branch) await recordBranch(store, branch);
    // The file tables, now that every batch is in.
    await diskIndex?.sync(store);
  } finally {
    diskIndex?.close();
  }
  const state = store.state.mining;
  if (options.onlyNew && Number.isFinite(limit) && result.mined > 0) {
    const left = state.holes.reduce((sum, hole) => sum + hole.to - hole.from + 1, 0);
    if (left > 0) result.notices.push(`${left} commit(s) below the newest are not mined yet (at most ${limit} per run): the next commit followed goes on with them, and a full mine takes them now.`);
  }
  result.head = state.head;
  result.complete = state.complete && state.holes.length === 0;
  result.experiences = store.state.counts.experiences;
  if (shallow) {
    result.notices.push(
      `This is a shallow clone: only the commits present locally were mined (${result.experiences} in memory). Run \`git fetch --unshallow\` and mine again for the full history.`,
    );
  }
  if (counts.secretsRedacted > 0) result.notices.push(`Redacted ${counts.secretsRedacted} secret(s) found in commit messages or diffs before storing them.`);
  if (!options.onlyNew || result.mined > 0) await noteUndoneFixes(options.storeDir, repo.root, result, options.signal);
  result.durationMs = performance.now() - started;
  return result;
}

/**
 * New history can undo a fix the user accepted: a revert or rewrite makes it negative evidence.
 * What was mined is already saved, so a failure here is a notice, never a failed mine.
 */
async function noteUndoneFixes(storeDir: string, repoRoot: string, result: MineResult, signal: AbortSignal | undefined): Promise<void> {
  try {
    for (const undone of await checkFixReverts(storeDir, repoRoot, signal ? { signal } : {})) {
      result.notices.push(
        `An accepted fix (run ${undone.runId}) was ${undone.outcome} by ${undone.evidence.commit.slice(0, 10)} "${undone.evidence.subject}": it is no longer used as guidance, and the memories it used were marked down.`,
      );
    }
  } catch (error) {
    result.notices.push(
      CoevolveError.is(error, 'cancelled')
        ? 'Checking accepted fixes against the new history was cancelled; the next mine checks again.'
        : `Could not check accepted fixes against the new history: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function recordBranch(store: MemoryStore, branch: string | undefined): Promise<void> {
  await store.transaction((tx) => {
    if (branch) tx.meta.mining.branch = branch;
    else delete tx.meta.mining.branch;
  });
}

/** With onlyNew, mined commits a rewrite of the mined branch may forget unasked (an amend, a short rebase or reset). */
const MAX_FOLLOWED_REWRITE = 20;

/**
 * The commits on top of the mined head, when HEAD extends it along the first-parent line of the
 * branch that was mined; when that branch itself was rewritten (an amend, a rebase, a reset of a
 * few commits), the new line as a full mine would take it. Otherwise none: another branch checked
 * out, a detached HEAD, or a rewrite that would forget more than a few mined commits.
 */
async function planNewOnly(repo: Repository, store: MemoryStore, head: string, branch: string | undefined, shallow: boolean, result: MineResult, bounded: boolean): Promise<Segment[]> {
  const state = store.state.mining;
  const outcome = (followed: FollowOutcome): Segment[] => {
    result.followed = followed;
    return [];
  };
  if (!state.head || state.headSeq === undefined) return outcome('not-mined');
  if (state.head === head) return outcome('up-to-date');
  // Memory follows the branch it was mined from: work on another branch reaches it when merged.
  if (state.branch !== undefined && branch !== state.branch) return outcome('elsewhere');
  // Positions change when a shallow clone is deepened: only a full mine can renumber.
  if (state.shallow && !shallow) return outcome('elsewhere');
  const distance = await repo.firstParentDistance(head, state.head);
  if (distance !== undefined) {
    result.followed = 'new-commits';
    const headSeq = state.headSeq + distance;
    const segment: Segment = { kind: 'new', revisions: [head, `^${state.head}`], startSeq: headSeq, count: distance, head, baseSeq: state.headSeq };
    // Mined at most maxCommits at a time, a follow leaves what it could not reach as a hole (as a
    // mine with --max does): the next follow goes on with it after its own new commits.
    return bounded ? [segment, ...(await holeSegments(repo, state, head, headSeq))] : [segment];
  }
  // Without the mined branch on record, a rewrite cannot be told from a checkout.
  if (state.branch === undefined) return outcome('elsewhere');
  const rewrite = await planRewrite(repo, store, head, state.head, result, MAX_FOLLOWED_REWRITE);
  if (!rewrite) return outcome('elsewhere');
  result.followed = 'rewritten';
  return [rewrite];
}

/**
 * HEAD is not on top of the mined head: what lies below the last commit both lines share is kept (when
 * that commit is on the new first-parent line and stored at its place), what is above it forgotten,
 * and the new line mined from there. Undefined when there is no such commit, or when more than
 * `maxForgotten` mined commits would be forgotten.
 */
async function planRewrite(repo: Repository, store: MemoryStore, head: string, minedHead: string, result: MineResult, maxForgotten = Number.POSITIVE_INFINITY): Promise<Segment | undefined> {
  const base = (await repo.exists(minedHead)) ? await repo.mergeBase(minedHead, head) : undefined;
  const distance = base ? await repo.firstParentDistance(head, base) : undefined;
  if (!base || distance === undefined) return undefined;
  const forgotten = Number.isFinite(maxForgotten) ? await repo.firstParentDistance(minedHead, base) : 0;
  if (forgotten === undefined || forgotten > maxForgotten) return undefined;
  // Positions count from the stored base, as following new commits does: counting HEAD's depth
  // from the root walks the whole history (~3 s at 500k commits, every amend). Found and cut in one
  // transaction, so no other writer moves the base in between.
  const cut = await store.transaction(async (tx) => {
    const baseSeq = (await tx.find(base))?.seq;
    if (baseSeq === undefined) return undefined;
    const removed = await tx.removeAbove(baseSeq);
    tx.meta.mining.head = base;
    tx.meta.mining.headSeq = baseSeq;
    return { baseSeq, removed };
  });
  if (!cut) return undefined;
  result.removed = cut.removed;
  result.notices.push(`History was rewritten (a force-push, a rebase or an amend): forgot ${result.removed} experience(s) of commits no longer on this branch and mined again from ${base.slice(0, 10)}.`);
  return { kind: 'new', revisions: [head, `^${base}`], startSeq: cut.baseSeq + distance, count: distance, head, baseSeq: cut.baseSeq };
}

async function planSegments(repo: Repository, store: MemoryStore, head: string, shallow: boolean, result: MineResult): Promise<Segment[]> {
  const segments: Segment[] = [];
  let state = store.state.mining;
  let reset = false;
  let headSeq: number | undefined;
  if (state.head && state.shallow && !shallow) {
    reset = true;
    result.notices.push('The clone is no longer shallow, so commit positions changed: mining the whole history again.');
  } else if (state.head && state.head === head) {
    headSeq = state.headSeq;
  } else if (state.head) {
    // The common case, new commits on top: counting them avoids walking the whole history.
    const distance = state.headSeq !== undefined ? await repo.firstParentDistance(head, state.head) : undefined;
    if (distance !== undefined) {
      headSeq = state.headSeq! + distance;
      segments.push({ kind: 'new', revisions: [head, `^${state.head}`], startSeq: headSeq, count: distance, head, baseSeq: state.headSeq! });
    } else {
      const rewrite = await planRewrite(repo, store, head, state.head, result);
      if (rewrite) {
        headSeq = rewrite.startSeq;
        segments.push(rewrite);
      } else {
        reset = true;
        result.notices.push('History was rewritten and no mined commit is left on this branch: mining again from scratch.');
      }
    }
  }
  if (reset) {
    result.removed = await store.transaction(async (tx) => {
      const before = tx.meta.counts.experiences;
      await tx.clear();
      tx.meta.mining = { complete: false, shallow, pendingReverts: {}, holes: [] };
      return before;
    });
  }
  state = store.state.mining;
  if (!state.head) {
    const depth = await repo.firstParentDepth(head);
    await store.transaction((tx) => void (tx.meta.mining.redaction = MINED_REDACTION_VERSION));
    segments.push({ kind: 'fresh', revisions: [head], startSeq: depth, count: depth });
    return segments;
  }
  if ((state.redaction ?? 1) < MINED_REDACTION_VERSION && state.headSeq !== undefined) {
    // Stored under older redaction rules: mine what is stored again (a hole over it, so --max and a
    // cancel resume), keeping every decision. Recorded first: the hole is the durable to-do.
    const from = state.tailSeq ?? 1;
    const to = state.headSeq;
    await store.transaction((tx) => {
      tx.meta.mining.holes = [...tx.meta.mining.holes.filter((hole) => hole.to < from || hole.from > to), { from, to }];
      tx.meta.mining.redaction = MINED_REDACTION_VERSION;
    });
    result.notices.push(`Secret redaction is stricter in this version: mining the ${to - from + 1} stored commit(s) again so it applies to them (pins, quarantines and credits are kept).`);
    state = store.state.mining;
  }
  segments.push(...(await holeSegments(repo, state, head, headSeq)));
  if (!state.complete && state.tail && state.tailSeq !== undefined) {
    const parent = await repo.firstParent(state.tail);
    if (parent) segments.push({ kind: 'older', revisions: [parent], startSeq: state.tailSeq - 1, count: state.tailSeq - 1 });
    else await store.transaction((tx) => void (tx.meta.mining.complete = true));
  }
  return segments;
}

/** The stretches of history left unmined below the mined head (by --max, a cancel or a crash), newest first. */
async function holeSegments(repo: Repository, state: MiningState, head: string, headSeq: number | undefined): Promise<Segment[]> {
  const segments: Segment[] = [];
  let shas: string[] | undefined;
  for (const hole of state.holes) {
    headSeq ??= await repo.firstParentDepth(head);
    const top = Math.min(hole.to, state.headSeq ?? hole.to);
    const skip = headSeq - top;
    if (skip < 0) continue;
    shas ??= await repo.firstParentShas(head);
    const start = shas[skip];
    if (start) segments.push({ kind: 'hole', revisions: [start], startSeq: top, count: top - hole.from + 1, hole });
  }
  return segments;
}

interface SegmentContext extends MineOptions {
  budget: number;
  symbolSource: SymbolSource | undefined;
  counts: MineCounts;
  progress: MineProgress;
  shallow: boolean;
  diskIndex: HistoryIndex | undefined;
}

async function mineSegment(repo: Repository, store: MemoryStore, segment: Segment, context: SegmentContext): Promise<number> {
  const batchSize = context.batchSize ?? SHARD_SIZE;
  const maxCount = Math.min(segment.count, context.budget);
  let seq = segment.startSeq;
  let batch: CommitExperience[] = [];
  let mined = 0;
  let lastFlush = performance.now();
  let reachedRoot = false;
  const flush = async (finished: boolean) => {
    const pending = batch;
    batch = [];
    lastFlush = performance.now();
    let written: StoreTransaction['written'] = [];
    await store.transaction(async (tx) => {
      const index = context.diskIndex;
      if (index) tx.locate = (sha) => index.seqOf(sha);
      written = tx.written;
      // Only a segment above what was stored before can revert something already stored.
      await linkReverts(tx, pending, segment.kind === 'new' || segment.kind === 'hole');
      // A commit mined again (after --max, a cancel, two mines at once) keeps its utility: pins, quarantines, credits.
      await tx.upsert(pending, { keepLearned: true });
      updateState(tx, segment, pending, finished, reachedRoot, context.shallow);
    });
    context.diskIndex?.indexWritten(written);
  };
  try {
    const stream = streamFirstParentLog(repo.root, {
      revisions: segment.revisions,
      maxCount,
      ...(context.since ? { since: context.since } : {}),
      wantHunks: context.symbolSource ? wantsSymbols : () => false,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    // Symbols are mapped (on a worker thread) while later commits are read: keep a bounded window.
    const inflight: Array<{ raw: RawCommit; seq: number; symbols: Promise<SymbolChange[]> }> = [];
    let inflightBytes = 0;
    const settle = async () => {
      throwIfAborted(context.signal);
      const job = inflight.shift()!;
      inflightBytes -= job.raw.patchBytes;
      const experience = buildExperience(job.raw, job.seq, await job.symbols);
      mined++;
      count(context.counts, experience, job.raw.changes.filter((c) => c.submodule).length);
      reachedRoot = job.raw.parents.length === 0;
      // Flush at shard boundaries so each write touches one shard once.
      if (batch.length > 0 && shardOf(experience.seq) !== shardOf(batch[batch.length - 1]!.seq)) await flush(false);
      batch.push(experience);
      context.progress.done++;
      context.progress.sha = job.raw.sha;
      context.progress.subject = experience.intent.subject;
      context.onProgress?.(context.progress);
      if (batch.length >= batchSize || performance.now() - lastFlush > 5000) await flush(false);
    };
    for await (const raw of stream) {
      const symbols = context.symbolSource ? context.symbolSource.map(raw) : Promise.resolve([]);
      void settled(symbols); // awaited in order by settle(); this only marks it handled
      inflight.push({ raw, seq: seq--, symbols });
      inflightBytes += raw.patchBytes;
      while (inflight.length > PIPELINE_WINDOW || (inflight.length > 1 && inflightBytes > PIPELINE_BYTES)) await settle();
    }
    while (inflight.length > 0) await settle();
    // Finished: the whole segment was read, or git ran out of commits first (root, shallow boundary, --since).
    await flush(mined === segment.count || mined < maxCount || reachedRoot);
  } catch (error) {
    // Keep what was mined: the next run resumes after it.
    if (batch.length > 0 && CoevolveError.is(error, 'cancelled')) await flush(false);
    throw error;
  }
  return mined;
}

function count(counts: MineCounts, experience: CommitExperience, submodules: number): void {
  if (experience.flags.merge) counts.merges++;
  if (experience.flags.huge) counts.huge++;
  if (experience.flags.messageNotUtf8 || experience.files.some((f) => f.rawPath)) counts.notUtf8++;
  counts.secretsRedacted += experience.flags.secretsRedacted ?? 0;
  counts.binaryFiles += experience.files.filter((f) => f.binary).length;
  counts.submoduleChanges += submodules;
  if (experience.revertOf) counts.reverts++;
}

/** A revert marks the commit it undid, whether that commit is in this batch, stored, or still to come. */
async function linkReverts(tx: StoreTransaction, batch: CommitExperience[], lookInStore: boolean): Promise<void> {
  const pending = tx.meta.mining.pendingReverts;
  for (const experience of batch) {
    for (const [target, revert] of Object.entries(pending)) {
      if (experience.sha.startsWith(target)) {
        experience.revertedBy = revert;
        delete pending[target];
      }
    }
    if (!experience.revertOf) continue;
    const stored = lookInStore ? await tx.find(experience.revertOf) : undefined;
    if (stored && stored.sha !== experience.sha) {
      stored.revertedBy = experience.sha;
      tx.touch(stored);
    } else {
      pending[experience.revertOf] = experience.sha;
    }
  }
}

function updateState(tx: StoreTransaction, segment: Segment, batch: CommitExperience[], finished: boolean, reachedRoot: boolean, shallow: boolean): void {
  const state = tx.meta.mining;
  state.lastRunAt = new Date().toISOString();
  state.shallow = shallow;
  const newest = batch[0];
  const oldest = batch[batch.length - 1];
  if (segment.kind === 'fresh' && newest && !state.head) {
    state.head = newest.sha;
    state.headSeq = newest.seq;
  }
  if ((segment.kind === 'fresh' || segment.kind === 'older') && oldest) {
    state.tail = oldest.sha;
    state.tailSeq = oldest.seq;
  }
  if (segment.kind === 'new') advanceNew(state, segment, oldest, finished);
  if (segment.kind === 'hole' && segment.hole) narrowHole(state, segment.hole.from, oldest, finished);
  if ((segment.kind === 'fresh' || segment.kind === 'older') && finished && reachedRoot) state.complete = true;
}

/**
 * New commits on top are recorded as mined from their first batch on: the head moves up at once and
 * what lies between the batch and the old head becomes a hole, narrowed batch by batch. So `--max`,
 * a cancel or a crash leave a record of exactly what is left, and the next run mines only that.
 */
function advanceNew(state: MiningState, segment: Segment, oldest: CommitExperience | undefined, finished: boolean): void {
  const from = (segment.baseSeq ?? 0) + 1;
  if (state.headSeq === undefined || state.headSeq < segment.startSeq) {
    state.head = segment.head;
    state.headSeq = segment.startSeq;
    const to = oldest ? oldest.seq - 1 : segment.startSeq;
    // A mine that started meanwhile from the same base may have left a smaller hole: keep the larger.
    const existing = state.holes.find((hole) => hole.from === from);
    if (existing) existing.to = Math.max(existing.to, to);
    else state.holes.push({ from, to });
  }
  narrowHole(state, from, oldest, finished);
}

function narrowHole(state: MiningState, from: number, oldest: CommitExperience | undefined, finished: boolean): void {
  for (const hole of state.holes) if (hole.from === from && oldest) hole.to = Math.min(hole.to, oldest.seq - 1);
  state.holes = state.holes.filter((hole) => hole.to >= hole.from && !(finished && hole.from === from));
}
