import { fromStored, writeFileDoc } from './historyFiles.ts';
import type { StoredFile } from './historyFiles.ts';
import type { SqliteFile } from './sqliteFile.ts';

/**
 * What the file tables' newest batches replaced, so that a rewrite of recent history (an amend, a
 * rebase, a reset that memory follows) takes those batches back and applies the new commits,
 * instead of building the tables again from the first commit: ~13 s at 100k commits and ~100 s at
 * 500k, in the editor's own process when it follows an amend. Kept for the newest UNDO_KEEP
 * commits; a rewrite reaching below them rebuilds, as before.
 */
export const FILE_UNDO_SCHEMA = `
CREATE TABLE IF NOT EXISTS file_undo(batch INTEGER NOT NULL, step INTEGER NOT NULL, op TEXT NOT NULL, args TEXT NOT NULL, PRIMARY KEY(batch, step)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_batch(first INTEGER PRIMARY KEY, last INTEGER NOT NULL, count INTEGER NOT NULL);
`;

/** How many of the newest commits can be taken back from the file tables without a rebuild. */
export const UNDO_KEEP = 1000;
/** Commits per journaled batch: a rewrite takes back whole batches, then applies again what it kept. */
export const UNDO_BATCH = 100;

type Op = 'file' | 'created' | 'touch' | 'renamed' | 'symbol';

/** Records, for one batch, how to put back each row the batch changes (in the batch's transaction). */
export class UndoJournal {
  private step = 0;

  constructor(
    private readonly db: SqliteFile,
    /** The batch's first seq: its name in file_undo and file_batch. */
    readonly batch: number,
  ) {}

  record(op: 'file', args: StoredFile): void;
  record(op: 'created', args: { id: number }): void;
  record(op: 'touch', args: { file: number; seq: number }): void;
  record(op: 'symbol', args: { key: string; path: string; container: string }): void;
  record(op: 'renamed', args: { old: string; new: string | null }): void;
  record(op: Op, args: object): void {
    this.db.run('INSERT INTO file_undo(batch, step, op, args) VALUES (?, ?, ?, ?)', [this.batch, this.step++, op, JSON.stringify(args)]);
  }

  /** Before `old`'s rename entry is set or removed: what it was. */
  renamed(old: string): void {
    const prior = this.db.get<{ new: string }>('SELECT new FROM renamed WHERE old = ?', [old]);
    this.record('renamed', { old, new: prior?.new ?? null });
  }

  /** Once the batch is applied: the commits it holds. */
  close(last: number, count: number): void {
    this.db.run('INSERT OR REPLACE INTO file_batch(first, last, count) VALUES (?, ?, ?)', [this.batch, last, count]);
  }
}

/**
 * Takes back every journaled batch that holds a commit at or above `from` (in the caller's
 * transaction), newest first. Answers the seq the tables then hold through and how many commits
 * left them; undefined when the journal does not reach down to `from` or up to `through` (the
 * caller rebuilds).
 */
export function rollBackFiles(db: SqliteFile, from: number, through: number): { through: number; removed: number } | undefined {
  const batches = db.all<{ first: number; last: number; count: number }>('SELECT first, last, count FROM file_batch WHERE last >= ? ORDER BY first DESC', [from]);
  const oldest = batches.at(-1);
  if (!oldest || oldest.first > from || batches[0]!.last !== through) return undefined;
  for (const batch of batches) {
    const steps = db.all<{ op: Op; args: string }>('SELECT op, args FROM file_undo WHERE batch = ? ORDER BY step DESC', [batch.first]);
    for (const { op, args } of steps) undo(db, op, JSON.parse(args) as Record<string, unknown>);
    db.run('DELETE FROM file_undo WHERE batch = ?', [batch.first]);
    db.run('DELETE FROM file_batch WHERE first = ?', [batch.first]);
  }
  // Batches follow one another: below the oldest taken back, the tables hold everything.
  return { through: oldest.first - 1, removed: batches.reduce((sum, batch) => sum + batch.count, 0) };
}

/** Drops the journal of batches that fell below the newest UNDO_KEEP commits. */
export function trimUndo(db: SqliteFile, newestSeq: number): void {
  const floor = newestSeq - UNDO_KEEP;
  db.run('DELETE FROM file_undo WHERE batch IN (SELECT first FROM file_batch WHERE last < ?)', [floor]);
  db.run('DELETE FROM file_batch WHERE last < ?', [floor]);
}

function undo(db: SqliteFile, op: Op, args: Record<string, unknown>): void {
  switch (op) {
    case 'file': {
      const stored = args as unknown as StoredFile;
      db.run('UPDATE file SET present = ?, changes = ?, symbols = ?, subjects = ?, words = ? WHERE id = ?', [stored.present, stored.changes, stored.symbols, stored.subjects, stored.words, stored.id]);
      writeFileDoc(db, fromStored(stored));
      return;
    }
    case 'created':
      db.run('DELETE FROM file WHERE id = ?', [args.id as number]);
      db.run('DELETE FROM file_name WHERE file = ?', [args.id as number]);
      db.run('DELETE FROM file_token WHERE file = ?', [args.id as number]);
      db.run('DELETE FROM file_fts WHERE rowid = ?', [args.id as number]);
      return;
    case 'touch':
      db.run('DELETE FROM touch WHERE file = ? AND seq = ?', [args.file as number, args.seq as number]);
      return;
    case 'renamed':
      if (args.new === null) db.run('DELETE FROM renamed WHERE old = ?', [args.old as string]);
      else db.run('INSERT OR REPLACE INTO renamed(old, new) VALUES (?, ?)', [args.old as string, args.new as string]);
      return;
    case 'symbol':
      db.run('DELETE FROM symbol WHERE key = ? AND path = ? AND container = ?', [args.key as string, args.path as string, args.container as string]);
      return;
  }
}
