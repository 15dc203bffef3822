import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database as SqliteDatabase, Statement } from 'node-sqlite3-wasm';
import { CoevolveError } from '../../errors.ts';
import { reportIgnored } from '../../ignoredErrors.ts';
import { isProcessAlive } from '../../util/processAlive.ts';
import { readdirIfPresentSync, statIfPresentSync } from '../../util/fsProbe.ts';

export type Row = Record<string, number | bigint | string | Uint8Array | null>;
export type Params = Array<number | string | Uint8Array | null> | Record<string, number | string | Uint8Array | null>;

/**
 * The build of SQLite this engine runs on: SQLite 3.5x compiled to WebAssembly with a VFS over
 * Node's `fs` (node-sqlite3-wasm), so the same file works in the CLI and in every VS Code extension
 * host without a native module. It is loaded on first use: compiling the module costs ~50 ms.
 */
interface SqliteModule {
  Database: typeof SqliteDatabase;
}
let loaded: SqliteModule | undefined;
export async function loadSqlite(): Promise<void> {
  if (loaded) return;
  // A CommonJS module: under Node's ESM loader its exports are the default export.
  const module = (await import('node-sqlite3-wasm')) as SqliteModule & { default?: SqliteModule };
  loaded = typeof module.Database === 'function' ? module : module.default!;
}
function sqlite(): SqliteModule {
  if (!loaded) throw new Error('loadSqlite() first');
  return loaded;
}

/** How long a statement waits for another process's transaction before giving up. */
const BUSY_WAIT_MS = 30_000;
/**
 * This VFS locks with a `<file>.lock` folder, taken for reads and writes alike and never refreshed;
 * a process killed inside a transaction leaves it behind. Each process that opens the file says so
 * in `<file>.users/<pid>`: a lock while none of them is alive is such a leftover. Every transaction
 * here is short (one shard, one chunk of a rebuild), so one older than this is a leftover too (a
 * process on another machine, a pid reused).
 */
const STALE_LOCK_MS = 120_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * One SQLite database file: prepared statements cached by text, waits on another process's lock
 * instead of failing, clears a lock left by a killed process, and names the file in its errors.
 */
export class SqliteFile {
  private readonly statements = new Map<string, Statement>();

  private constructor(
    readonly path: string,
    private readonly db: SqliteDatabase,
  ) {}

  static open(path: string): SqliteFile {
    registerUser(path);
    clearStaleLock(path);
    let db: SqliteDatabase;
    try {
      db = new (sqlite().Database)(path);
    } catch (error) {
      throw new CoevolveError('store-corrupt', `The memory index ${path} cannot be opened: ${messageOf(error)}`, { cause: error });
    }
    const file = new SqliteFile(path, db);
    // A rollback journal: WAL needs shared memory, which this VFS does not have.
    // secure_delete: a forgotten commit's row is overwritten on disk, not left in a free page.
    file.exec('PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16000; PRAGMA foreign_keys=OFF; PRAGMA secure_delete=ON');
    return file;
  }

