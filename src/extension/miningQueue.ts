import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';

const queues = new Map<string, LimitFunction>();

/** One mine at a time per store in this window: the command and following new commits never interleave. */
export function oneMineAtATime<T>(storeDir: string, run: () => Promise<T>): Promise<T> {
  let queue = queues.get(storeDir);
  if (!queue) queues.set(storeDir, (queue = pLimit(1)));
  return queue(run);
}
