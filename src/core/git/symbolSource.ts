import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CoevolveError } from '../errors.ts';
import { SymbolParser } from '../code/symbolParser.ts';
import type { SymbolChange } from '../memory/experience.ts';
import { BlobReader } from './blobReader.ts';
import type { RawChange, RawCommit } from './rawCommit.ts';
import { DEFAULT_SYMBOL_LIMITS, SymbolMapper } from './symbolMapper.ts';
import type { SymbolMapperLimits, SymbolStats } from './symbolMapper.ts';
import { reportIgnored } from '../ignoredErrors.ts';
import { settled } from '../util/settled.ts';

export interface SymbolJob {
  id: number;
  changes: RawChange[];
}

export type SymbolWorkerReply =
  | { id: number; symbols: SymbolChange[] }
  | { id: number; error: string; code?: string }
  | { closed: true; stats: SymbolStats };

/** Maps commits to symbols, in the order they are given. */
export interface SymbolSource {
  map(commit: RawCommit): Promise<SymbolChange[]>;
  /** Finishes outstanding work and frees everything; returns how parsing went. */
  close(): Promise<SymbolStats | undefined>;
}

/** Prefers a worker thread; falls back to mapping on this thread if no worker can start. */
export async function createSymbolSource(repoRoot: string, limits: Partial<SymbolMapperLimits> = {}, options: { worker?: boolean } = {}): Promise<SymbolSource> {
  const entry = options.worker === false ? undefined : workerEntry();
  if (entry) {
    try {
      return await WorkerSymbolSource.start(repoRoot, entry, limits);
    } catch (error) {
      // Some hosts forbid workers; mapping on this thread is slower but the same.
      reportIgnored('could not start the symbol worker; symbols are mapped on this thread', error);
    }
  }
  return InThreadSymbolSource.create(repoRoot, limits);
}

function workerEntry(): URL | string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'symbolWorker.cjs');
  if (existsSync(bundled)) return bundled;
  const source = new URL('./symbolWorker.ts', import.meta.url);
  return existsSync(fileURLToPath(source)) ? source : undefined;
}

class WorkerSymbolSource implements SymbolSource {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (s: SymbolChange[]) => void; reject: (e: Error) => void }>();
  private closing: ((stats: SymbolStats) => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: SymbolWorkerReply) => {
      if ('closed' in reply) {
        this.closing?.(reply.stats);
        return;
      }
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      // git stopped under the worker: the commit cannot be mapped faithfully, so mining stops (or cancels).
      if ('error' in reply && (reply.code === 'cancelled' || reply.code === 'git-failed')) waiter?.reject(new CoevolveError(reply.code, reply.error));
      else if ('error' in reply) waiter?.resolve([]); // a file the grammar cannot map degrades to file level
      else waiter?.resolve(reply.symbols);
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`symbol worker exited with code ${code}`));
    });
  }

  static async start(repoRoot: string, entry: URL | string, limits: Partial<SymbolMapperLimits>): Promise<WorkerSymbolSource> {
    const worker =
      typeof entry === 'string'
        ? new Worker(entry, { workerData: { repoRoot, limits } })
        : // Running from TypeScript sources (tests): the worker needs the TypeScript loader too.
          new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, {
            eval: true,
            workerData: { repoRoot, limits },
          });
    const source = new WorkerSymbolSource(worker);
    await new Promise<void>((resolve, reject) => {
      worker.once('online', resolve);
      worker.once('error', reject);
    });
    return source;
  }

  map(commit: RawCommit): Promise<SymbolChange[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Only what mapping needs crosses the thread boundary.
    const changes = commit.changes.map((c) => ({ ...c, sample: [], wordText: undefined }));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, changes } satisfies SymbolJob);
    });
  }

  async close(): Promise<SymbolStats | undefined> {
    if (this.failure) {
      await this.worker.terminate();
      return undefined;
    }
    const stats = await new Promise<SymbolStats | undefined>((resolve) => {
      this.closing = resolve;
      this.worker.once('exit', () => resolve(undefined));
      this.worker.postMessage({ close: true });
    });
    await this.worker.terminate();
    return stats;
  }
}

class InThreadSymbolSource implements SymbolSource {
  /** The mapper's cache assumes commits arrive one at a time, newest first. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly mapper: SymbolMapper,
    private readonly blobs: BlobReader,
  ) {}

  static async create(repoRoot: string, limits: Partial<SymbolMapperLimits>): Promise<InThreadSymbolSource> {
    const blobs = new BlobReader(repoRoot);
    try {
      return new InThreadSymbolSource(new SymbolMapper(await SymbolParser.create(), blobs, { ...DEFAULT_SYMBOL_LIMITS, ...limits }), blobs);
    } catch (error) {
      // A parser that would not start must not leave `git cat-file` running: it would keep the process alive.
      blobs.close();
      throw error;
    }
  }

  map(commit: RawCommit): Promise<SymbolChange[]> {
    const result = this.queue.then(() => this.mapper.map(commit));
    this.queue = settled(result);
    return result;
  }

  async close(): Promise<SymbolStats> {
    await this.queue;
    const stats = { ...this.mapper.stats };
    this.mapper.dispose();
    this.blobs.close();
    return stats;
  }
}
