import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { throwIfAborted } from '../errors.ts';
import { removeEmptyParents } from './applyChanges.ts';
import { blobBytes, writtenAsStored } from './gitBatch.ts';
import type { GitBatch } from './gitBatch.ts';
import type { RawChange } from './treeDiff.ts';

const plain = (mode: string): boolean => mode === '100644' || mode === '100755' || mode === '000000';

/**
 * The files of a change put back to the start state without starting git: contents from a
 * long-lived cat-file, written as checkout writes them (a fresh file, mode 666 or 777 less the
 * umask), added files removed with the folders they leave empty. Only where checkout would write
 * a blob's bytes as they are (no attribute converting them; the caller rules out core.autocrlf)
 * and for plain files on both sides; returns false, having written nothing, where git has to do
 * it. `beforeWriting` hears the paths just before the first one is touched. The index is left as
 * it is: it keeps the change for these paths until the caller stages them.
 */
export async function putBackInPlace(
  root: string,
  changes: readonly RawChange[],
  readers: { blobs: GitBatch; attributes: GitBatch },
  signal: AbortSignal | undefined,
  beforeWriting: (paths: readonly string[]) => void,
): Promise<boolean> {
  if (changes.some((change) => !plain(change.oldMode) || !plain(change.newMode) || !['A', 'M', 'D', 'R'].includes(change.status[0] ?? ''))) return false;
  const remove: string[] = [];
  const write: Array<{ path: string; oid: string; executable: boolean }> = [];
  for (const change of changes) {
    const letter = change.status[0];
    if (letter === 'A' || letter === 'R') remove.push(change.path);
    if (letter !== 'A') write.push({ path: change.from ?? change.path, oid: change.oldOid, executable: change.oldMode === '100755' });
  }
  const touched = [...remove, ...write.map((file) => file.path)];
  // A .gitattributes in the change may itself change how checkout writes files.
  if (touched.some((path) => path === '.gitattributes' || path.endsWith('/.gitattributes'))) return false;
  let contents: Buffer[];
  try {
    if (!(await Promise.all(write.map((file) => writtenAsStored(readers.attributes, file.path)))).every(Boolean)) return false;
    contents = await Promise.all(write.map((file) => blobBytes(readers.blobs, file.oid)));
  } catch {
    return false;
  }
  throwIfAborted(signal);
  beforeWriting(touched);
  for (const path of remove) {
    await unlink(join(root, path)).catch(ignoreMissing);
    await removeEmptyParents(root, dirname(join(root, path)));
  }
  await Promise.all(
    write.map(async (file, i) => {
      const target = join(root, file.path);
      await unlink(target).catch(ignoreMissing);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, contents[i]!, { mode: file.executable ? 0o777 : 0o666, flag: 'wx' });
    }),
  );
  return true;
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
