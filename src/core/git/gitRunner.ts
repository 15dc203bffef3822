import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { CoevolveError } from '../errors.ts';
import { withoutSecrets } from '../security/childEnv.ts';

// The one way the core runs git. Every command gets the same neutral config (so parsers see git's
// defaults whatever the user set), no hooks (the user's hooks must not run for our own
// bookkeeping: a post-checkout hook that installs dependencies, a reference-transaction hook that
// pushes), no auto-gc, no prompts, and an environment without secrets. simple-git (Repository)
// answers the miner's few questions; this runner serves whatever streams or must be fast: simple-git
// waits a fixed 50 ms after every command that prints nothing (`git add -A` on 5,000 files: 65 ms
// through it, 15 ms spawned directly).

/** Config that changes what git prints. Users set these globally; the parsers need git's defaults. */
export const NEUTRAL_GIT_CONFIG = [
  'core.quotePath=true',
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'diff.relative=false',
  'diff.renames=true',
  'log.showSignature=false',
  'log.showRoot=true',
  'i18n.logOutputEncoding=UTF-8',
  'color.ui=false',
];

/** A hooks path that can never hold a file turns every hook off. */
const NO_HOOKS = process.platform === 'win32' ? 'NUL' : '/dev/null';

const RUNNER_CONFIG = [...NEUTRAL_GIT_CONFIG, `core.hooksPath=${NO_HOOKS}`, 'gc.auto=0', 'advice.addIgnoredFile=false', 'advice.detachedHead=false'];

/** Where git runs, how it is cancelled, and any config beyond the runner's own (`-c` entries). */
export interface GitDir {
  readonly baseDir: string;
  readonly signal: AbortSignal | undefined;
  readonly config?: readonly string[];
}

export function gitAt(baseDir: string, signal?: AbortSignal, config?: readonly string[]): GitDir {
  return config ? { baseDir, signal, config } : { baseDir, signal };
}

/** The arguments to start git with: the runner's config, the directory's, then the command. */
function gitArgv(args: readonly string[], config: readonly string[] = []): string[] {
  return [...RUNNER_CONFIG, ...config].flatMap((entry) => ['-c', entry]).concat(args);
}

/**
 * Variables that point git at another repository or index: set when we run inside a git hook or
 * under another tool, they would make every command act on that repository instead. Only a caller
 * that means it (the sandbox's own index) passes one explicitly.
 */
const REPOSITORY_LOCATORS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_PREFIX'];

/** The environment every git the core starts gets: the user's, minus secrets and repository locators, never prompting. */
function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = withoutSecrets(process.env).env;
  for (const name of REPOSITORY_LOCATORS) delete env[name];
  return { ...env, ...extra, GIT_TERMINAL_PROMPT: '0' };
}

/**
 * For a process that is exiting (an `exit` listener cannot wait for a promise): runs git to the end
 * or the timeout, and never throws — it is housekeeping.
 */
export function runGitSyncQuietly(cwd: string, args: readonly string[], timeoutMs = 10_000): void {
  spawnSync('git', gitArgv(args), { cwd, stdio: 'ignore', env: gitEnvironment(), timeout: timeoutMs, windowsHide: true });
}

/** Starts a long-lived or streaming git (log -p, cat-file --batch) with the runner's config and environment. */
export function startGit(cwd: string, args: readonly string[], options: Omit<SpawnOptions, 'cwd' | 'env'> & { env?: Record<string, string> } = {}): ChildProcess {
  const { env, ...rest } = options;
  return spawn('git', gitArgv(args), { ...rest, cwd, env: gitEnvironment(env) });
}

/** Runs `git <args>` and returns stdout; a cancelled run reads `cancelled`, a failure `git-failed`. */
export async function runGit(git: GitDir, args: string[], signal?: AbortSignal): Promise<string> {
  return (await runGitBytes(git, args, signal)).toString('utf8');
}

/** Like runGit, but the exact bytes of stdout: a patch of a file that is not UTF-8 would be mangled by decoding. */
export async function runGitBytes(git: GitDir | string, args: string[], signal?: AbortSignal): Promise<Buffer> {
  const dir = typeof git === 'string' ? gitAt(git) : git;
  return (await spawnGit(dir, args, { signal: signal ?? dir.signal })).stdout;
}

export interface GitInput {
  /** Written to the command's stdin (`--stdin` modes). */
  input?: string;
  /** Exit codes that are answers rather than failures (`check-ignore` exits 1 when nothing is ignored). */
  okCodes?: readonly number[];
}

/** Like runGit, with stdin and the exit code: for commands whose answer is their exit code. */
export async function runGitWith(git: GitDir, args: string[], options: GitInput): Promise<{ stdout: string; code: number }> {
  const { stdout, code } = await spawnGit(git, args, { ...options, signal: git.signal });
  return { stdout: stdout.toString('utf8'), code };
}

/** A blob's bytes, exactly as stored (runGit's text would mangle binary content). */
export function readBlob(git: GitDir, blob: string, signal?: AbortSignal): Promise<Buffer> {
  return runGitBytes(git, ['cat-file', 'blob', blob], signal);
}

interface CollectOptions extends GitInput {
  signal?: AbortSignal | undefined;
}

function spawnGit(git: GitDir, args: string[], options: CollectOptions): Promise<{ stdout: Buffer; code: number }> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new CoevolveError('cancelled', 'Cancelled.'));
  return new Promise((resolve, reject) => {
    // Collects stdout; cancelled by the signal (git gets SIGTERM).
    const child = spawn('git', gitArgv(args, git.config), { cwd: git.baseDir, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: gitEnvironment() });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const onAbort = (): void => void child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    if (child.stdin) {
      // A command that exits before reading all of its input closes the pipe: its exit code tells.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    child.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(gitFailure(args, error, signal));
    });
    child.once('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (code === 0 || (code !== null && options.okCodes?.includes(code))) resolve({ stdout: Buffer.concat(out), code });
      else reject(gitFailure(args, new Error(Buffer.concat(err).toString('utf8').trim() || `git exited with code ${code}`), signal));
    });
  });
}

export function gitFailure(args: string[], error: unknown, signal?: AbortSignal): CoevolveError {
  if (CoevolveError.is(error)) return error;
  if (signal?.aborted) return new CoevolveError('cancelled', 'Cancelled.', { cause: error });
  const message = error instanceof Error ? error.message.trim() : String(error);
  // The command's name: the first word that is neither an option nor the value of a `-c`.
  const command = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c') ?? args[0];
  return new CoevolveError('git-failed', `git ${command} failed: ${message}`, { cause: error });
}

/** Splits NUL-terminated git output (`-z`) into its fields. */
export function splitNul(out: string): string[] {
  const parts = out.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}
