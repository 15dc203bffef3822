// Runs the built CLI as a child process. Async on purpose: a scripted server living in the test's
// own process must keep answering while the CLI talks to it.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../dist/cli.cjs');

/** Runs the built CLI and waits for it (a test's own process has nothing to serve meanwhile). */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs?: number): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export function runCliAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `coevolve sidecar …` (with `node`, the running one by default), waits until it has started, then
 * stops it with one SIGTERM; resolves with all it printed.
 */
export function serveSidecarOnce(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, node = process.execPath): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(node, [CLI, ...args], { cwd, env: { ...process.env, ...env } });
    let output = '';
    let stopping = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const take = (d: Buffer): void => {
      output += d.toString();
      // Its last line of start-up: it stops on a signal from then on (a second one would force it).
      if (!stopping && /Ctrl-C stops/.test(output)) {
        stopping = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}
