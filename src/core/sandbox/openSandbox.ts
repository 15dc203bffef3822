import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { CoevolveError, throwIfAborted } from '../errors.ts';
import { prepareCopy } from './copySetup.ts';
import { onProcessExit } from './exitCleanup.ts';
import { DEFAULT_LINKED_FOLDERS, sandboxLayout, sandboxesDirFor } from './layout.ts';
import { markGone, markLive } from './liveSandboxes.ts';
import { newMarker, writeMarker } from './marker.ts';
import type { OpenStep } from './openSteps.ts';
import { removeSandbox, removeSandboxSync } from './removeSandbox.ts';
import { Sandbox } from './sandbox.ts';
import { DEFAULT_COPY_LIMITS } from './treeCopy.ts';
import type { CopyLimits } from './treeCopy.ts';
import { resolveUserRoot } from './userRoot.ts';
import { prepareWorktree } from './worktreeSetup.ts';
import { ignoreError } from '../ignoredErrors.ts';

export interface OpenSandboxOptions {
  /** The user's folder (any folder inside a repository opens the whole repository). */
  root: string;
  signal?: AbortSignal;
  /** Where sandboxes live; default `<os tmp>/coevolve-sandboxes`. Keep it outside the user's tree. */
  baseDir?: string;
  /** Untracked folder names linked instead of copied, at any depth; default node_modules, .venv, venv. */
  linkedFolders?: readonly string[];
  /** For a folder that is not under git, the most it copies. */
  copyLimits?: CopyLimits;
  onStep?: (step: OpenStep) => void;
}

/**
 * Opens a sandbox holding the user's current files (uncommitted and untracked work included).
 * Cancelling, or any failure, removes whatever was created before the error is thrown.
 */
export async function openSandbox(options: OpenSandboxOptions): Promise<Sandbox> {
  const { signal } = options;
  throwIfAborted(signal);
  const user = await resolveUserRoot(options.root, signal);
  if (options.baseDir !== undefined && isInside(resolve(options.baseDir), user.root)) {
    // It would show in the user's `git status`, and a copy would copy itself forever.
    throw new CoevolveError('bad-input', `The sandbox folder ${options.baseDir} is inside ${user.root}; it must be outside the project.`);
  }
  const kind = user.isRepo ? 'worktree' : 'copy';
  const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const layout = sandboxLayout(sandboxesDirFor(user.root, options.baseDir), id, user.root);
  const removable = { dir: layout.dir, tree: layout.tree, kind, userRoot: user.root } as const;
  const step = (name: OpenStep) => options.onStep?.(name);
  const linkedFolders = options.linkedFolders ?? DEFAULT_LINKED_FOLDERS;

  // The marker first: a process that dies from here on leaves something a sweep can identify.
  await mkdir(layout.dir, { recursive: true });
  markLive(layout.dir);
  const unregisterExit = onProcessExit(() => removeSandboxSync(removable));
  try {
    await writeMarker(layout.marker, newMarker({ id, userRoot: user.root, tree: layout.tree, kind }));
    const prepared =
      kind === 'worktree'
        ? await prepareWorktree(user.root, layout.tree, layout.dir, linkedFolders, step, signal)
        : await prepareCopy(user.root, layout.tree, linkedFolders, options.copyLimits ?? DEFAULT_COPY_LIMITS, step, signal);
    step('ready');
    throwIfAborted(signal);
    return new Sandbox({ id, dir: layout.dir, root: layout.tree, userRoot: user.root, kind, base: prepared.base, linkedPaths: prepared.linkedPaths, startedAt: new Date(), unregisterExit });
  } catch (error) {
    unregisterExit();
    // The open's own error is what the caller needs; a leftover folder is the sweep's to remove.
    await removeSandbox(removable).catch(ignoreError('could not remove a sandbox that failed to open'));
    markGone(layout.dir);
    if (signal?.aborted) throw new CoevolveError('cancelled', 'Cancelled.', { cause: error });
    if (CoevolveError.is(error)) throw error;
    throw new CoevolveError('sandbox-failed', `Could not open a sandbox for ${user.root}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
