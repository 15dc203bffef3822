/** Streams a `git fast-import` session: one process, buffered writes with backpressure, and mark look-ups. */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';

export interface Ident {
  name: string;
  email: string;
  tz: string;
}

export interface FileChange {
  path: string;
  /** Undefined deletes the path. */
  content?: Buffer | string;
}

export interface CommitSpec {
  ref: string;
  mark: number;
  author: Ident;
  committer: Ident;
  time: number;
  message: string;
  from?: number;
  merge?: number;
  changes: FileChange[];
}

const FLUSH_AT = 4 * 1024 * 1024;

export class FastImport {
  private readonly proc: ChildProcessWithoutNullStreams;
  private chunks: Buffer[] = [];
  private size = 0;
  private stdout = '';
  private stderr = '';
  private waiting: ((line: string) => void) | null = null;
  private readonly exited: Promise<number | null>;

  constructor(dir: string) {
    this.proc = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = once(this.proc, 'close').then(([code]) => code as number | null);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (text: string) => {
      this.stdout += text;
      const nl = this.stdout.indexOf('\n');
      if (nl >= 0 && this.waiting) {
        const line = this.stdout.slice(0, nl);
        this.stdout = this.stdout.slice(nl + 1);
        const resolve = this.waiting;
        this.waiting = null;
        resolve(line);
      }
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (text: string) => {
      this.stderr += text;
    });
    // A dead fast-import surfaces through end(); without a listener EPIPE would crash the process.
    this.proc.stdin.on('error', () => undefined);
  }

  private write(data: string | Buffer): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.chunks.push(buf);
    this.size += buf.length;
  }

  private data(content: string | Buffer): void {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    this.write(`data ${buf.length}\n`);
    this.write(buf);
    this.write('\n');
  }

  private async flush(): Promise<void> {
    if (this.size === 0) return;
    const buf = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    if (!this.proc.stdin.write(buf)) await Promise.race([once(this.proc.stdin, 'drain'), this.exited.then(() => this.fail('exited early'))]);
  }

  private fail(why: string): never {
    throw new Error(`git fast-import ${why}: ${this.stderr.trim()}`);
  }

  async commit(spec: CommitSpec): Promise<void> {
    const who = (id: Ident): string => `${id.name} <${id.email}> ${spec.time} ${id.tz}`;
    this.write(`commit ${spec.ref}\nmark :${spec.mark}\nauthor ${who(spec.author)}\ncommitter ${who(spec.committer)}\n`);
    this.data(spec.message);
    if (spec.from !== undefined) this.write(`from :${spec.from}\n`);
    if (spec.merge !== undefined) this.write(`merge :${spec.merge}\n`);
    // Deletions first, so a path deleted and re-added in one commit ends up present.
    for (const change of spec.changes) if (change.content === undefined) this.write(`D ${quotePath(change.path)}\n`);
    for (const change of spec.changes) {
      if (change.content === undefined) continue;
      this.write(`M 100644 inline ${quotePath(change.path)}\n`);
      this.data(change.content);
    }
    this.write('\n');
    if (this.size >= FLUSH_AT) await this.flush();
  }

  tag(name: string, mark: number, tagger: Ident, time: number, message: string): void {
    this.write(`tag ${name}\nfrom :${mark}\ntagger ${tagger.name} <${tagger.email}> ${time} ${tagger.tz}\n`);
    this.data(message);
  }

  /** The object name of a commit already written; fast-import answers on its stdout. */
  async sha(mark: number): Promise<string> {
    const answer = new Promise<string>((resolve) => {
      this.waiting = resolve;
    });
    this.write(`get-mark :${mark}\n`);
    await this.flush();
    const line = await Promise.race([answer, this.exited.then(() => this.fail('exited before answering get-mark'))]);
    if (!/^[0-9a-f]{40,64}$/.test(line)) this.fail(`answered get-mark with "${line}"`);
    return line;
  }

  async end(): Promise<void> {
    this.write('done\n');
    await this.flush();
    this.proc.stdin.end();
    const code = await this.exited;
    if (code !== 0) this.fail(`exited with ${code}`);
  }
}

function quotePath(path: string): string {
  return /^[\w./@+-]+$/.test(path) ? path : JSON.stringify(path);
}
