import { parsePatch } from 'diff';
import type { StructuredPatch } from 'diff';
import { throwIfAborted } from '../errors.ts';
import { runGit } from '../git/gitRunner.ts';
import type { GitDir } from '../git/gitRunner.ts';
import { redact } from '../security/redact.ts';
import type { FixExperience, LaterEvidence, LaterOutcome } from './fixExperience.ts';
import { fingerprintLine, patchPath } from './fixFingerprint.ts';

/** What later history did to a fix, and the commit that did it. */
export interface LaterChange {
  outcome: LaterOutcome;
  evidence: LaterEvidence;
}

/** Epoch seconds: a commit in [from, until] can undo the fix; earlier ones can only bring it in. */
export interface UndoWindow {
  from: number;
  until: number;
}

const REVERT_NOTE = /This reverts commit ([0-9a-f]{7,64})/gi;
const SHA = /^[0-9a-f]{40,64}$/i;
const MAX_SUBJECT = 200;

interface Commit {
  sha: string;
  parent: string | undefined;
  time: number;
  message: string;
}

interface FileTrack {
  added: Set<string>;
  removed: Set<string>;
  /** The fix's added lines that a scanned commit brought in and no later one took out. */
  present: Set<string>;
}

/**
 * Walks the first-parent history after a fix — from the user's HEAD when the task started, or
 * from the fix's time when that commit is gone — and returns the first commit in the window that
 * undid it: one whose message says it reverts a commit that brought the fix's lines in, or one
 * that took out at least half of the fix's added lines. Which of those lines were put back with
 * new code tells a rewrite from a revert. Undefined when the fix is still there or was never
 * committed.
 */
export async function findLaterChange(git: GitDir, fix: FixExperience, window: UndoWindow, signal?: AbortSignal): Promise<LaterChange | undefined> {
  const tracks = new Map<string, FileTrack>();
  for (const file of fix.fingerprint ?? []) {
    if (!safePath(file.path) || !file.added.length) continue;
    tracks.set(file.path, { added: new Set(file.added), removed: new Set(file.removed), present: new Set() });
  }
  const total = [...tracks.values()].reduce((sum, t) => sum + t.added.size, 0);
  if (!total) return undefined;
  const paths = [...tracks.keys()];
  const introducers: string[] = [];
  for (const commit of await commitsAfter(git, fix, window, paths, signal)) {
    throwIfAborted(signal);
    const { removed, replaced, introduced } = applyCommit(tracks, await commitPatch(git, commit, paths, signal));
    if (introduced) introducers.push(commit.sha);
    if (commit.time < window.from || commit.time > window.until) continue;
    const evidence = (rule: LaterEvidence['rule']): LaterEvidence => ({ commit: commit.sha, subject: subjectOf(commit.message), time: commit.time, rule, removedLines: removed, totalLines: total });
    const targets = [...commit.message.matchAll(REVERT_NOTE)].map((m) => m[1]!.toLowerCase());
    if (targets.some((target) => introducers.some((sha) => sha !== commit.sha && sha.startsWith(target)))) return { outcome: 'reverted', evidence: evidence('revert-commit') };
    if (removed > 0 && removed * 2 >= total) return { outcome: replaced * 2 > removed ? 'rewritten' : 'reverted', evidence: evidence('lines-removed') };
  }
  return undefined;
}

/** Oldest first. Only commits that touched one of the fix's files are listed. */
async function commitsAfter(git: GitDir, fix: FixExperience, window: UndoWindow, paths: string[], signal?: AbortSignal): Promise<Commit[]> {
  // From the HEAD the task started on, the commit that brought the fix in is seen even when the
  // user committed it before deciding; without that HEAD, from the fix's own time.
  const base = fix.headAtStart && SHA.test(fix.headAtStart) && (await isAncestor(git, fix.headAtStart, signal)) ? fix.headAtStart : undefined;
  const range = base ? [`${base}..HEAD`] : [`--since=@${Math.floor(window.from)}`, 'HEAD'];
  const out = await runGit(git, ['--literal-pathspecs', 'log', '--first-parent', '-z', '--format=%H%x1f%P%x1f%ct%x1f%B', `--until=@${Math.ceil(window.until)}`, ...range, '--', ...paths], signal);
  const commits: Commit[] = [];
  for (const record of out.split('\0')) {
    const [sha, parents, time, ...message] = record.replace(/^\n/, '').split('\x1f');
    if (!sha || !SHA.test(sha) || time === undefined) continue;
    commits.push({ sha, parent: parents?.split(' ').find(Boolean), time: Number(time), message: message.join('\x1f') });
  }
  return commits.reverse();
}

