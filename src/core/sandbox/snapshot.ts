import type { SandboxGit } from './sandboxGit.ts';
import { runGit, splitNul } from './sandboxGit.ts';

/**
 * Helpers that record a work tree as git objects without touching any ref or index of the user's.
 * `gitArgs` prefixes every command (`--git-dir=… --work-tree=…` to read the user's files into the
 * sandbox's own index).
 */
export interface TreeSource {
  git: SandboxGit;
  gitArgs?: readonly string[];
  signal?: AbortSignal;
}

/**
 * Stages the whole work tree as git sees it (.gitignore honoured, deletions included) into the
 * index and returns the tree id. Linked dependency folders never enter it: an ignored one is left
 * out by git already, and naming an ignored path in a pathspec makes `git add` fail, so only the
 * ones git would pick up (a symlink escapes a `node_modules/` pattern) are excluded by pathspec.
 */
export async function writeWorkTree(source: TreeSource, linkedPaths: readonly string[], knownExcluded?: readonly string[]): Promise<string> {
  const excluded = knownExcluded ?? (await pathsNotIgnored(source, linkedPaths));
  await git(source, ['add', '-A', '--', ':/', ...excluded.map(excludeSpec)]);
  return (await git(source, ['write-tree'])).trim();
}

/** A commit with the sandbox identity that is not on any branch: the worktree's HEAD keeps it alive. */
export async function commitTree(source: TreeSource, tree: string, parent: string | undefined, message: string): Promise<string> {
  return (await git(source, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message])).trim();
}

/** HEAD's commit, or undefined in a repository without commits. */
export async function headCommit(source: TreeSource): Promise<string | undefined> {
  try {
    return (await git(source, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim() || undefined;
  } catch (error) {
    if (source.signal?.aborted) throw error;
    return undefined;
  }
}

export function excludeSpec(path: string): string {
  return `:(top,exclude,literal)${path}`;
}

/** The linked folders git would pick up (not ignored): they must be excluded by pathspec. */
export async function pathsNotIgnored(source: TreeSource, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  // `check-ignore` cannot take -z without --stdin; listing the ignored ones among them can.
  const specs = paths.map((path) => `:(top,literal)${path}`);
  const out = await git(source, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...specs]);
  const ignored = new Set(splitNul(out).map((entry) => entry.replace(/\/$/, '')));
  return paths.filter((path) => !ignored.has(path));
}

function git(source: TreeSource, args: string[]): Promise<string> {
  return runGit(source.git, [...(source.gitArgs ?? []), ...args], source.signal);
}
