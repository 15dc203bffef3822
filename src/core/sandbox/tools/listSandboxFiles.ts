import { CoevolveError } from '../../errors.ts';
import { runGit, sandboxGit, splitNul } from '../sandboxGit.ts';
import { excludeSpec } from '../snapshot.ts';
import type { ResolvedRoot } from './toolRoot.ts';

/**
 * The project's files as git sees them: tracked ones still on disk, plus untracked ones that are
 * not ignored. Build output, caches and the linked dependency folders stay out.
 */
export async function listProjectFiles(root: ResolvedRoot, signal?: AbortSignal): Promise<string[]> {
  const git = sandboxGit(root.root, signal);
  const excluded = root.readOnlyPaths.map(excludeSpec);
  try {
    const listed = splitNul(await runGit(git, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ':/', ...excluded], signal));
    const deleted = new Set(splitNul(await runGit(git, ['ls-files', '-z', '--deleted', '--', ':/', ...excluded], signal)));
    return [...new Set(listed)].filter((path) => !deleted.has(path)).sort();
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) throw error;
    throw new CoevolveError('sandbox-failed', `Could not list the files of ${root.root}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