  close(): void {
    for (const statement of this.statements.values()) statement.finalize();
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  exec(sql: string): void {
    this.retry(() => this.db.exec(sql));
  }

  all<T = Row>(sql: string, params?: Params): T[] {
    return this.retry(() => this.statement(sql).all(params)) as T[];
  }

  get<T = Row>(sql: string, params?: Params): T | undefined {
    // Read to the end, not stepped once: a statement left mid-way keeps the file locked.
    return this.all<T>(sql, params)[0];
  }

  run(sql: string, params?: Params): number {
    return this.retry(() => this.statement(sql).run(params).changes);
  }

  /** Runs an INSERT and answers the new row's rowid. */
  insert(sql: string, params?: Params): number {
    return Number(this.retry(() => this.statement(sql).run(params).lastInsertRowid));
  }

  /** Rows one at a time (a whole-history pass never holds all of them). */
  *iterate<T = Row>(sql: string, params?: Params): Generator<T> {
    // Its own statement: another query may run while this one is being read.
    const statement = this.retry(() => this.db.prepare(sql));
    try {
      for (const row of statement.iterate(params)) yield row as T;
    } finally {
      statement.finalize();
    }
  }

  /** Runs `fn` in one write transaction: all of it is on disk, or none of it (kill -9 included). */
  transaction<T>(fn: () => T): T {
    this.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Runs `fn` in one read transaction, so that many statements see one state and lock once. */
  read<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.exec('BEGIN');
    try {
      // The lock is taken by the first read: wait for it here, where retrying is still safe.
      this.retry(() => this.statement('SELECT count(*) FROM sqlite_master').all(), true);
      return fn();
    } finally {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    }
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.retry(() => this.db.prepare(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Another process holding the file: wait (synchronously: callers are synchronous) and try again. */
  private retry<T>(fn: () => T, beforeAnyRead = false): T {
    const deadline = Date.now() + BUSY_WAIT_MS;
    // Short, jittered pauses: a writer between two transactions releases the lock only briefly.
    for (let pause = 2; ; pause = Math.min(pause * 2, 20)) {
      try {
        return fn();
      } catch (error) {
        const message = messageOf(error);
        // After a busy step, a cached statement's next reset reports that step's error once: retry it too.
        if (/database is locked|database is busy|could not reset statement/i.test(message) && (beforeAnyRead || !this.db.inTransaction) && Date.now() < deadline) {
          clearStaleLock(this.path);
          Atomics.wait(sleeper, 0, 0, pause + Math.random() * pause);
          continue;
        }
        if (/locked|busy/i.test(message)) throw new CoevolveError('store-locked', `The memory index ${this.path} stayed locked by another process for ${BUSY_WAIT_MS / 1000} s.`, { hint: 'Wait for the other coevolve process (a mine, the editor) to finish, then try again.', cause: error });
        if (/malformed|not a database|corrupt/i.test(message)) throw new CoevolveError('store-corrupt', `The memory index ${this.path} is damaged: ${message}`, { hint: 'It is derived from the store: remove it and it is rebuilt.', cause: error });
        throw error;
      }
    }
  }
}

const usersOf = (path: string): string => `${path}.users`;

/**
 * Records this process as a user of the file (once per process and file), and drops the records of
 * processes that ended: every `coevolve recall` opens the index, so records left behind would pile
 * up by the thousand, and a dead pid reused by another program would keep a killed process's lock.
 * A process takes its own record away when it exits; one killed leaves it to the next to open.
 */
const registered = new Set<string>();
function registerUser(path: string): void {
  if (registered.has(path)) return;
  mkdirSync(usersOf(path), { recursive: true });
  liveUsers(path);
  writeFileSync(join(usersOf(path), String(process.pid)), '');
  if (registered.size === 0) process.once('exit', unregisterUsers);
  registered.add(path);
}

function unregisterUsers(): void {
  for (const path of registered) rmSync(join(usersOf(path), String(process.pid)), { force: true });
}

function clearStaleLock(path: string): void {
  const lock = `${path}.lock`;
  const info = statIfPresentSync(lock);
  if (!info) return;
  const age = Date.now() - info.mtimeMs;
  const others = liveUsers(path).filter((pid) => pid !== process.pid);
  // This process holds no lock between statements (all its transactions are synchronous), so only another may.
  if (others.length > 0 && age < STALE_LOCK_MS) return;
  reportIgnored(`removed the lock ${lock}, left ${Math.round(age / 1000)} s ago by a process that is gone`, new Error('stale lock'));
  rmSync(lock, { recursive: true, force: true });
}

/** The pids recorded as users that are still running; the records of those that are not are removed. */
function liveUsers(path: string): number[] {
  const live: number[] = [];
  for (const name of readdirIfPresentSync(usersOf(path))) {
    const pid = Number(name);
    if (Number.isInteger(pid) && isProcessAlive(pid)) live.push(pid);
    else rmSync(join(usersOf(path), name), { force: true });
  }
  return live;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
