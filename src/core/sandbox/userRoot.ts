import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { runGit, sandboxGit } from './sandboxGit.ts';
import { statIfPresent } from '../util/fsProbe.ts';
import { reportIgnored } from '../ignoredErrors.ts';

export interface UserRoot {
  /** The repository's top folder, or the folder itself when it is not in a repository. */
  root: string;
  isRepo: boolean;
}

/**
 * Where the user's tree starts. Real paths throughout: a sandbox of `/tmp/x` and one of its
 * symlinked alias must share one marker folder, and comparisons of paths must not be fooled.
 */
export async function resolveUserRoot(path: string, signal?: AbortSignal): Promise<UserRoot> {
  const folder = resolve(path);
  const info = await statIfPresent(folder);
  if (!info) throw new CoevolveError('bad-input', `${folder} does not exist.`);
  if (!info.isDirectory()) throw new CoevolveError('bad-input', `${folder} is not a folder.`);
  const real = await realpath(folder);
  try {
    const top = (await runGit(sandboxGit(real, signal), ['rev-parse', '--show-toplevel'], signal)).trim();
    if (top) return { root: await realpath(top), isRepo: true };
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) throw error;
    // Outside a repository is the expected answer; any other failure still leaves a copy sandbox,
    // which is safe, but is worth a note.
    if (!/not a git repository/i.test(error instanceof Error ? error.message : String(error))) reportIgnored(`could not ask git whether ${real} is a repository; using a copy sandbox`, error);
  }
  return { root: real, isRepo: false };
}
