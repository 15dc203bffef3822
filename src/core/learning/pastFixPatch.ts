import { applyPatch, parsePatch } from 'diff';
import { gitAt, runGit } from '../git/gitRunner.ts';

/** One file's part of a commit's change, as a unified diff. */
export async function commitFilePatch(repoRoot: string, sha: string, path: string): Promise<string> {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return '';
  return runGit(gitAt(repoRoot), ['show', '--format=', '--no-color', '--no-ext-diff', '--no-renames', sha, '--', path]);
}

/**
 * The file's part of a unified diff applied to `text` (jsdiff: context must match, the position may
 * have moved); undefined when it does not apply or would change nothing.
 */
export function applyFilePatch(text: string, patch: string, path: string): string | undefined {
  if (!patch) return undefined;
  const section = parsePatch(patch).find((p) => [p.newFileName, p.oldFileName].some((name) => name?.replace(/^[ab]\//, '') === path));
  if (!section || !section.hunks.length) return undefined;
  const result = applyPatch(text, section);
  return typeof result === 'string' && result !== text ? result : undefined;
}
