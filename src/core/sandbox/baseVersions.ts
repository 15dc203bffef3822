import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { throwIfAborted } from '../errors.ts';
import type { Sandbox } from './sandbox.ts';
import { runGit, runGitBytes, sandboxGit, splitNul } from './sandboxGit.ts';

/**
 * Writes `paths` into the sandbox as its start state had them: the original bytes and mode where
 * the start state had the file, no file where it did not. The caller checkpoints first and restores
 * after (Sandbox.restore), so the change itself is never lost: this only swaps files for one run.
 */
export async function writeBaseVersions(sandbox: Sandbox, paths: readonly string[], signal?: AbortSignal): Promise<void> {
  if (!paths.length) return;
  const listed = await runGit(sandboxGit(sandbox.root, signal), ['ls-tree', '-z', sandbox.baseCommit, '--', ...paths]);
  const inBase = new Map<string, { mode: string; blob: string }>();
  for (const entry of splitNul(listed)) {
    const match = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (match) inBase.set(match[3]!, { mode: match[1]!, blob: match[2]! });
  }
  for (const path of paths) {
    throwIfAborted(signal);
    const target = join(sandbox.root, path);
    const original = inBase.get(path);
    await rm(target, { force: true, recursive: true });
    if (!original) continue;
    await mkdir(dirname(target), { recursive: true });
    const bytes = await runGitBytes(sandbox.root, ['cat-file', 'blob', original.blob], signal);
    if (original.mode === '120000') await symlink(bytes.toString('utf8'), target);
    else await writeFile(target, bytes, { mode: original.mode === '100755' ? 0o755 : 0o644 });
  }
}
