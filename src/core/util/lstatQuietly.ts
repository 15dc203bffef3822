import { lstatSync } from 'node:fs';
import type { Stats } from 'node:fs';

/**
 * What is at `path` (a link itself, not its target), or undefined where nothing is. Synchronous:
 * microseconds, where a trip through the thread pool can take a millisecond.
 */
export function lstatQuietly(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    // ENOTDIR and the like: nothing there either.
    return undefined;
  }
}
