import { readdirSync, statSync } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { reportIgnored } from '../ignoredErrors.ts';

/**
 * File-system probes where "not there" is an answer, not an error. Only absence (ENOENT, or a file
 * where a folder was expected: ENOTDIR) is answered with `undefined`; anything else (no
 * permission, an I/O error) still throws, so a broken disk is never mistaken for an empty one.
 */
export function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Turns absence into `undefined` and rethrows anything else. */
export async function ifPresent<T>(probe: Promise<T>): Promise<T | undefined> {
  try {
    return await probe;
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw error;
  }
}

export function statIfPresent(path: string): Promise<Stats | undefined> {
  return ifPresent(stat(path));
}

export function lstatIfPresent(path: string): Promise<Stats | undefined> {
  return ifPresent(lstat(path));
}

/** For synchronous callers (the SQLite VFS's lock files are probed between synchronous statements). */
export function statIfPresentSync(path: string): Stats | undefined {
  return ifPresentSync(() => statSync(path));
}

export function readdirIfPresentSync(path: string): string[] {
  return ifPresentSync(() => readdirSync(path)) ?? [];
}

function ifPresentSync<T>(probe: () => T): T | undefined {
  try {
    return probe();
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw error;
  }
}

export async function readdirIfPresent(path: string): Promise<Dirent[]> {
  return (await ifPresent(readdir(path, { withFileTypes: true }))) ?? [];
}

/** Removes a folder if it is empty; false when it is not (or is gone). Other errors throw. */
export async function removeDirIfEmpty(path: string): Promise<boolean> {
  try {
    await rmdir(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || isAbsent(error)) return false;
    throw error;
  }
}

/**
 * Removes a temp file left by a failed write. Absence is the usual case (the write failed before
 * creating it); anything else is reported, never thrown, so the write's own error is the one seen.
 */
export async function discardTempFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isAbsent(error)) reportIgnored(`could not remove the temp file ${path}`, error);
  }
}
