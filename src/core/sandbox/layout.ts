import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Ignored dependency folders that are linked into a sandbox rather than copied: the project's
 * checks need them, copying them would take minutes, and they never belong in a diff.
 */
export const DEFAULT_LINKED_FOLDERS: readonly string[] = ['node_modules', '.venv', 'venv'];

export const MARKER_FILE = 'sandbox.json';

/**
 * Sandboxes live outside the user's tree, so the user's `git status`, file watchers and search
 * never see them.
 */
function defaultSandboxBase(): string {
  return join(tmpdir(), 'coevolve-sandboxes');
}

/** The folder that holds every sandbox of one user tree: one per root, so a sweep stays local. */
export function sandboxesDirFor(userRoot: string, baseDir: string = defaultSandboxBase()): string {
  const digest = createHash('sha256').update(userRoot).digest('hex').slice(0, 16);
  return join(baseDir, `${safeName(basename(userRoot))}-${digest}`);
}

export interface SandboxLayout {
  /** The sandbox's own folder: the marker beside the tree, so the agent never sees the marker. */
  dir: string;
  /** Where the copy of the user's tree lives; named like the user's folder, as some tools care. */
  tree: string;
  marker: string;
}

export function sandboxLayout(parentDir: string, id: string, userRoot: string): SandboxLayout {
  const dir = join(parentDir, id);
  return { dir, tree: join(dir, safeName(basename(userRoot))), marker: join(dir, MARKER_FILE) };
}

function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  return cleaned && cleaned !== '.' && cleaned !== '..' && cleaned !== MARKER_FILE ? cleaned : 'tree';
}
