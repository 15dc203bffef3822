import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CoevolveError } from '../errors.ts';
import { holdProcess } from './processHold.ts';
import { gitEnvironment } from '../git/gitRunner.ts';
import { sandboxGitArgv } from './sandboxGit.ts';

/**
 * Reads one answer from `out` at `at`: the value (or the error it amounts to) and where the next
 * answer starts; or, until enough has arrived, how many bytes from `at` it needs (undefined: more).
 */
type AnswerReader<T> = (out: Buffer, at: number) => [T | Error, number] | number | undefined;

interface Waiter {
  read: AnswerReader<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** An answer slower than this means the process is stuck: it is given up (callers fall back to plain git). */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * A long-lived git command that answers one request per line of stdin, in order (`cat-file
 * --batch`, `check-attr --stdin`): an answer costs a pipe round trip instead of a process start.
 * It ends with close(), or by itself when this process ends (its stdin closes).
 */
export class GitBatch {
  private readonly waiting: Waiter[] = [];
  /** What arrived and no answer took yet, kept in pieces until an answer can be read (a big blob comes in many). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the first waiter needs before it is worth reading again. */
  private needed = 0;
  private failure: Error | undefined;

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    child.stdout.on('data', (chunk: Buffer) => this.take(chunk));
    child.stdin.on('error', (error: Error) => this.fail(error));
    child.once('error', (error) => this.fail(error));
    child.once('close', (code) => this.fail(new CoevolveError('git-failed', `git ${child.spawnargs.at(-1) ?? ''} ended (code ${code}).`)));
    this.idle();
  }

  static start(root: string, args: readonly string[]): GitBatch {
    // GIT_FLUSH: an answer must leave git when it is ready, whatever the user's environment says.
    const child = spawn('git', sandboxGitArgv(args), { cwd: root, stdio: ['pipe', 'pipe', 'ignore'], env: gitEnvironment({ GIT_FLUSH: '1' }) });
    return new GitBatch(child);
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  ask<T>(request: string, read: AnswerReader<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.waiting.length) this.busy();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new CoevolveError('git-failed', `git ${this.child.spawnargs.at(-1) ?? ''} did not answer.`)), ANSWER_TIMEOUT_MS);
      timer.unref();
      const done = <V>(settle: (value: V) => void) => (value: V): void => {
        clearTimeout(timer);
        settle(value);
      };
      this.waiting.push({ read, resolve: done(resolve as (value: unknown) => void), reject: done(reject) });
      this.child.stdin.write(request);
    });
  }

  close(): void {
    this.fail(new CoevolveError('git-failed', 'closed'));
    this.child.stdin.end();
  }

  private stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private take(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return;
    let out = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    let at = 0;
    this.needed = 0;
    while (this.waiting.length) {
      let answer: ReturnType<AnswerReader<unknown>>;
      try {
        answer = this.waiting[0]!.read(out, at);
      } catch (error) {
        // An answer that cannot be read leaves the stream out of step: nothing after it can be trusted.
        this.fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (answer === undefined || typeof answer === 'number') {
        this.needed = typeof answer === 'number' ? answer : 0;
        break;
      }
      const waiter = this.waiting.shift()!;
      at = answer[1];
      if (answer[0] instanceof Error) waiter.reject(answer[0]);
      else waiter.resolve(answer[0]);
    }
    out = out.subarray(at);
    this.chunks = out.length ? [out] : [];
    this.buffered = out.length;
    if (!this.waiting.length) this.idle();
  }

  private fail(error: Error): void {
    const first = this.failure === undefined;
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
    this.idle();
    // Out of step or stuck: it must not answer anyone again.
    if (first) this.stop();
  }

  private busy(): void {
    holdProcess(this.child, true);
  }

  private idle(): void {
    holdProcess(this.child, false);
  }

}

/** `git cat-file --batch`: a blob's bytes exactly as stored (no filters, no line-ending conversion). */
export function blobBytes(batch: GitBatch, oid: string): Promise<Buffer> {
  return objectBytes(batch, oid, 'blob');
}

/** `git cat-file --batch`: an object's bytes, refused unless it is of `type`. */
export function objectBytes(batch: GitBatch, oid: string, type: 'blob' | 'tree'): Promise<Buffer> {
  if (!/^[0-9a-f]+$/.test(oid)) return Promise.reject(new CoevolveError('bad-input', `Not an object id: ${oid}`));
  return batch.ask<Buffer>(`${oid}\n`, (out, at) => {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) return undefined;
    const header = out.toString('utf8', at, eol).split(' ');
    // `<oid> missing` (or another type): an answer of its own, one line long (another type's bytes follow it).
    if (header[1] !== type) {
      const size = header[1] === 'missing' ? -1 : Number(header[2]);
      if (size >= 0 && out.length < eol + 1 + size + 1) return eol + 1 + size + 1 - at;
      return [new CoevolveError('git-failed', `git cat-file: ${header.join(' ')}`), size >= 0 ? eol + 1 + size + 1 : eol + 1];
    }
    const size = Number(header[2]);
    if (out.length < eol + 1 + size + 1) return eol + 1 + size + 1 - at;
    if (out[eol + 1 + size] !== 0x0a) throw new CoevolveError('git-failed', 'git cat-file printed a blob of another size than it announced.');
    return [Buffer.from(out.subarray(eol + 1, eol + 1 + size)) as Buffer, eol + 1 + size + 1];
  });
}

/** An answer of one line (`hash-object --stdin-paths`, `mktree --batch`): an object id. */
export function lineAnswer(out: Buffer, at: number): [string | Error, number] | undefined {
  const eol = out.indexOf(0x0a, at);
  if (eol < 0) return undefined;
  const line = out.toString('utf8', at, eol).trim();
  return [/^[0-9a-f]{40,64}$/.test(line) ? line : new CoevolveError('git-failed', `git answered "${line.slice(0, 200)}" where an object id was due.`), eol + 1];
}

/** The attributes that change what checkout writes for a file: any of them set, and git must write it. */
export const CHECKOUT_ATTRIBUTES = ['text', 'eol', 'crlf', 'filter', 'ident', 'working-tree-encoding'] as const;

/**
 * `git check-attr -z --stdin <CHECKOUT_ATTRIBUTES>`: whether checkout would write `path` as its
 * blob's bytes (every one of those attributes unspecified for it).
 */
export function writtenAsStored(batch: GitBatch, path: string): Promise<boolean> {
  const fields = CHECKOUT_ATTRIBUTES.length * 3;
  return batch.ask(`${path}\0`, (out, at) => {
    const values: string[] = [];
    let next = at;
    for (let i = 0; i < fields; i++) {
      const end = out.indexOf(0, next);
      if (end < 0) return undefined;
      values.push(out.toString('utf8', next, end));
      next = end + 1;
    }
    // path, attribute, value; three times over.
    return [values.every((value, i) => i % 3 !== 2 || value === 'unspecified'), next];
  });
}