async function isAncestor(git: GitDir, sha: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await runGit(git, ['merge-base', '--is-ancestor', sha, 'HEAD'], signal);
    return true;
  } catch (error) {
    // Not an ancestor (exit 1) or no such commit any more (a rewritten history): scan by time.
    if (signal?.aborted) throw error;
    return false;
  }
}

/** The commit's change to the fix's files against its first parent, with no context lines. */
async function commitPatch(git: GitDir, commit: Commit, paths: string[], signal?: AbortSignal): Promise<StructuredPatch[]> {
  const options = ['-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];
  const args = commit.parent ? ['diff', ...options, commit.parent, commit.sha] : ['diff-tree', '-p', '--root', '--no-commit-id', ...options, commit.sha];
  const patch = await runGit(git, ['--literal-pathspecs', ...args, '--', ...paths], signal);
  try {
    return parsePatch(patch);
  } catch {
    // A diff jsdiff cannot read says nothing either way about the fix.
    return [];
  }
}

/**
 * Moves the fix's lines in or out of `present` for one commit. `removed`: fix lines the commit
 * took out (a line moved within a file is not removed); `replaced`: those of them whose hunk also
 * brought in new code — not the fix's own lines, and not the code the fix had replaced.
 */
function applyCommit(tracks: Map<string, FileTrack>, files: StructuredPatch[]): { removed: number; replaced: number; introduced: boolean } {
  let removed = 0;
  let replaced = 0;
  let introduced = false;
  for (const file of files) {
    const path = patchPath(file);
    const track = path === undefined ? undefined : tracks.get(path);
    if (!track) continue;
    const plus = new Set<string>();
    for (const hunk of file.hunks) for (const line of hunk.lines) if (line[0] === '+') addLine(plus, line);
    const gone = new Set<string>();
    for (const hunk of file.hunks) {
      const minus = new Set<string>();
      const fresh = new Set<string>();
      for (const line of hunk.lines) {
        if (line[0] === '-') addLine(minus, line);
        else if (line[0] === '+') addLine(fresh, line);
      }
      const taken = [...minus].filter((text) => track.present.has(text) && !plus.has(text) && !gone.has(text));
      if (!taken.length) continue;
      const brandNew = [...fresh].some((text) => !track.added.has(text) && !track.removed.has(text));
      for (const text of taken) gone.add(text);
      removed += taken.length;
      if (brandNew) replaced += taken.length;
    }
    for (const text of gone) track.present.delete(text);
    for (const text of plus) {
      if (!track.added.has(text) || track.present.has(text)) continue;
      track.present.add(text);
      introduced = true;
    }
  }
  return { removed, replaced, introduced };
}

function addLine(into: Set<string>, line: string): void {
  const text = fingerprintLine(line.slice(1));
  if (text !== undefined) into.add(text);
}

function subjectOf(message: string): string {
  const subject = redact(message.split('\n', 1)[0]!.trim());
  return subject.length > MAX_SUBJECT ? `${subject.slice(0, MAX_SUBJECT - 1)}…` : subject;
}

/** A stored path is handed to git only when it is a plain path inside the repository. */
function safePath(path: unknown): path is string {
  return typeof path === 'string' && path.length > 0 && !path.includes('\0') && !path.startsWith('/') && !/^[a-z]:/i.test(path) && !path.split(/[\\/]/).includes('..');
}
