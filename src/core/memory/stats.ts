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
  const files = new Map<string, number>();
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
    for (const f of e.files) if (f.category === 'source' || f.category === 'test') files.set(f.path, (files.get(f.path) ?? 0) + 1);
  }
  const stats: MemoryStats = {
    storeDir,
    experiences: count,
    byKind,
    reverted,
    symbolsMapped,
    topFiles: top(files, 10).map(([path, changes]) => ({ path, changes })),
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

function top(map: Map<string, number>, n: number): Array<[string, number]> {
  return [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
