import { CoevolveError, throwIfAborted } from '../errors.ts';
import { gitAt, runGit } from '../git/gitRunner.ts';
import type { GitDir } from '../git/gitRunner.ts';
import { logCredits } from './creditLog.ts';
import { appendFix, creditFixes, readFixes } from './fixExperience.ts';
import type { FixExperience, LaterEvidence, LaterOutcome } from './fixExperience.ts';
import { findLaterChange } from './fixHistory.ts';
import { creditExperiences, updatedUtility } from './utility.ts';
import type { CreditResult } from './utility.ts';
import { statIfPresent } from '../util/fsProbe.ts';

/** A fix undone within this many days of being accepted was not a good fix. */
export const DEFAULT_UNDO_WINDOW_DAYS = 14;

export interface FixRevertOptions {
  /** Epoch milliseconds (like recordRunOutcome's `now`); commits after it are not considered. */
  now?: number;
  windowDays?: number;
  signal?: AbortSignal;
}

/** A fix that later history undid, and the −1 it and the memories it used were given. */
export interface UndoneFix {
  fixId: string;
  runId: string;
  task: string;
  outcome: LaterOutcome;
  evidence: LaterEvidence;
  credit: CreditResult;
  creditedFixes: string[];
}

/**
 * Later history updates an accepted fix's outcome: one reverted or rewritten within `windowDays`
 * of being accepted becomes negative evidence — inactive, −1 to its own utility and to every
 * memory it was guided by. A fix is judged once (it is then inactive), so calling this again does
 * nothing more. Costs nothing when no active fix carries a fingerprint.
 */
export async function checkFixReverts(storeDir: string, repoRoot: string, options: FixRevertOptions = {}): Promise<UndoneFix[]> {
  const windowDays = options.windowDays ?? DEFAULT_UNDO_WINDOW_DAYS;
  if (!Number.isFinite(windowDays) || windowDays <= 0) throw new CoevolveError('bad-input', `The window for undone fixes must be a positive number of days, not ${String(windowDays)}.`);
  const nowMs = options.now ?? Date.now();
  if (!Number.isFinite(nowMs)) throw new CoevolveError('bad-input', `"now" must be a time in milliseconds, not ${String(nowMs)}.`);
  const now = nowMs / 1000;
  const watched = (await readFixes(storeDir)).filter(isWatched).sort((a, b) => a.time - b.time);
  if (!watched.length) return [];
  const git = await openRepository(repoRoot, options.signal);
  if (!(await hasCommits(git, options.signal))) return [];
  const undone: UndoneFix[] = [];
  for (const fix of watched) {
    throwIfAborted(options.signal);
    // The window is measured from the fix, not from now: a revert that landed in time counts
    // even when it is mined weeks later, and one that came after the window never does.
    const window = { from: fix.time, until: Math.min(fix.time + windowDays * 86_400, now) };
    if (window.until < window.from) continue;
    const change = await findLaterChange(git, fix, window, options.signal);
    if (!change) continue;
    const recorded = await markUndone(storeDir, fix.id, change.outcome, change.evidence, now);
    if (recorded) undone.push(recorded);
  }
  return undone;
}

function isWatched(fix: FixExperience): boolean {
  return fix.active && fix.outcome !== 'rejected' && !fix.laterOutcome && Array.isArray(fix.fingerprint) && fix.fingerprint.length > 0;
}

/**
 * The fix's new state is appended before anyone is credited: if crediting is interrupted, the
 * fix is already out of the guidance and is not judged (nor credited) twice by the next run.
 */
async function markUndone(storeDir: string, fixId: string, outcome: LaterOutcome, evidence: LaterEvidence, now: number): Promise<UndoneFix | undefined> {
  // Fresh state: crediting an earlier fix in this pass appended a newer line for it.
  const fix = (await readFixes(storeDir)).find((f) => f.id === fixId);
  if (!fix || !isWatched(fix)) return undefined;
  const utility = updatedUtility(fix.utility, -1, now);
  await appendFix(storeDir, { ...fix, active: false, laterOutcome: outcome, laterEvidence: evidence, utility });
  await logCredits(storeDir, [{ id: fix.id, reward: -1, utility }]);
  // Lines written by an older version may lack a list; they are read as empty, not as an error.
  const used: Partial<FixExperience['memoryUsed']> = fix.memoryUsed ?? {};
  const credit = await creditExperiences(storeDir, used.experienceIds ?? [], -1, now);
  const creditedFixes = await creditFixes(storeDir, (used.fixIds ?? []).filter((id) => id !== fix.id), -1, now);
  return { fixId: fix.id, runId: fix.runId, task: fix.task, outcome, evidence, credit, creditedFixes };
}

async function openRepository(repoRoot: string, signal?: AbortSignal): Promise<GitDir> {
  const notARepo = (cause?: unknown) =>
    new CoevolveError('not-a-git-repo', `${repoRoot} is not inside a git repository, so accepted fixes cannot be checked against its history.`, cause === undefined ? undefined : { cause });
  if (!(await statIfPresent(repoRoot))?.isDirectory()) throw notARepo();
  try {
    const top = (await runGit(gitAt(repoRoot, signal), ['rev-parse', '--show-toplevel'], signal)).trim();
    return gitAt(top || repoRoot, signal);
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled') || gitMissing(error)) throw error;
    throw notARepo(error);
  }
}

async function hasCommits(git: GitDir, signal?: AbortSignal): Promise<boolean> {
  try {
    await runGit(git, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], signal);
    return true;
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) throw error;
    return false;
  }
}

/** git itself could not be started: that is not the folder's fault. */
function gitMissing(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return typeof cause === 'object' && cause !== null && (cause as NodeJS.ErrnoException).code === 'ENOENT';
}
