import { collect, firstLine, gitArgv, gitAt, gitFailure, runGit } from '../git/gitRunner.ts';
import type { GitDir } from '../git/gitRunner.ts';
import type { ShellLauncher } from './shellLauncher.ts';

// The sandbox's git: the core's runner (src/core/git/gitRunner.ts) with the sandbox's own identity
// for its private snapshot commits. Every argument is built here from paths we chose; no model
// text reaches git.

export { gitFailure, readBlob, runGit, runGitBytes, runGitWith, splitNul } from '../git/gitRunner.ts';

/** Private snapshot commits carry this identity, never the user's. */
export const SANDBOX_IDENTITY = { name: 'Co-evolve sandbox', email: 'sandbox@coevolve.invalid' } as const;

const SANDBOX_GIT_CONFIG = [`user.name=${SANDBOX_IDENTITY.name}`, `user.email=${SANDBOX_IDENTITY.email}`, 'user.useConfigOnly=false', 'commit.gpgSign=false'];

/** Where and how the sandbox's git commands run. */
export type SandboxGit = GitDir;

export function sandboxGit(baseDir: string, signal?: AbortSignal): SandboxGit {
  return gitAt(baseDir, signal, SANDBOX_GIT_CONFIG);
}

/** The arguments to start git with for a process this module does not run itself (a long-lived one). */
export function sandboxGitArgv(args: readonly string[]): string[] {
  return gitArgv(args, SANDBOX_GIT_CONFIG);
}

/** `git diff` of two trees as raw records and a binary patch (see parseRaw in sandbox.ts). */
export const TREE_DIFF_ARGS = ['diff', '--raw', '-z', '--no-abbrev', '-p', '--binary', '--full-index', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/'] as const;

export interface StagedTree {
  tree: string;
  /** `git diff <diffBase> <tree>` (TREE_DIFF_ARGS), from the same process: still running when `tree` is known. */
  diff?: Promise<Buffer>;
}

/**
 * Stages exactly `paths` (new, edited or deleted files), returns the index's tree and, with
 * `diffBase`, goes on to diff it, all from one `sh` where there is a POSIX shell: the long-lived
 * `launcher` when given (no process start from Node at all), else one `sh -c`. Every process Node
 * starts costs a fork of the whole Node process (milliseconds, blocking the event loop, more the
 * larger the process grows); a shell's fork costs next to nothing. The paths travel on stdin and
 * the git arguments as the shell's positional parameters: nothing is ever parsed by the shell.
 */
export async function stageAndWriteTree(git: SandboxGit, paths: readonly string[], diffBase?: string, launcher?: ShellLauncher): Promise<StagedTree> {
  if (process.platform === 'win32') {
    if (paths.length) await runGit(git, ['update-index', '--add', '--remove', '--', ...paths]);
    return { tree: (await runGit(git, ['write-tree'])).trim() };
  }
  const viaLauncher = launcher?.usable === true;
  const stage = paths.length ? ['"$@" update-index --add --remove -z --stdin'] : [];
  // The tree goes out as soon as it is known: on fd 3 through the launcher, as stdout's first line otherwise.
  const announce = viaLauncher ? 'mark "$tree"' : 'printf \'%s\\n\' "$tree"';
  const steps =
    diffBase === undefined
      ? [...stage, 'tree=$("$@" write-tree)', announce]
      : [...stage, 'tree=$("$@" write-tree)', announce, `exec "$@" ${TREE_DIFF_ARGS.join(' ')} "$COEVOLVE_DIFF_BASE" "$tree" --`];
  const input = paths.length ? paths.map((path) => `${path}\0`).join('') : undefined;
  const env = diffBase === undefined ? {} : { env: { COEVOLVE_DIFF_BASE: diffBase } };
  let announced: (tree: string) => void = () => undefined;
  const tree = new Promise<string>((resolve) => (announced = resolve));
  let run: Promise<Buffer>;
  if (launcher && viaLauncher) {
    run = launcher.run(steps.join(' && '), { ...env, ...(input === undefined ? {} : { input }), onMark: announced, ...(git.signal ? { signal: git.signal } : {}) }).then(({ stdout, stderr, code }) => {
      if (code !== 0) throw gitFailure(['update-index'], new Error(stderr.trim() || `git exited with code ${code}`), git.signal);
      return stdout;
    });
    const first = await Promise.race([tree, run.then(() => tree)]);
    return diffBase === undefined ? { tree: first } : { tree: first, diff: run };
  }
  const direct = collect('sh', ['-c', steps.join(' && '), 'sh', 'git', ...sandboxGitArgv([])], ['update-index'], git.baseDir, {
    signal: git.signal,
    ...(input === undefined ? {} : { input }),
    ...env,
    onFirstLine: announced,
  });
  run = direct.then(({ stdout }) => stdout.subarray(stdout.indexOf(0x0a) + 1));
  const first = await Promise.race([tree, direct.then(({ stdout }) => firstLine(stdout))]);
  return diffBase === undefined ? { tree: first } : { tree: first, diff: run };
}
