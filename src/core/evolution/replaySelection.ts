import type { Cutoff } from '../memory/recall.ts';
import type { CommitExperience, FileChange } from '../memory/experience.ts';
import { testRunnerFamily } from '../verify/testFiles/testRunners.ts';
import { seededRandom } from '../memory/seededRandom.ts';

/** A past commit that can become a replay task: its tests are the verifier, its message the task. */
export interface ReplayCandidate {
  sha: string;
  seq: number;
  /** Commit time (epoch seconds). */
  time: number;
  kind: 'fix' | 'feature';
  subject: string;
  body: string;
  /** Test files the commit added or modified (its versions become the task's verifier). */
  testFiles: string[];
  /** Source files it changed (the solution the agent has to find). */
  sourceFiles: string[];
  /** Recall for this task must see only memory from before the commit (for a merged branch's commit: before its merge). */
  cutoff: Required<Cutoff>;
  /** For a commit inside a merged branch: the first-parent merge that brought it in (`seq` is the merge's). */
  merge?: string;
}

export interface ReplaySelectionOptions {
  /** At most this many candidates. */
  n?: number;
  /** With a seed the candidates are a reproducible shuffle; without one, newest first. */
  seed?: number;
}

/** Why a commit is not a candidate, or undefined when it is one. */
export function replayRejection(experience: CommitExperience): string | undefined {
  if (experience.kind !== 'fix' && experience.kind !== 'feature') return `kind ${experience.kind}`;
  if (experience.flags.merge || experience.parents !== 1) return 'merge or root';
  if (experience.flags.huge) return 'huge';
  if (experience.revertedBy || experience.revertOf) return 'reverted';
  // An incomplete file list could hide the source change the tests need.
  if (experience.filesOmitted) return 'files omitted';
  if (replayTestFiles(experience.files).length === 0) return 'no runnable test added or modified';
  if (replaySourceFiles(experience.files).length === 0) return 'no source change';
  return undefined;
}

function replayTestFiles(files: readonly FileChange[]): string[] {
  return files.filter((f) => f.category === 'test' && (f.status === 'added' || f.status === 'modified') && !f.binary && !f.rawPath && testRunnerFamily(f.path) !== undefined).map((f) => f.path);
}

function replaySourceFiles(files: readonly FileChange[]): string[] {
  // Renames and copies carry their old path too; a path that is not UTF-8 cannot be named to git here.
  return files.filter((f) => f.category === 'source' && !f.rawPath).flatMap((f) => (f.oldPath && f.oldPath !== f.path ? [f.oldPath, f.path] : [f.path]));
}

export function toCandidate(experience: CommitExperience): ReplayCandidate {
  return {
    sha: experience.sha,
    seq: experience.seq,
    time: experience.commitTime,
    kind: experience.kind as 'fix' | 'feature',
    subject: experience.intent.subject,
    body: experience.intent.body,
    testFiles: replayTestFiles(experience.files),
    sourceFiles: replaySourceFiles(experience.files),
    cutoff: { seq: experience.seq, time: experience.commitTime },
  };
}

/**
 * Picks the candidates from `experiences` (any order), plus `branchCommits` (candidates from
 * inside merged branches, see mergeCandidates.ts): deterministic for the same input and seed.
 */
export function selectReplayCandidates(experiences: Iterable<CommitExperience>, options: ReplaySelectionOptions = {}, branchCommits: readonly ReplayCandidate[] = []): ReplayCandidate[] {
  const picked: ReplayCandidate[] = [];
  for (const experience of experiences) if (replayRejection(experience) === undefined) picked.push(toCandidate(experience));
  const mined = new Set(picked.map((c) => c.sha));
  picked.push(...branchCommits.filter((c) => !mined.has(c.sha)));
  // A branch's commits share their merge's seq: newest first among them, then by sha.
  picked.sort((a, b) => b.seq - a.seq || b.time - a.time || (a.sha < b.sha ? -1 : 1));
  if (options.seed !== undefined) shuffle(picked, options.seed);
  return options.n === undefined ? picked : picked.slice(0, options.n);
}

/** Fisher–Yates with mulberry32: the same seed gives the same order on every machine. */
function shuffle<T>(items: T[], seed: number): void {
  const next = seededRandom(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
