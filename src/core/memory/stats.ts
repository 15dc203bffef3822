import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperienceKind } from './experience.ts';
import { MemoryStore } from './store.ts';
import type { MiningState } from './storeMeta.ts';

export interface MemoryStats {
  storeDir: string;
  experiences: number;
  byKind: Partial<Record<ExperienceKind, number>>;
  reverted: number;
  symbolsMapped: number;
  oldest?: string;
  newest?: string;
  topFiles: Array<{ path: string; changes: number }>;
  topAuthors: Array<{ name: string; commits: number }>;
  mining: MiningState;
  diskBytes: number;
  shards: number;
}

export async function memoryStats(storeDir: string): Promise<MemoryStats> {
  const store = await MemoryStore.open(storeDir);
  const byKind: Partial<Record<ExperienceKind, number>> = {};
  const files = new RenameFollower();
  const authors = new Map<string, number>();
  let reverted = 0;
  let symbolsMapped = 0;
  let oldest = Number.POSITIVE_INFINITY;
  let newest = 0;
  let count = 0;
  for await (const e of store.experiences()) {
    count++;
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
    if (e.revertedBy) reverted++;
    symbolsMapped += e.symbols.length;
    oldest = Math.min(oldest, e.commitTime);
    newest = Math.max(newest, e.commitTime);
    authors.set(e.author.name, (authors.get(e.author.name) ?? 0) + 1);
    for (const f of e.files) if (f.category === 'source' || f.category === 'test') files.count(e.seq, f.path, f.oldPath);
  }
  const stats: MemoryStats = {
    storeDir,
    experiences: count,
    byKind,
    reverted,
    symbolsMapped,
    topFiles: top(files.byCurrentName(), 10).map(([path, changes]) => ({ path, changes })),
    topAuthors: top(authors, 5).map(([name, commits]) => ({ name, commits })),
    mining: store.state.mining,
    diskBytes: await folderSize(MemoryStore.memoryDir(storeDir)),
    shards: Object.keys(store.state.shards).length,
  };
  if (count > 0) {
    stats.oldest = new Date(oldest * 1000).toISOString();
    stats.newest = new Date(newest * 1000).toISOString();
  }
  return stats;
}

/** Changes per file, a renamed file counted once under its latest name (renames applied oldest first). */
class RenameFollower {
  private readonly changes: Array<{ seq: number; path: string; oldPath?: string }> = [];

  count(seq: number, path: string, oldPath: string | undefined): void {
    this.changes.push(oldPath && oldPath !== path ? { seq, path, oldPath } : { seq, path });
  }

  byCurrentName(): Map<string, number> {
    this.changes.sort((a, b) => a.seq - b.seq);
    // Each path's file (a number: a path reused after its file moved away is another file), and each file's latest name and count.
    const fileOf = new Map<string, number>();
    const files: Array<{ name: string; changes: number }> = [];
    for (const change of this.changes) {
      let file = change.oldPath === undefined ? fileOf.get(change.path) : fileOf.get(change.oldPath);
      if (change.oldPath !== undefined) fileOf.delete(change.oldPath);
      if (file === undefined) file = files.push({ name: change.path, changes: 0 }) - 1;
      fileOf.set(change.path, file);
      files[file]!.name = change.path;
      files[file]!.changes++;
    }
    const out = new Map<string, number>();
    for (const { name, changes } of files) out.set(name, (out.get(name) ?? 0) + changes);
    return out;
  }
}

function top(map: Map<string, number>, n: number): Array<[string, number]> {
  return [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    // Nothing mined yet: no memory folder, nothing on disk. Anything else (no permission) is reported.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  for (const entry of entries) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
