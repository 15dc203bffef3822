import { hostname } from 'node:os';
import { join } from 'node:path';
import { throwIfAborted } from '../errors.ts';
import { MARKER_FILE, sandboxesDirFor } from './layout.ts';
import { isLive } from './liveSandboxes.ts';
import { isProcessAlive, readMarker } from './marker.ts';
import type { SandboxMarker } from './marker.ts';
import { pruneWorktrees, removeSandbox } from './removeSandbox.ts';
import { resolveUserRoot } from './userRoot.ts';
import { readdirIfPresent, statIfPresent } from '../util/fsProbe.ts';

export interface SweepOptions {
  root: string;
  baseDir?: string;
  /** A sandbox older than this goes even if its process seems alive (pids get reused). Default 24 h. */
  maxAgeMs?: number;
  signal?: AbortSignal;
}

export interface SweepResult {
  /** Folders of the sandboxes removed. */
  removed: string[];
  kept: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A folder without a readable marker may be one being opened right now by another process. */
const UNMARKED_GRACE_MS = 10 * 60 * 1000;

/**
 * Removes the sandboxes of `root` left behind by processes that ended without cleaning up (a
 * crash, a killed editor), then has git forget their worktrees. Run at every start.
 */
export async function sweepStaleSandboxes(options: SweepOptions): Promise<SweepResult> {
  const user = await resolveUserRoot(options.root, options.signal);
  const parent = sandboxesDirFor(user.root, options.baseDir);
  const entries = await readdirIfPresent(parent);
  const now = Date.now();
  const maxAge = options.maxAgeMs ?? DAY_MS;
  const removed: string[] = [];
  let kept = 0;
  for (const entry of entries) {
    throwIfAborted(options.signal);
    if (!entry.isDirectory()) continue;
    const dir = join(parent, entry.name);
    const marker = await readMarker(join(dir, MARKER_FILE));
    if (!(await isStale(dir, marker, now, maxAge))) {
      kept += 1;
      continue;
    }
    const kind = marker?.kind ?? (user.isRepo ? 'worktree' : 'copy');
    await removeSandbox({ dir, tree: marker?.tree ?? dir, kind, userRoot: user.root });
    removed.push(dir);
  }
  if (user.isRepo) await pruneWorktrees(user.root);
  return { removed, kept };
}

async function isStale(dir: string, marker: SandboxMarker | undefined, now: number, maxAge: number): Promise<boolean> {
  if (isLive(dir)) return false;
  if (!marker) {
    const info = await statIfPresent(dir);
    return !info || now - info.mtimeMs > UNMARKED_GRACE_MS;
  }
  const started = Date.parse(marker.startedAt);
  if (Number.isNaN(started) || now - started > maxAge) return true;
  // Only this machine's pids mean anything (a base folder on a shared disk).
  if (marker.hostname !== hostname()) return false;
  // Our own pid on a sandbox this process does not hold: an earlier process had the same pid.
  if (marker.pid === process.pid) return true;
  return !isProcessAlive(marker.pid);
}
