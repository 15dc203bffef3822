import type { ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { CoevolveError } from '../errors.ts';
import { startGit } from './gitRunner.ts';
import { INTERRUPTS } from './logStream.ts';

/** An object found by name: its id and type, and its bytes unless it is larger than the reader's cap. */
export interface NamedObject {
  id: string;
  type: string;
  content: Buffer | undefined;
}

interface Pending {
  resolve: (value: NamedObject | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * Reads blobs through one long-lived `git cat-file --batch`: a request is a line, a reply is a
 * header plus the content. Far cheaper than a process per blob when mining thousands of commits.
 */
export class BlobReader {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;
  /** Bytes still to discard of a blob over the cap (never buffered whole). */
  private skipping = 0;
  private closed = false;

  /**
   * `holdsProcess: false` (a reader kept between uses): the running `git` keeps this process alive
   * only while a request is waiting, so an idle reader never holds up its exit.
   */
  constructor(
    cwd: string,
    private readonly maxBytes = 4 * 1024 * 1024,
    private readonly options: { holdsProcess?: boolean } = {},
  ) {
    this.child = startGit(cwd, ['cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'ignore'] }) as ChildProcessByStdio<Writable, Readable, null>;
    this.hold(false);
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    const fail = (failure: CoevolveError) => {
      this.failure = failure;
      for (const pending of this.queue.splice(0)) pending.reject(failure);
    };
    this.child.on('error', (error) => fail(new CoevolveError('git-failed', `git cat-file stopped: ${error.message}`, { cause: error })));
    this.child.on('close', (code, signal) =>
      fail(
        // Ctrl-C reaches the whole process group: a file read cut short is a cancel, never "no symbols".
        signal && INTERRUPTS.has(signal) && !this.closed
          ? new CoevolveError('cancelled', `Mining was interrupted (git cat-file got ${signal}).`)
          : new CoevolveError('git-failed', `git cat-file stopped (${signal ? `killed by ${signal}` : `exit ${code}`}).`),
      ),
    );
    this.child.stdin.on('error', () => undefined);
  }

  /** Whether a failure (git gone, killed) has made this reader unusable. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The blob's bytes, or undefined if it does not exist or is larger than the cap. */
  async read(sha: string): Promise<Buffer | undefined> {
    return (await this.lookup(sha))?.content;
  }

  /**
   * An object by any name git resolves (`HEAD:src/a.ts` as well as an id), or undefined when there
   * is none: one request on the running process, where `ls-tree` then `cat-file` would be two more.
   */
  lookup(name: string): Promise<NamedObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (name.includes('\n')) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.hold(true);
      this.child.stdin.write(`${name}\n`);
    });
  }

  private drain(): void {
    for (;;) {
      if (this.skipping > 0) {
        const dropped = Math.min(this.skipping, this.buffer.length);
        this.buffer = this.buffer.subarray(dropped);
        this.skipping -= dropped;
        if (this.skipping > 0) return;
      }
      const pending = this.queue[0];
      if (!pending) return this.hold(false);
      const eol = this.buffer.indexOf(0x0a);
      if (eol === -1) return;
      const header = this.buffer.toString('latin1', 0, eol);
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.queue.shift();
        pending.resolve(undefined);
        continue;
      }
      // `<id> <type> <size>`: the name asked may hold spaces, the header never does.
      const [id = '', type = ''] = header.split(' ');
      const size = Number(header.slice(header.lastIndexOf(' ') + 1));
      if (size > this.maxBytes) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.skipping = size + 1;
        this.queue.shift();
        pending.resolve({ id, type, content: undefined });
        continue;
      }
      if (this.buffer.length < eol + 1 + size + 1) return;
      const content = this.buffer.subarray(eol + 1, eol + 1 + size);
      this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      this.queue.shift();
      pending.resolve({ id, type, content: Buffer.from(content) });
    }
  }

  /** Refs or unrefs the process and its pipes (only for a reader that does not hold the process). */
  private hold(busy: boolean): void {
    if (this.options.holdsProcess !== false) return;
    // Pipes to a child are sockets (typed as plain streams).
    for (const handle of [this.child, this.child.stdin as unknown as Socket, this.child.stdout as unknown as Socket]) {
      if (busy) handle.ref();
      else handle.unref();
    }
  }

  close(): void {
    this.closed = true;
    this.child.stdin.end();
    this.child.kill();
  }
}
