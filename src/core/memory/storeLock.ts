import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { CoevolveError } from '../errors.ts';

const LOCK_WAIT_MS = 30_000;

/**
 * Runs `fn` holding the store's write lock. The lock is a directory created atomically beside the
 * store, refreshed while held and considered stale after a crash, so two windows or the CLI beside
 * the editor take turns instead of overwriting each other.
 */
export async function withStoreLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  let compromised: Error | undefined;
  try {
    release = await lock(dir, {
      lockfilePath: join(dir, 'write.lock'),
      stale: 20_000,
      update: 5_000,
      retries: { retries: Math.ceil(LOCK_WAIT_MS / 250), factor: 1, minTimeout: 50, maxTimeout: 250, randomize: true },
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    throw new CoevolveError('store-locked', `Another Co-evolve process has held the memory store in ${dir} for over ${LOCK_WAIT_MS / 1000} s.`, {
      hint: 'Wait for the other mining run to finish, or stop it. A lock left by a crashed process expires by itself after 20 s.',
      cause: error,
    });
  }
  try {
    const result = await fn();
    if (compromised) throw new CoevolveError('store-locked', `The store lock in ${dir} was taken over while writing: ${compromised.message}`);
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}
