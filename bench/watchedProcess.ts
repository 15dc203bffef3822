// A child process run under a time limit and a memory cap, its peak RSS read from /proc while it
// runs: at scale a step may take too long or too much memory on a shared machine, and the bench
// reports that as the figure ("did not finish: …") instead of crashing or starving its neighbours.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface WatchLimits {
  /** Wall-clock limit; past it the child is killed. */
  limitMs: number;
  /** Peak RSS above which the child is killed (a shared machine has no swap). */
  rssCapMb: number;
}

export interface WatchOptions extends WatchLimits {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Keep stdout (default: drain it, counting bytes only). */
  keepStdout?: boolean;
}

export type Watched =
  | { ok: true; ms: number; peakRssMb: number; stdout: string; stdoutBytes: number }
  | { ok: false; ms: number; peakRssMb: number; why: string };

const POLL_MS = 50;

/** Reads VmHWM (peak RSS so far) of a live process, in MB; 0 once it is gone. */
export function peakRssOf(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    // The process has exited between two polls: what the last poll saw stands.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') return 0;
    throw error;
  }
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status) ?? /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

/** Polls a pid's peak RSS until stopped, calling `over` once when it passes `capMb`. */
export class RssWatch {
  peakMb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number, capMb: number, over: (mb: number) => void) {
    let told = false;
    this.timer = setInterval(() => {
      this.peakMb = Math.max(this.peakMb, peakRssOf(pid));
      if (!told && this.peakMb > capMb) {
        told = true;
        over(this.peakMb);
      }
    }, POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export function describeLimit(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(ms % 60_000 ? 1 : 0)} min` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** Runs `command` to its end, its time limit, or its memory cap, whichever comes first. */
export function watch(command: string, args: string[], options: WatchOptions): Promise<Watched> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stopped = '';
    const kill = (why: string) => {
      stopped ||= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`did not finish: still running after ${describeLimit(options.limitMs)}`), options.limitMs);
    const rss = child.pid === undefined ? undefined : new RssWatch(child.pid, options.rssCapMb, (mb) => kill(`did not finish: resident memory passed ${options.rssCapMb} MB (${mb.toFixed(0)} MB)`));
    const out: Buffer[] = [];
    let stdoutBytes = 0;
    // The head keeps an error's message, the tail the end of its stack (or the last progress line).
    let stderrHead = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (options.keepStdout) out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrHead.length < 4000) stderrHead = (stderrHead + chunk.toString()).slice(0, 4000);
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const finish = (result: Watched) => {
      clearTimeout(timer);
      rss?.stop();
      resolve(result);
    };
    child.once('error', (error) => finish({ ok: false, ms: performance.now() - started, peakRssMb: rss?.peakMb ?? 0, why: `did not start: ${error.message}` }));
    child.once('close', (code, signal) => {
      const ms = performance.now() - started;
      const peakRssMb = rss?.peakMb ?? 0;
      if (stopped) return finish({ ok: false, ms, peakRssMb, why: stopped });
      if (code !== 0) {
        const tail = summarize(stderrHead, stderr);
        return finish({ ok: false, ms, peakRssMb, why: `did not finish: exited ${code ?? signal}${signal === 'SIGKILL' ? ' (killed: out of memory?)' : ''}${tail ? `: ${tail}` : ''}` });
      }
      finish({ ok: true, ms, peakRssMb, stdout: Buffer.concat(out).toString('utf8'), stdoutBytes });
    });
  });
}

/** An error's message (the first line that names one) and the last line of stderr. */
function summarize(head: string, tail: string): string {
  const lines = head.split('\n').map((l) => l.trim()).filter(Boolean);
  const message = lines.find((l) => /^(\w*Error\b|error:|fatal:|coevolve:)/i.test(l)) ?? lines.find((l) => /error|cannot|failed|denied/i.test(l)) ?? lines[0] ?? '';
  const last = tail.trim().split('\n').pop()?.trim() ?? '';
  return message === last || !last ? message : `${message} … ${last}`;
}
