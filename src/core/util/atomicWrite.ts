import { randomBytes } from 'node:crypto';
import { open, rename, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { discardTempFile } from './fsProbe.ts';

/**
 * Writes a file so that readers see either the old or the new content, never a torn one: the
 * bytes go to a temp file in the same folder (same file system, so the rename is atomic), are
 * flushed, and the temp file is renamed over the target.
 *
 * `mode` (permission bits) is applied exactly, umask or not, so an existing file keeps its own;
 * without it a new file gets the usual 0666 minus umask. `durable: false` skips the flush to disk:
 * still never torn, only not promised to survive a power cut (for the sandbox, which a crash
 * discards anyway; a flush costs up to ~15 ms on a busy disk).
 */
export async function atomicWriteFile(path: string, data: Uint8Array | string, options: { mode?: number; durable?: boolean } = {}): Promise<void> {
  const temp = tempBeside(path);
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (options.mode !== undefined) await handle.chmod(options.mode & 0o7777);
      if (options.durable !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await discardTempFile(temp);
    throw error;
  }
}

/** How the file tools write inside a sandbox: atomically, without the flush (see atomicWriteFile). */
export const SANDBOX_WRITE = { durable: false } as const;

/** Creates or replaces a symbolic link atomically, the same way. */
export async function atomicSymlink(path: string, target: string): Promise<void> {
  const temp = tempBeside(path);
  try {
    await symlink(target, temp);
    await rename(temp, path);
  } catch (error) {
    await discardTempFile(temp);
    throw error;
  }
}

function tempBeside(path: string): string {
  // Short on purpose: a long file name plus a suffix could pass the file system's name limit.
  return join(dirname(path), `.coevolve-${randomBytes(6).toString('hex')}.tmp`);
}
