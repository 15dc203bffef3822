import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Repository } from './git/repository.ts';
import { CoevolveError } from './errors.ts';
import { DEFAULT_STORE_FOLDER } from './storeFolder.ts';


export interface Workspace {
  /** The repository root (or the folder itself when it is not a repository). */
  root: string;
  storeDir: string;
  repository?: Repository;
}

/**
 * Finds the repository that holds `path` and where its store lives. `storePath` may be absolute or
 * relative to the repository root (the extension's `coevolve.storePath`, the CLI's `--store`).
 */
export async function resolveWorkspace(path: string, storePath?: string, options: { requireGit?: boolean } = {}): Promise<Workspace> {
  const folder = resolve(path);
  // Checked here, for every front door: else a typo'd path fails later as a missing store or a file system error.
  const kind = statSync(folder, { throwIfNoEntry: false });
  if (!kind) throw new CoevolveError('bad-input', `There is no folder at ${folder}.`, { hint: 'Pass the path of a project folder.' });
  if (!kind.isDirectory()) throw new CoevolveError('bad-input', `${folder} is a file, not a folder.`, { hint: 'Pass the folder that holds it.' });
  let repository: Repository | undefined;
  try {
    repository = await Repository.open(folder);
  } catch (error) {
    if (options.requireGit || !CoevolveError.is(error, 'not-a-git-repo')) throw error;
  }
  const root = repository?.root ?? folder;
  const store = storePath ?? DEFAULT_STORE_FOLDER;
  const workspace: Workspace = { root, storeDir: isAbsolute(store) ? store : join(root, store) };
  if (repository) workspace.repository = repository;
  return workspace;
}
