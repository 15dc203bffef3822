import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { CoevolveError, throwIfAborted } from '../errors.ts';
import { formatMs } from '../verify/formatMs.ts';
import { plainText } from '../verify/run/ansi.ts';
import { scrubEnvironment } from '../verify/run/environment.ts';
import { runProcess } from '../verify/run/runProcess.ts';
import type { NodeDependencySpec } from './nodeDependencyKey.ts';
import { ignoreError } from '../ignoredErrors.ts';

const DEFAULT_INSTALL_TIMEOUT_MS = 10 * 60 * 1000;
/** Written last, only after npm succeeded: a folder without it is a half-finished install. */
const MARKER = '.coevolve-installed.json';
const ERROR_TAIL_LINES = 12;

/**
 * Where installs are kept: `$COEVOLVE_DEPS_CACHE`, else the OS cache folder (`$XDG_CACHE_HOME`
 * or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows) + coevolve/deps.
 */
export function dependencyCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.COEVOLVE_DEPS_CACHE) return env.COEVOLVE_DEPS_CACHE;
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'coevolve', 'deps');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'coevolve', 'deps');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'coevolve', 'deps');
}

export interface InstallOptions {
  signal?: AbortSignal;
  /** For the npm command (default 10 minutes); waiting for another process's install gets as long again. */
  timeoutMs?: number;
  /** Default: dependencyCacheRoot(). */
  cacheRoot?: string;
}

export type CachedInstall =
  | { ok: true; dir: string; nodeModules: string; reused: boolean; installMs?: number; command: string }
  | { ok: false; dir: string; command: string; detail: string };

/**
 * The installed node_modules for `spec`, from the cache or installed there now. Installs run with
 * `--ignore-scripts` (history's install scripts are code nobody reviewed for this), no audit or
 * fund requests, the scrubbed environment and a deadline. A lock per key keeps two processes from
 * installing the same thing at once: the second waits and then reuses. A cancelled, timed-out or
 * failed install leaves no marker and its folder is removed, so nothing half-made is reused.
 */
export async function cachedNodeModules(spec: NodeDependencySpec, options: InstallOptions = {}): Promise<CachedInstall> {
  const root = options.cacheRoot ?? dependencyCacheRoot();
  const dir = join(root, spec.key);
  const argv = npmArgv(spec);
  const command = argv.join(' ');
  const done = (reused: boolean, installMs?: number): CachedInstall => ({ ok: true, dir, nodeModules: join(dir, 'node_modules'), reused, command, ...(installMs !== undefined ? { installMs } : {}) });
  if (await installed(dir)) return done(true);
  await mkdir(root, { recursive: true });
  const timeoutMs = options.timeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS;
  const release = await acquire(root, spec.key, timeoutMs * 2, options.signal);
  try {
    // Another process may have finished it while this one waited.
    if (await installed(dir)) return done(true);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(spec.files)) await writeFile(join(dir, name), bytes);
    const started = performance.now();
    const outcome = await runProcess(npmCommand(argv), dir, { timeoutMs, env: scrubEnvironment().env, ...(options.signal ? { signal: options.signal } : {}) });
    const installMs = performance.now() - started;
    if (outcome.exitCode === 0 && !outcome.stoppedBy && !outcome.spawnError) {
      await writeFile(join(dir, MARKER), `${JSON.stringify({ key: spec.key, command, installedAt: new Date().toISOString(), ms: Math.round(installMs), node: process.version })}\n`);
      return done(false, installMs);
    }
    await rm(dir, { recursive: true, force: true });
    if (outcome.stoppedBy === 'abort') throw new CoevolveError('cancelled', 'Cancelled while installing dependencies.');
    const why = outcome.spawnError
      ? `npm could not start (${outcome.spawnError.code ?? outcome.spawnError.message}): is npm installed and on PATH?`
      : outcome.stoppedBy === 'timeout'
        ? `timed out after ${formatMs(timeoutMs)}`
        : `exit ${outcome.exitCode ?? outcome.signal}`;
    return { ok: false, dir, command, detail: `${command} failed: ${why}${tail(outcome.capture.text())}` };
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(ignoreError('could not remove a half-installed dependency folder; the next install replaces it'));
    throw error;
  } finally {
    await release();
  }
}

function npmArgv(spec: NodeDependencySpec): string[] {
  const common = ['--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  // A lockfile pins versions by integrity: cached tarballs need no round trip to the registry.
  return spec.install === 'ci' ? ['npm', 'ci', '--prefer-offline', ...common] : ['npm', 'install', '--no-package-lock', ...common];
}

/** npm is a .cmd script on Windows, which only a shell can start; the arguments are ours, not text from history. */
function npmCommand(argv: readonly string[]): { argv: readonly string[] } | { shell: string } {
  return process.platform === 'win32' ? { shell: argv.join(' ') } : { argv };
}

async function installed(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, MARKER))) return false;
  return readFile(join(dir, MARKER), 'utf8').then((text) => text.trim().length > 0, () => false);
}

/** npm's own last lines (`npm error code ERESOLVE ...`), which say what went wrong. */
function tail(output: string): string {
  const lines = plainText(output).split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
  return lines.length ? `\n${lines.slice(-ERROR_TAIL_LINES).join('\n')}` : '';
}

/**
 * The install lock for `key`. proper-lockfile's lock is a folder made atomically, refreshed while
 * held and stale after a crash; here it is retried by hand so that waiting can be cancelled.
 */
async function acquire(root: string, key: string, waitMs: number, signal: AbortSignal | undefined): Promise<() => Promise<void>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    throwIfAborted(signal);
    try {
      const release = await lock(join(root, key), { lockfilePath: join(root, `${key}.lock`), realpath: false, stale: 30_000, update: 10_000, onCompromised: () => undefined });
      return () => release().catch(ignoreError('could not release the install lock; it goes stale and is taken over in 30 s'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (Date.now() > deadline) throw new CoevolveError('sandbox-failed', `Another process has been installing the dependencies in ${join(root, key)} for over ${formatMs(waitMs)}.`);
      // Only a cancel ends the wait early, and the loop's first line turns it into the cancel error.
      await sleep(500, undefined, signal ? { signal } : {}).catch((error: unknown) => {
        if (!signal?.aborted) throw error;
      });
    }
  }
}
