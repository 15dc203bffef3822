import { BlobReader } from './blobReader.ts';

/** A kept reader unused this long is closed (a `git` process per repository otherwise lingers). */
const IDLE_MS = 60_000;

interface Kept {
  reader: BlobReader;
  idle: NodeJS.Timeout;
}

const kept = new Map<string, Kept>();

/** The size cap long-lived callers share a reader under (the symbol check reads files up to it). */
export const KEPT_READER_MAX_BYTES = 512 * 1024;

/**
 * One `git cat-file --batch` per repository and size cap, kept between the recalls of a long-lived
 * process (the MCP server, the editor): starting git costs a few milliseconds per recall, more than
 * the lookups it serves. Closed after a minute unused, and replaced when it failed. Never holds up
 * the process's exit while idle. Objects are immutable and each `<revision>:<path>` is resolved when
 * asked, so a kept reader answers as a new one would.
 */
export function keptBlobReader(root: string, maxBytes: number): BlobReader {
  const key = `${maxBytes}\0${root}`;
  let entry = kept.get(key);
  if (entry?.reader.failed) {
    closeKept(key);
    entry = undefined;
  }
  if (!entry) {
    entry = { reader: new BlobReader(root, maxBytes, { holdsProcess: false }), idle: setTimeout(() => closeKept(key), IDLE_MS) };
    kept.set(key, entry);
  }
  entry.idle.refresh();
  entry.idle.unref();
  return entry.reader;
}

function closeKept(key: string): void {
  const entry = kept.get(key);
  if (!entry) return;
  clearTimeout(entry.idle);
  entry.reader.close();
  kept.delete(key);
}

/** Closes every kept reader (a front door shutting down, a test's end). */
export function closeKeptBlobReaders(): void {
  for (const key of [...kept.keys()]) closeKept(key);
}
