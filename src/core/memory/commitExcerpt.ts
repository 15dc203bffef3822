import { CoevolveError, throwIfAborted } from '../errors.ts';
import { gitFailure, startGit } from '../git/gitRunner.ts';
import { isSecretFile } from '../security/secretFiles.ts';
import { DEFAULT_EXCERPT_LINES, parseUnifiedDiff, redactFilePatches, selectHunks } from './changeHunks.ts';
import type { ChangeExcerpt, HunkFocus } from './changeHunks.ts';

// A mined commit keeps a few sample lines per file (its diffSummary), not its hunks: storing every
// hunk would grow the store many times over and need every store mined again. The few commits a
// prompt or a view shows are read from git when shown instead: restricted to their files, cut at a
// byte limit, cancellable, and redacted with the passes mining uses (changeHunks.ts).

/** Enough for the hunks of a few files; a commit that rewrote a huge file is cut here, not read whole. */
export const MAX_PATCH_BYTES = 256 * 1024;
const MAX_FILES = 12;
const SHA = /^[0-9a-f]{7,64}$/i;

export interface CommitExcerptRequest {
  sha: string;
  /** The files memory recorded for the commit (repository-relative): the only ones read. */
  files: readonly string[];
  focus: HunkFocus;
  maxLines?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

/**
 * The hunks of a past commit around what a task is about, read from the repository at `root`;
 * undefined when the commit shows no code (only key files, binaries, locks) or git no longer has it.
 */
export async function commitExcerpt(root: string, request: CommitExcerptRequest): Promise<ChangeExcerpt | undefined> {
  if (!SHA.test(request.sha)) return undefined;
  // A stored path that is not a plain relative path is never handed to git; key files are never read.
  const files = request.files.filter((path) => plainPath(path) && !isSecretFile(path));
  // Focus files first, so that the byte limit cuts the least relevant ones.
  const focus = new Set(request.focus.paths);
  files.sort((a, b) => Number(focus.has(b)) - Number(focus.has(a)));
  if (!files.length) return undefined;
  const args = ['--literal-pathspecs', 'show', '--format=', '--diff-merges=first-parent', '-p', '-U3', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/', request.sha, '--', ...files.slice(0, MAX_FILES)];
  let read: { text: string; cut: boolean };
  try {
    read = await readBounded(root, args, request.maxBytes ?? MAX_PATCH_BYTES, request.signal);
  } catch (error) {
    // A commit git no longer has (history rewritten since mining, a shallow clone) shows no code.
    if (CoevolveError.is(error, 'git-failed')) return undefined;
    throw error;
  }
  const excerpt = selectHunks(redactFilePatches(parseUnifiedDiff(read.text)), request.focus, request.maxLines ?? DEFAULT_EXCERPT_LINES);
  if (!excerpt.hunks.length) return undefined;
  return { ...excerpt, sourceCut: read.cut };
}

/** git's stdout up to `maxBytes` (then git is stopped); cancelled by the signal. */
function readBounded(cwd: string, args: string[], maxBytes: number, signal?: AbortSignal): Promise<{ text: string; cut: boolean }> {
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const child = startGit(cwd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let cut = false;
    const stop = (): void => void child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (cut) return;
      const room = maxBytes - size;
      out.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= maxBytes) {
        cut = true;
        stop();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => {
      signal?.removeEventListener('abort', stop);
      reject(gitFailure(args, error, signal));
    });
    child.once('close', (code) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) reject(new CoevolveError('cancelled', 'Cancelled.'));
      // Stopped by us at the limit: what was read is the answer, its last line possibly cut.
      else if (cut) resolve({ text: Buffer.concat(out).toString('utf8').replace(/\n[^\n]*$/, '\n'), cut: true });
      else if (code === 0) resolve({ text: Buffer.concat(out).toString('utf8'), cut: false });
      else reject(gitFailure(args, new Error(Buffer.concat(err).toString('utf8').trim() || `git exited with code ${code}`), signal));
    });
  });
}

function plainPath(path: string): boolean {
  return path.length > 0 && !path.includes('\0') && !path.startsWith('/') && !/^[a-z]:/i.test(path) && !path.split(/[\\/]/).includes('..') && !path.includes('[REDACTED:');
}
