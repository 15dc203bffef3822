import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', 'dist', 'cli.cjs');

/** Runs a command, draining its output, and returns its wall time. */
export function timeCommand(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', () => undefined);
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

export interface ChildRun {
  ms: number;
  maxRssMb: number;
  stdout: string;
}

/** Runs the built CLI in a child Node process and reports its wall time and peak RSS. */
export function runCli(args: string[], cwd: string): Promise<ChildRun> {
  const usageFile = join(tmpdir(), `bench-usage-${process.pid}-${Date.now()}.json`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', join(import.meta.dirname, 'reportUsage.cjs'), CLI, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_USAGE_FILE: usageFile },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const elapsed = performance.now() - started;
      if (code !== 0) return reject(new Error(`coevolve ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number };
      rmSync(usageFile, { force: true });
      resolve({ ms: elapsed, maxRssMb: usage.maxRSS / 1024, stdout });
    });
  });
}
