import { simpleGit, GitPluginError } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { CoevolveError } from '../errors.ts';
import { NEUTRAL_GIT_CONFIG } from '../git/repository.ts';

/**
 * The user's hooks must not run for the sandbox's own bookkeeping (a post-checkout hook that
 * installs dependencies, a reference-transaction hook that pushes). A hooks path that can never
 * hold a file turns them all off.
 */
const NO_HOOKS = process.platform === 'win32' ? 'NUL' : '/dev/null';

/** Private snapshot commits carry this identity, never the user's. */
export const SANDBOX_IDENTITY = { name: 'Co-evolve sandbox', email: 'sandbox@coevolve.invalid' } as const;

const SANDBOX_GIT_CONFIG = [
  ...NEUTRAL_GIT_CONFIG,
  `core.hooksPath=${NO_HOOKS}`,
  `user.name=${SANDBOX_IDENTITY.name}`,
  `user.email=${SANDBOX_IDENTITY.email}`,
  'user.useConfigOnly=false',
  'commit.gpgSign=false',
  'advice.addIgnoredFile=false',
  'advice.detachedHead=false',
  'gc.auto=0',
];

/**
 * A simple-git bound to `baseDir` for the sandbox's own commands. Every argument is built here
 * from paths we chose (no model text reaches git), so the guards that stop a caller from passing
 * a hooks path or `--git-dir`/`--work-tree` are lifted for these instances only.
 */
export function sandboxGit(baseDir: string, signal?: AbortSignal): SimpleGit {
  return simpleGit({
    baseDir,
    config: SANDBOX_GIT_CONFIG,
    maxConcurrentProcesses: 4,
    errors: strictErrors,
    unsafe: { allowUnsafeHooksPath: true, allowUnsafeConfigPaths: true },
    ...(signal ? { abort: signal } : {}),
  });
}

/** Runs `git <args>` and returns stdout; a cancelled run reads `cancelled`, a failure `git-failed`. */
export async function runGit(git: SimpleGit, args: string[], signal?: AbortSignal): Promise<string> {
  try {
    return await git.raw(args);
  } catch (error) {
    throw gitFailure(args, error, signal);
  }
}

/**
 * Like runGit, but the exact bytes of stdout: a patch of a file that is not UTF-8 would be
 * mangled by decoding. Uses a git instance of its own, since the output handler stays attached.
 */
export async function runGitBytes(baseDir: string, args: string[], signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const git = sandboxGit(baseDir, signal).outputHandler((_command, stdout) => {
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  });
  await runGit(git, args, signal);
  return Buffer.concat(chunks);
}

/** A blob's bytes, exactly as stored (runGit's text would mangle binary content). */
export async function readBlob(git: SimpleGit, blob: string, signal?: AbortSignal): Promise<Buffer> {
  try {
    return await git.showBuffer([blob]);
  } catch (error) {
    throw gitFailure(['show', blob], error, signal);
  }
}

export function gitFailure(args: string[], error: unknown, signal?: AbortSignal): CoevolveError {
  if (CoevolveError.is(error)) return error;
  if (signal?.aborted || (error instanceof GitPluginError && error.plugin === 'abort')) {
    return new CoevolveError('cancelled', 'Cancelled.', { cause: error });
  }
  const message = error instanceof Error ? error.message.trim() : String(error);
  return new CoevolveError('git-failed', `git ${args.find((a) => !a.startsWith('-')) ?? args[0]} failed: ${message}`, { cause: error });
}

/** simple-git only fails a command that wrote to stderr; a silent non-zero exit is a failure too. */
function strictErrors(error: Buffer | Error | undefined, result: { exitCode: number }): Buffer | Error | undefined {
  if (error) return error;
  return result.exitCode === 0 ? undefined : new Error(`git exited with code ${result.exitCode}`);
}

/** Splits NUL-terminated git output (`-z`) into its fields. */
export function splitNul(out: string): string[] {
  const parts = out.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}
