import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { CoevolveError } from '../errors.ts';
import { LOG_FORMAT_ARGS, LogParser } from './logParser.ts';
import type { LogParserLimits } from './logParser.ts';
import type { RawChange, RawCommit } from './rawCommit.ts';
import { startGit } from './gitRunner.ts';
import { settled } from '../util/settled.ts';

export interface LogStreamOptions {
  /** Revisions to walk, e.g. ['HEAD', '^abc123']. */
  revisions: string[];
  /** Walk only first parents (default true); false with `noMerges` lists a merged branch's own commits. */
  firstParent?: boolean;
  noMerges?: boolean;
  maxCount?: number;
  since?: string;
  wantHunks: (change: RawChange) => boolean;
  limits?: LogParserLimits;
  signal?: AbortSignal;
}

/** Signals that mean the user (or the system) is stopping us, not that git failed. */
export const INTERRUPTS: ReadonlySet<string> = new Set(['SIGINT', 'SIGTERM', 'SIGHUP']);

/**
 * Streams first-parent history (or, with `firstParent: false`, all of it) with patches, newest
 * first. simple-git buffers a command's whole output, which for `log -p` is unbounded, so this one
 * command is spawned directly and parsed as it arrives; the async iteration gives back-pressure to
 * git.
 */
export async function* streamFirstParentLog(cwd: string, options: LogStreamOptions): AsyncGenerator<RawCommit> {
  const args: string[] = [];
  args.push('log', ...(options.firstParent === false ? [] : ['--first-parent']), ...(options.noMerges ? ['--no-merges'] : []), ...LOG_FORMAT_ARGS);
  if (options.maxCount !== undefined) args.push(`--max-count=${options.maxCount}`);
  if (options.since) args.push(`--since=${options.since}`);
  args.push('--end-of-options', ...options.revisions, '--');

  const child = startGit(cwd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { LC_ALL: 'C' } }) as ChildProcessByStdio<null, Readable, Readable>;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4000) stderr += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new CoevolveError('git-failed', `Could not run git: ${error.message}`, { cause: error }))),
  );
  // Raced against the exit below; this only marks it handled until then.
  void settled(spawnFailed);
  const onAbort = () => child.kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const parser = new LogParser(options.wantHunks, options.limits);
  try {
    for await (const chunk of child.stdout) {
      for (const commit of parser.push(chunk as Buffer)) yield commit;
      if (options.signal?.aborted) break;
    }
    if (options.signal?.aborted) throw new CoevolveError('cancelled', 'Mining was cancelled.');
    const { code, signal } = await Promise.race([exited, spawnFailed]);
    // Ctrl-C reaches the whole process group: git may die of it before this process hears it.
    if (signal && INTERRUPTS.has(signal)) throw new CoevolveError('cancelled', `Mining was interrupted (git log got ${signal}).`);
    if (code !== 0) throw new CoevolveError('git-failed', `git log failed (${signal ? `killed by ${signal}` : `exit ${code}`}): ${stderr.trim()}`);
    for (const commit of parser.end()) yield commit;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill();
  }
}
