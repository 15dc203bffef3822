import { throwIfAborted } from '../errors.ts';
import { buildExperience } from '../mining/experienceBuilder.ts';
import { streamFirstParentLog } from '../git/logStream.ts';
import type { CommitExperience } from '../memory/experience.ts';
import { replayRejection, toCandidate } from './replaySelection.ts';
import type { ReplayCandidate } from './replaySelection.ts';

/** A merged branch longer than this is a long-lived line of its own (a release branch), not a change. */
const MAX_BRANCH_COMMITS = 200;
const PARALLEL = 4;

/**
 * Replay candidates from inside merged branches. The miner walks first parents only, so in a
 * history where most work arrives by merge (one merge commit per pull request) the commits that
 * made each change are never mined. For each mined merge, its branch's own commits — reachable
 * from the second parent, not from the first, merges left out — are read from git, categorized
 * and classified exactly as the miner does (buildExperience), and kept when they pass the same
 * rules as any candidate. Each gets its merge's position as the memory cutoff, with its own
 * time: a task must not see memory from its merge on.
 */
export async function mergedBranchCandidates(repoRoot: string, experiences: Iterable<CommitExperience>, options: { signal?: AbortSignal; maxBranchCommits?: number } = {}): Promise<ReplayCandidate[]> {
  const { signal } = options;
  const limit = options.maxBranchCommits ?? MAX_BRANCH_COMMITS;
  const merges = [...experiences].filter((e) => e.flags.merge && e.parents >= 2 && !e.forgotten).sort((a, b) => b.seq - a.seq);
  const found: ReplayCandidate[][] = new Array(merges.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < merges.length) {
      const index = next++;
      found[index] = await branchCandidates(repoRoot, merges[index]!, limit, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, merges.length) }, worker));
  const seen = new Set<string>();
  return found.flat().filter((c) => !seen.has(c.sha) && (seen.add(c.sha), true));
}

async function branchCandidates(repoRoot: string, merge: CommitExperience, limit: number, signal: AbortSignal | undefined): Promise<ReplayCandidate[]> {
  throwIfAborted(signal);
  const raws = [];
  const commits = streamFirstParentLog(repoRoot, {
    revisions: [`${merge.sha}^2`, `^${merge.sha}^1`],
    firstParent: false,
    noMerges: true,
    // One more than the bound tells a branch over it from one exactly at it.
    maxCount: limit + 1,
    wantHunks: () => false,
    ...(signal ? { signal } : {}),
  });
  for await (const raw of commits) raws.push(raw);
  if (raws.length > limit) return [];
  const candidates: ReplayCandidate[] = [];
  for (const raw of raws) {
    const experience = buildExperience(raw, merge.seq, []);
    if (replayRejection(experience) !== undefined) continue;
    candidates.push({ ...toCandidate(experience), cutoff: { seq: merge.seq, time: experience.commitTime }, merge: merge.sha });
  }
  return candidates;
}
