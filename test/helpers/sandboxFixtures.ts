import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSandbox } from '../../src/core/sandbox/openSandbox.ts';
import type { Sandbox } from '../../src/core/sandbox/sandbox.ts';
import { GitRepo, tempDir } from './gitRepo.ts';

/** A repository whose first commit holds an executable `tool.sh` and `files`; removed by `cleanup`. */
export function repoWithScript(prefix: string, files: Record<string, string | Buffer>, cleanup: Array<() => void>): GitRepo {
  const repo = GitRepo.create(prefix);
  cleanup.push(() => repo.remove());
  repo.write('tool.sh', '#!/bin/sh\necho hi\n');
  chmodSync(join(repo.dir, 'tool.sh'), 0o755);
  repo.commit('start', files);
  return repo;
}

/** A sandbox of `repo` after the baseline checks' reset, as the team gets it. */
export async function resetSandbox(repo: GitRepo, cleanup: Array<() => void>): Promise<Sandbox> {
  const baseDir = tempDir('coevolve-sandbox-base-');
  cleanup.push(() => rmSync(baseDir, { recursive: true, force: true }));
  const sandbox = await openSandbox({ root: repo.dir, baseDir });
  await sandbox.resetToBase();
  return sandbox;
}

/** Everything of the user's repository a sandbox must leave alone, read without taking git's locks. */
export function userState(repo: GitRepo): string {
  const index = join(repo.dir, '.git', 'index');
  return JSON.stringify({
    status: repo.git('--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored'),
    refs: repo.git('for-each-ref'),
    head: repo.git('rev-parse', 'HEAD'),
    index: existsSync(index) ? createHash('sha256').update(readFileSync(index)).digest('hex') : null,
    staged: repo.git('--no-optional-locks', 'diff', '--cached', '--binary'),
  });
}

export function worktreePaths(repo: GitRepo): string[] {
  return repo
    .git('worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

/** The pid of a process that has already exited. */
export function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', '']);
  return run.pid;
}

/**
 * Opens a sandbox in a child process, then ends that process: SIGKILL leaves the sandbox behind
 * (a crashed editor), other signals and a plain exit give its cleanup a chance.
 */
export async function sandboxOfChild(root: string, baseDir: string, end: NodeJS.Signals | 'exit' = 'SIGKILL', options: { loadLockfile?: boolean } = {}): Promise<{ tree: string; dir: string; code: number | null; signal: string | null }> {
  const args = ['--import', 'tsx', join(import.meta.dirname, 'sandboxOwner.ts'), root, baseDir, ...(end === 'exit' ? ['exit'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(options.loadLockfile ? { COEVOLVE_TEST_LOAD_LOCKFILE: '1' } : {}) } });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    void exited.then(([code]) => (out.includes('\n') ? undefined : reject(new Error(`sandbox owner exited with ${code}: ${err}`))));
  });
  if (end !== 'exit') child.kill(end);
  const [code, signal] = await exited;
  return { ...(JSON.parse(line) as { tree: string; dir: string }), code, signal };
}
