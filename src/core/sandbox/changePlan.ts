import type { SandboxGit } from './sandboxGit.ts';
import type { Stats } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readBlob, runGit, splitNul } from './sandboxGit.ts';

export type FileKind = 'file' | 'executable' | 'symlink';

/**
 * One file of the agent's change, as it will land in the user's tree. Both front doors use it:
 * the CLI writes it (applyToUser), the editor turns it into an undoable WorkspaceEdit.
 */
export interface PlannedChange {
  /** Relative to the user's root, `/`-separated. */
  path: string;
  status: 'added' | 'modified' | 'deleted';
  /** The user's current text (checked to equal the start state); null where the file is absent. */
  before: string | null;
  after: string | null;
  /** The exact bytes; use these instead of the text where `binary` is true. */
  beforeBytes: Buffer | null;
  afterBytes: Buffer | null;
  /** A symlink's bytes are its target. */
  beforeKind: FileKind | null;
  afterKind: FileKind | null;
  /** Either side is not UTF-8 text (a NUL byte, or invalid UTF-8): `before`/`after` are lossy. */
  binary: boolean;
}

/** A touched file the user changed after the sandbox was opened. */
export interface Conflict {
  path: string;
  problem: string;
}

export interface PlanSource {
  /** git in the sandbox tree. */
  sandbox: SandboxGit;
  /** git where the user's files hash as they did at open (the user's repository, or the sandbox's private one). */
  hasher: SandboxGit;
  userRoot: string;
  tree: string;
  base: string;
  result: string;
  signal?: AbortSignal;
}

interface RawEntry {
  path: string;
  oldMode: string;
  newMode: string;
  oldBlob: string;
}

/**
 * The agent's changes from the start state (`base`) to the sandbox's current tree (`result`), with
 * the user's side checked: a file the diff touches must still be exactly what the sandbox started
 * from. Renames are planned as a delete and an add, which is what they are on disk.
 */
export async function planChanges(source: PlanSource): Promise<{ changes: PlannedChange[]; conflicts: Conflict[] }> {
  const out = await runGit(source.sandbox, ['diff', '--raw', '-z', '--no-renames', '--no-abbrev', '--no-ext-diff', source.base, source.result], source.signal);
  const entries = parseRaw(out);
  const conflicts: Conflict[] = [];
  const changes = await Promise.all(
    entries.map(async (entry): Promise<PlannedChange | undefined> => {
      if (entry.oldMode === '160000' || entry.newMode === '160000') {
        conflicts.push({ path: entry.path, problem: 'is a submodule, which the sandbox does not change' });
        return undefined;
      }
      const beforeKind = kindOf(entry.oldMode);
      const afterKind = kindOf(entry.newMode);
      const user = await userSide(source, entry, beforeKind);
      if (user.problem) {
        conflicts.push({ path: entry.path, problem: user.problem });
        return undefined;
      }
      const afterBytes = afterKind ? await readEntry(join(source.tree, entry.path), afterKind) : null;
      const before = asText(user.bytes);
      const after = asText(afterBytes);
      return {
        path: entry.path,
        status: beforeKind === null ? 'added' : afterKind === null ? 'deleted' : 'modified',
        before: before.text,
        after: after.text,
        beforeBytes: user.bytes,
        afterBytes,
        beforeKind,
        afterKind,
        binary: !before.clean || !after.clean,
      };
    }),
  );
  conflicts.sort((a, b) => a.path.localeCompare(b.path));
  return { changes: changes.filter((c): c is PlannedChange => c !== undefined), conflicts };
}

async function userSide(source: PlanSource, entry: RawEntry, kind: FileKind | null): Promise<{ bytes: Buffer | null; problem?: string }> {
  const path = join(source.userRoot, entry.path);
  let info: Stats | undefined;
  try {
    info = await lstat(path);
  } catch (error) {
    // ENOTDIR: a folder on the way is now a file, so the new file could not be written.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return { bytes: null, problem: 'cannot be written: a folder above it is now a file in your tree' };
  }
  if (kind === null) return info ? { bytes: null, problem: 'was created in your tree meanwhile' } : { bytes: null };
  if (!info) return { bytes: null, problem: 'was deleted in your tree meanwhile' };
  const changed = { bytes: null, problem: 'was changed in your tree meanwhile' };
  if (kind === 'symlink') {
    if (!info.isSymbolicLink()) return changed;
    const target = await readlink(path);
    const started = (await readBlob(source.sandbox, entry.oldBlob, source.signal)).toString();
    return target === started ? { bytes: Buffer.from(target) } : changed;
  }
  if (!info.isFile()) return changed;
  // Hashed the way `git add` hashed it at open (same filters: eol, LFS), so only real edits count.
  const blob = (await runGit(source.hasher, ['hash-object', `--path=${entry.path}`, '--', path], source.signal)).trim();
  if (blob !== entry.oldBlob) return changed;
  return { bytes: await readFile(path) };
}

/** The sandbox's file as it is on disk: the bytes the user's tree should end up with. */
async function readEntry(path: string, kind: FileKind): Promise<Buffer> {
  return kind === 'symlink' ? Buffer.from(await readlink(path)) : readFile(path);
}

function parseRaw(out: string): RawEntry[] {
  const fields = splitNul(out);
  const entries: RawEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // ":<old mode> <new mode> <old blob> <new blob> <status>" then the path.
    const [oldMode, newMode, oldBlob] = fields[i]!.slice(1).split(' ');
    entries.push({ path: fields[i + 1]!, oldMode: oldMode!, newMode: newMode!, oldBlob: oldBlob! });
  }
  return entries;
}

function kindOf(mode: string): FileKind | null {
  if (mode === '120000') return 'symlink';
  if (mode === '100755') return 'executable';
  if (/^0+$/.test(mode)) return null;
  return 'file';
}

// ignoreBOM keeps a byte order mark in the text, so writing the text back keeps it too.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function asText(bytes: Buffer | null): { text: string | null; clean: boolean } {
  if (bytes === null) return { text: null, clean: true };
  if (bytes.includes(0)) return { text: bytes.toString('utf8'), clean: false };
  try {
    return { text: strictUtf8.decode(bytes), clean: true };
  } catch {
    return { text: bytes.toString('utf8'), clean: false };
  }
}
