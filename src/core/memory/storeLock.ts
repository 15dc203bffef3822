import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { CoevolveError } from '../errors.ts';
import { ignoreError } from '../ignoredErrors.ts';
import { reportIgnored } from '../ignoredErrors.ts';

/** How long a writer waits for another process's lock before giving up (the README says 30 s). */
export const LOCK_WAIT_MS = 30_000;
/** A lock not refreshed for this long belongs to a process that is gone (or frozen). */
const STALE_MS = 20_000;
/** Beside the lock, not in it: proper-lockfile removes its lock folder with rmdir, which needs it empty. */
const ownerFile = (lockPath: string): string => `${lockPath}.owner`;

/**
 * Runs `fn` holding the store's write lock. The lock is a directory created atomically beside the
 * store, refreshed while held, so two windows or the CLI beside the editor take turns instead of
 * overwriting each other. A writer waits up to `waitMs` for it. A lock whose owner is known to be
 * dead (its process is gone, on this machine) is taken over at once; any other is considered stale
 * only after 20 s without a refresh.
 */
export async function withStoreLock<T>(dir: string, fn: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const waitMs = options.waitMs ?? LOCK_WAIT_MS;
  const lockPath = join(dir, 'write.lock');
  let compromised: Error | undefined;
  const deadline = Date.now() + waitMs;
  let release: (() => Promise<void>) | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      release = await lock(dir, { lockfilePath: lockPath, stale: STALE_MS, update: 5_000, retries: 0, onCompromised: (error) => (compromised = error) });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      lastError = error;
      const dead = deadOwner(lockPath);
      // Its process died (a crash, kill -9): nobody will release it, and nobody is writing. Checked
      // again just before: another waiter may have taken it over meanwhile.
      if (dead !== undefined && deadOwner(lockPath) === dead) {
        rmSync(lockPath, { recursive: true, force: true });
        rmSync(ownerFile(lockPath), { force: true });
        continue;
      }
      if (Date.now() >= deadline) throw lockError(dir, waitMs, lastError);
      await sleep(100 + Math.floor(Math.random() * 150));
    }
  }
  writeOwner(lockPath);
  try {
    const result = await fn();
    if (compromised) throw new CoevolveError('store-locked', `The store lock in ${dir} was taken over while writing: ${compromised.message}`);
    return result;
  } finally {
    rmSync(ownerFile(lockPath), { force: true });
    await release().catch(ignoreError('could not release the store lock; it goes stale and is taken over'));
  }
}

function lockError(dir: string, waitMs: number, cause: unknown): CoevolveError {
  return new CoevolveError('store-locked', `Another Co-evolve process has held the memory store in ${dir} for over ${Math.round(waitMs / 1000)} s.`, {
    hint: 'Wait for the other mining run to finish, or stop it. A lock whose process ended is taken over at once; one left by a frozen process expires after 20 s.',
    cause,
  });
}

/** Who holds the lock: this process, on this machine (read by a writer that finds it taken). */
function writeOwner(lockPath: string): void {
  try {
    // The lock folder's inode ties the record to this lock: a record left by an earlier holder is
    // never taken for the owner of a lock another process has just made.
    writeFileSync(ownerFile(lockPath), JSON.stringify({ pid: process.pid, host: hostname(), lock: statSync(lockPath).ino }));
  } catch (error) {
    // Without it, a crash of ours leaves a lock others wait out as stale (20 s): slower, still correct.
    reportIgnored('could not record the store lock\'s owner', error);
  }
}

/** The pid of the lock's owner when it is a process of this machine that no longer exists. */
function deadOwner(lockPath: string): number | undefined {
  let owner: { pid?: unknown; host?: unknown; lock?: unknown };
  try {
    owner = JSON.parse(readFileSync(ownerFile(lockPath), 'utf8')) as typeof owner;
  } catch {
    return undefined; // Just taken (owner not written yet), or written by an older version: wait.
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number' || owner.pid === process.pid) return undefined;
  if (owner.lock !== statSync(lockPath, { throwIfNoEntry: false })?.ino) return undefined;
  try {
    process.kill(owner.pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? owner.pid : undefined;
  }
}
