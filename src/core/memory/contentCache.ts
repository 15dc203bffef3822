import { ContentIndex, treeOf } from './contentIndex.ts';

/**
 * The index of the code kept per process (a long-lived editor solves many tasks on the same tree):
 * one tree's, dropped after a while unused — on a large repository it is a sizeable part of the heap.
 */
const IDLE_MS = 10 * 60_000;
let kept: { key: string; index: Promise<ContentIndex>; expiry: NodeJS.Timeout } | undefined;

function keep(key: string, index: Promise<ContentIndex>): void {
  if (kept) clearTimeout(kept.expiry);
  const expiry = setTimeout(() => {
    if (kept?.key === key) kept = undefined;
  }, IDLE_MS);
  expiry.unref();
  kept = { key, index, expiry };
}

/**
 * The code channel for recall (BM25 over the files of a commit), built once per tree and kept in
 * memory only, never on disk. Waits at most `waitMs` for a build: a large repository's first build
 * goes on in the background for the next task instead of holding this one up. Undefined when the
 * build is not ready in time, or the revision cannot be read.
 */
export async function contentIndexFor(root: string, revision: string, waitMs: number): Promise<ContentIndex | undefined> {
  const tree = await treeOf(root, revision);
  if (!tree) return undefined;
  const key = `${root}\0${tree}`;
  const building = kept?.key === key ? kept.index : ContentIndex.build(root, tree);
  keep(key, building);
  // A failed build is not kept: the next task tries again.
  building.catch(() => {
    if (kept?.key === key) kept = undefined;
  });
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
