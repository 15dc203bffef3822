import { spawn } from 'node:child_process';
import { gitEnvironment } from '../git/gitRunner.ts';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CoevolveError } from '../errors.ts';
import { holdProcess } from './processHold.ts';

export interface LaunchOptions {
  /** Variables for the script (exported to what it runs). */
  env?: Readonly<Record<string, string>>;
  /** The script's stdin. */
  input?: string;
  /** Each `mark <text>` the script calls, as it calls it (before the script ends). */
  onMark?: (text: string) => void;
  signal?: AbortSignal;
}

export interface LaunchResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

interface Job {
  id: number;
  files: { input: string; out: string; err: string };
  options: LaunchOptions;
  resolve: (result: LaunchResult) => void;
  reject: (error: Error) => void;
}

/**
 * A long-lived POSIX `sh` beside a sandbox that starts its per-round git commands. Starting a
 * process from Node forks all of Node (milliseconds of blocked event loop, growing with the heap,
 * several under load); a shell forks itself for next to nothing. A job is a script run in a
 * subshell in the background, its stdin, stdout and stderr in files under `jobsDir`; lines on
 * fd 3 (`<job> mark <text>`, `<job> done <status>`) say how it goes. `"$@"` in a script is the
 * command prefix given at start (git with the sandbox's settings).
 *
 * Nothing the model or the project wrote is ever part of a script: scripts are this module's
 * callers' constants, variables are single-quoted, file contents travel in files.
 */
export class ShellLauncher {
  private readonly jobs = new Map<number, Job>();
  private lines = '';
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly jobsDir: string,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.take(chunk));
    child.stdin.on('error', (error: Error) => this.fail(error));
    child.once('error', (error) => this.fail(error));
    child.once('close', (code) => this.fail(new Error(`the shell ended (code ${code})`)));
    this.idle();
  }

  /** Undefined where there is no POSIX shell (Windows): callers start git themselves. */
  static start(cwd: string, jobsDir: string, prefix: readonly string[]): ShellLauncher | undefined {
    if (process.platform === 'win32') return undefined;
    mkdirSync(jobsDir, { recursive: true });
    // Its own process group: close() ends the shell and every job still running with one signal.
    const child = spawn('sh', [], { cwd, stdio: ['pipe', 'pipe', 'ignore'], detached: true, env: gitEnvironment() });
    const launcher = new ShellLauncher(child, jobsDir);
    child.stdin.write(`set -- ${prefix.map(shellQuote).join(' ')}\nexec 3>&1\nmark() { printf '%s mark %s\\n' "$COEVOLVE_JOB" "$1" >&3; }\n`);
    return launcher;
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  run(script: string, options: LaunchOptions = {}): Promise<LaunchResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (options.signal?.aborted) return Promise.reject(new CoevolveError('cancelled', 'Cancelled.'));
    const id = ++this.nextId;
    const files = { input: join(this.jobsDir, `${id}.in`), out: join(this.jobsDir, `${id}.out`), err: join(this.jobsDir, `${id}.err`) };
    if (options.input !== undefined) writeFileSync(files.input, options.input);
    const env = Object.entries(options.env ?? {}).map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new CoevolveError('bad-input', `Not a variable name: ${name}`);
      return `export ${name}=${shellQuote(value)}; `;
    });
    const stdin = options.input === undefined ? '/dev/null' : files.input;
    // Started from a subshell that exits at once, so the job is nobody's child here: the shell
    // would otherwise keep every finished job as a zombie until it was asked to wait.
    const line = `( { ( COEVOLVE_JOB=${id}; ${env.join('')}${script} ) <${shellQuote(stdin)} >${shellQuote(files.out)} 2>${shellQuote(files.err)}; printf '%s done %s\\n' ${id} "$?" >&3; } & )\n`;
    return new Promise<LaunchResult>((resolve, reject) => {
      if (!this.jobs.size) this.busy();
      this.jobs.set(id, { id, files, options, resolve, reject });
      const signal = options.signal;
      const onAbort = (): void => {
        // The job finishes by itself (git commands are short); its answer is no longer wanted.
        const job = this.jobs.get(id);
        if (job) job.reject(new CoevolveError('cancelled', 'Cancelled.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      const job = this.jobs.get(id)!;
      job.resolve = (result) => {
        settle();
        resolve(result);
      };
      job.reject = (error) => {
        settle();
        reject(error);
      };
      this.child.stdin.write(line);
    });
  }

  /** Ends the shell and whatever it still runs. */
  close(): void {
    this.fail(new Error('closed'));
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    this.child.stdin.end();
  }

  private take(chunk: string): void {
    this.lines += chunk;
    for (let end = this.lines.indexOf('\n'); end >= 0; end = this.lines.indexOf('\n')) {
      const line = this.lines.slice(0, end);
      this.lines = this.lines.slice(end + 1);
      const [idText, kind, ...rest] = line.split(' ');
      const job = this.jobs.get(Number(idText));
      if (!job) continue;
      if (kind === 'mark') job.options.onMark?.(rest.join(' '));
      else if (kind === 'done') this.finish(job, Number(rest[0]));
    }
  }

  private finish(job: Job, code: number): void {
    this.jobs.delete(job.id);
    if (!this.jobs.size) this.idle();
    const { input, out, err } = job.files;
    void Promise.all([readFile(out), readFile(err, 'utf8')]).then(
      ([stdout, stderr]) => {
        removeQuietly(input, out, err);
        job.resolve({ stdout, stderr, code });
      },
      (error: Error) => {
        removeQuietly(input, out, err);
        job.reject(error);
      },
    );
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.jobs.values()) job.reject(this.failure);
    this.jobs.clear();
    this.idle();
  }

  private busy(): void {
    holdProcess(this.child, true);
  }

  private idle(): void {
    holdProcess(this.child, false);
  }

}

/** Synchronous: three small unlinks cost less than a trip through the thread pool. */
function removeQuietly(...paths: string[]): void {
  for (const path of paths) rmSync(path, { force: true });
}

/** A word the shell takes literally, whatever it holds (a single quote becomes '\''). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
