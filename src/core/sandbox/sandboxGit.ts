import { gitAt } from '../git/gitRunner.ts';
import type { GitDir } from '../git/gitRunner.ts';

// The sandbox's git: the core's runner (src/core/git/gitRunner.ts) with the sandbox's own identity
// for its private snapshot commits. Every argument is built here from paths we chose; no model
// text reaches git.

export { readBlob, runGit, runGitBytes, runGitWith, splitNul } from '../git/gitRunner.ts';

/** Private snapshot commits carry this identity, never the user's. */
export const SANDBOX_IDENTITY = { name: 'Co-evolve sandbox', email: 'sandbox@coevolve.invalid' } as const;

const SANDBOX_GIT_CONFIG = [`user.name=${SANDBOX_IDENTITY.name}`, `user.email=${SANDBOX_IDENTITY.email}`, 'user.useConfigOnly=false', 'commit.gpgSign=false'];

/** Where and how the sandbox's git commands run. */
export type SandboxGit = GitDir;

export function sandboxGit(baseDir: string, signal?: AbortSignal): SandboxGit {
  return gitAt(baseDir, signal, SANDBOX_GIT_CONFIG);
}
