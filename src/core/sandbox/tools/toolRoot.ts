import { realpath } from 'node:fs/promises';
import { CoevolveError } from '../../errors.ts';

/**
 * What the file tools work in: a folder, or a sandbox (which has `root` and `readOnlyPaths`, the
 * linked dependency folders the model may read but never edit).
 */
export type ToolRoot = string | { readonly root: string; readonly readOnlyPaths?: readonly string[] };

export interface ResolvedRoot {
  /** The root as given; the paths tools report are relative to it. */
  root: string;
  /** Its real path, for deciding whether a symlink leads outside. */
  realRoot: string;
  readOnlyPaths: readonly string[];
}

export async function resolveRoot(root: ToolRoot): Promise<ResolvedRoot> {
  const path = typeof root === 'string' ? root : root.root;
  const readOnlyPaths = typeof root === 'string' ? [] : (root.readOnlyPaths ?? []);
  try {
    return { root: path, realRoot: await realpath(path), readOnlyPaths };
  } catch (error) {
    throw new CoevolveError('sandbox-failed', `The sandbox folder ${path} is gone.`, { cause: error });
  }
}
