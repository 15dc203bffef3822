import type { Stats } from 'node:fs';
import { lstat, mkdir, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { atomicSymlink, atomicWriteFile } from '../util/atomicWrite.ts';
import type { PlannedChange } from './changePlan.ts';
import { lstatIfPresent } from '../util/fsProbe.ts';
import { removeDirIfEmpty } from '../util/fsProbe.ts';
import { reportIgnored } from '../ignoredErrors.ts';

type Undo = () => Promise<void>;

/**
 * Writes checked changes into the user's tree, each file atomically. If one write fails, the files
 * already written are put back as they were, so the tree is never left half-changed.
 */
export async function writeChanges(userRoot: string, changes: readonly PlannedChange[]): Promise<void> {
  const undos: Undo[] = [];
  for (const change of changes) {
    try {
      undos.push(await writeOne(userRoot, change));
    } catch (error) {
      const unrestored = await rollBack(undos, changes);
      const why = error instanceof Error ? error.message : String(error);
      const state = unrestored.length
        ? `Restoring failed for ${unrestored.join(', ')}; check those files.`
        : `The ${undos.length} file(s) written before it were restored; your tree is as it was.`;
      throw new CoevolveError('sandbox-failed', `Could not write ${change.path}: ${why}. ${state}`, { cause: error });
    }
  }
}

async function writeOne(userRoot: string, change: PlannedChange): Promise<Undo> {
  const path = join(userRoot, change.path);
  const previous = await lstatIfPresent(path);
  let createdDirs: string[] = [];
  if (change.afterKind === null || change.afterBytes === null) {
    await unlink(path);
    await removeEmptyParents(userRoot, dirname(path));
  } else {
    createdDirs = await makeParents(userRoot, dirname(path));
    if (change.afterKind === 'symlink') await atomicSymlink(path, change.afterBytes.toString());
    else await atomicWriteFile(path, change.afterBytes, { mode: modeFor(change, previous) });
  }
  return async () => {
    if (change.beforeBytes === null) {
      await rm(path, { force: true });
      for (const dir of createdDirs.reverse()) await removeDirIfEmpty(dir);
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    if (change.beforeKind === 'symlink') await atomicSymlink(path, change.beforeBytes.toString());
    else await atomicWriteFile(path, change.beforeBytes, previous?.isFile() ? { mode: previous.mode } : {});
  };
}

async function rollBack(undos: Undo[], changes: readonly PlannedChange[]): Promise<string[]> {
  const unrestored: string[] = [];
  for (let i = undos.length - 1; i >= 0; i--) {
    try {
      await undos[i]!();
    } catch (error) {
      // Named to the user as not restored; the rest of the roll-back goes on.
      reportIgnored(`could not restore ${changes[i]!.path}`, error);
      unrestored.push(changes[i]!.path);
    }
  }
  return unrestored;
}

/**
 * Keeps the user's permission bits and changes only the executable bits, and only where the agent
 * changed the file's git mode (a repository with core.fileMode=false must not gain or lose them).
 */
function modeFor(change: PlannedChange, previous: Stats | undefined): number | undefined {
  const exec = change.afterKind === 'executable';
  if (!previous?.isFile()) return exec ? 0o755 : undefined;
  const mode = previous.mode & 0o7777;
  if (change.beforeKind === change.afterKind) return mode;
  return exec ? mode | ((mode & 0o444) >> 2) : mode & ~0o111;
}

/** Creates the missing folders above a new file; returns them, outermost first, for undoing. */
async function makeParents(root: string, dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let current = dir; current !== root && current.startsWith(root); current = dirname(current)) {
    if (await lstat(current).then(() => true, () => false)) break;
    missing.unshift(current);
  }
  if (missing.length) await mkdir(dir, { recursive: true });
  return missing;
}

/** git does not keep empty folders; deleting a folder's last file removes the folder, as `git apply` does. */
async function removeEmptyParents(root: string, dir: string): Promise<void> {
  for (let current = dir; current !== root && current.startsWith(root); current = dirname(current)) {
    if (!(await removeDirIfEmpty(current))) return;
  }
}
