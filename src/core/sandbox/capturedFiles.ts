import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { lstatQuietly } from '../util/lstatQuietly.ts';

/** A file as it was when captured: its bytes and permission bits, or no bytes where there was no file. */
export interface CapturedFile {
  readonly path: string;
  readonly content: Buffer | undefined;
  readonly mode: number;
}

/** More than this and a checkpoint is staged before the checks start rather than beside them. */
const MAX_FILES = 256;
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * Reads the files at `paths` (relative to `root`) into memory, so that whatever writes them next
 * cannot take away the state they are in now. Undefined where that would not be exact or cheap:
 * anything but plain files (a link, a folder), too many files or too many bytes.
 */
export async function captureFiles(root: string, paths: readonly string[]): Promise<CapturedFile[] | undefined> {
  if (paths.length > MAX_FILES) return undefined;
  const files: CapturedFile[] = [];
  let bytes = 0;
  for (const path of paths) {
    const full = join(root, path);
    const stat = lstatQuietly(full);
    if (!stat) {
      files.push({ path, content: undefined, mode: 0 });
      continue;
    }
    if (!stat.isFile()) return undefined;
    bytes += stat.size;
    if (bytes > MAX_BYTES) return undefined;
    files.push({ path, content: await readFile(full), mode: stat.mode & 0o777 });
  }
  return files;
}

/** Writes captured files back as they were (removing what stands in their place), and removes the ones that did not exist. */
export async function putBack(root: string, files: readonly CapturedFile[]): Promise<void> {
  for (const file of files) {
    const target = join(root, file.path);
    await rm(target, { recursive: true, force: true });
    if (file.content === undefined) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, { mode: file.mode });
    // The umask may have taken bits off; the file must be exactly as it was.
    await chmod(target, file.mode);
  }
}
