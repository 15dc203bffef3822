import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NEUTRAL_GIT_CONFIG } from '../git/repository.ts';
import { ContentIndex } from './contentIndex.ts';

const run = promisify(execFile);

/** Indexes of the code kept per process (a long-lived editor solves many tasks on the same tree). */
const KEPT = 2;
const kept = new Map<string, Promise<ContentIndex>>();

/**
 * The code channel for recall (BM25 over the files of a commit), built once per tree and kept in
 * memory only, never on disk. Waits at most `waitMs` for a build: a large repository's first build
 * goes on in the background for the next task instead of holding this one up. Undefined when the
 * build is not ready in time, or the revision cannot be read.
 */
export async function contentIndexFor(root: string, revision: string, waitMs: number): Promise<ContentIndex | undefined> {
  let tree: string;
  try {
    const config = NEUTRAL_GIT_CONFIG.flatMap((setting) => ['-c', setting]);
    tree = (await run('git', [...config, 'rev-parse', '--verify', '--quiet', `${revision}^{tree}`], { cwd: root })).stdout.trim();
  } catch {
    return undefined;
  }
  const key = `${root}\0${tree}`;
  let building = kept.get(key);
  if (!building) {
    building = ContentIndex.build(root, tree);
    // A failed build is not kept: the next task tries again.
    building.catch(() => kept.delete(key));
    if (kept.size >= KEPT) kept.delete(kept.keys().next().value!);
    kept.set(key, building);
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
    timer.unref();
  });
  try {
    return await Promise.race([building.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
