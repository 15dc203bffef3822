import { CoevolveError } from '../core/errors.ts';
import { ignoreError } from '../core/ignoredErrors.ts';
import type { CommitExperience } from '../core/memory/experience.ts';
import type { ExperienceDigest } from '../core/memory/experienceDigest.ts';
import type { MemoryIndex, PageFilter } from '../core/memory/memoryIndex.ts';
import { MemoryStore, shardOf } from '../core/memory/store.ts';
import { warmMemoryFor } from '../core/memory/warmMemory.ts';
import type { LoadedMemory, WarmMemory } from '../core/memory/warmMemory.ts';
import type { ExperienceFilter } from '../protocol/memoryPanel.ts';
import { experiencePredicate, isEmptyFilter, pathMatcher } from './memoryPanelFilter.ts';
import type { ExperiencePredicate } from './memoryPanelFilter.ts';

// The Memory tab's list, paged in the extension host: the webview asks for one page and gets that
// page and a total, never the store. No `vscode` here (tests run it in plain Node on a real store).

export interface ExperiencePage {
  /** Full records, newest first (by first-parent position). */
  experiences: CommitExperience[];
  /** How many experiences pass the filter in all. */
  total: number;
  offset: number;
}

/** Filtered lists kept per loaded index, so that the next page is a slice, not another scan. */
const KEPT_FILTERS = 4;

/**
 * Pages through one store's experiences. Unfiltered, it reads only meta.json and the one or two
 * shards that hold the page. Filtered by kind or file, it scans the digests the recall index keeps
 * in memory (shared with search, quick fixes and recall) and reads only the shards of the page's
 * rows. Filtered by author it needs full records, since digests carry no author: it reads every
 * shard once and keeps sha → author per shard revision, so later pages and filters read none.
 */
export class MemoryBrowser {
  private readonly authors = new AuthorIndex();
  private readonly filtered = new WeakMap<MemoryIndex, Map<string, ExperienceDigest[]>>();
  /** The index opening ahead of the first filter or search (see page). */
  private warming: Promise<unknown> | undefined;
  private store: MemoryStore | undefined;

  constructor(
    private readonly storeDir: string,
    private readonly warm: WarmMemory = warmMemoryFor(storeDir),
  ) {}

  async page(filter: ExperienceFilter, offset: number, limit: number): Promise<ExperiencePage> {
    if (isEmptyFilter(filter)) {
      const page = await this.unfilteredPage(offset, limit);
      // The first filter or search opens the index (~0.2 s at 500k commits): open it while the page
      // is read. A failure is left for that filter to report.
      if (page.total > 0) this.warming ??= this.warm.get().catch(ignoreError('opening the index ahead of a filter failed; the filter says why'));
      return page;
    }
    const memory = await this.loaded();
    if (!memory) return { experiences: [], total: 0, offset };
    if (filter.author === undefined) {
      // Kind and file are answered by the index itself, a page at a time (on disk for a large store).
      const found = memory.index.page(offset, limit, pageFilter(filter));
      const records = await this.warm.experiences(memory, found.digests.map((digest) => digest.sha));
      return { experiences: found.digests.map((digest) => records.get(digest.sha)).filter((e) => e !== undefined), total: found.total, offset };
    }
    const matches = await this.matching(memory, filter);
    const rows = matches.slice(offset, offset + limit);
    const bySha = await this.warm.experiences(memory, rows.map((digest) => digest.sha));
    return { experiences: rows.map((digest) => bySha.get(digest.sha)).filter((e) => e !== undefined), total: matches.length, offset };
  }

  /**
   * Narrows ranked search hits (shas, best first) to those passing the filter, keeping at most
   * `limit`; returns their full records by sha. Only the shards of the hits are read.
   */
  async narrow(memory: LoadedMemory, shas: readonly string[], filter: ExperienceFilter | undefined, limit: number): Promise<{ shas: string[]; records: Map<string, CommitExperience> }> {
    const predicate = filter && !isEmptyFilter(filter) ? experiencePredicate(filter) : undefined;
    const candidates = predicate
      ? shas.filter((sha) => {
          const digest = memory.index.digest(sha);
          return digest !== undefined && predicate.digest(digest);
        })
      : [...shas];
    // Without an author to test, only the rows shown need their records.
    const needed = predicate?.author ? candidates : candidates.slice(0, limit);
    const records = await this.warm.experiences(memory, needed);
    const kept = (predicate?.author ? needed.filter((sha) => { const record = records.get(sha); return record !== undefined && predicate.author!(record.author); }) : needed).slice(0, limit);
    return { shas: kept, records };
  }

  /**
   * The quarantined experiences (recall skips them, so they are listed apart to be restored), newest
   * first: found in the digests, then read from their shards only.
   */
  async quarantined(limit: number): Promise<ExperiencePage> {
    const memory = await this.loaded();
    if (!memory) return { experiences: [], total: 0, offset: 0 };
    // Forgotten commits are quarantined for good: there is nothing to restore.
    const found = memory.index.page(0, limit, { quarantined: true });
    const bySha = await this.warm.experiences(memory, found.digests.map((digest) => digest.sha));
    return { experiences: found.digests.map((digest) => bySha.get(digest.sha)).filter((e) => e !== undefined), total: found.total, offset: 0 };
  }

  /** One experience's full record, read from its shard alone. */
  async record(sha: string): Promise<CommitExperience | undefined> {
    const memory = await this.loaded();
    return memory ? (await this.warm.experiences(memory, [sha])).get(sha) : undefined;
  }

  /** The store's memory and index, or undefined while nothing has been mined into it. */
  /** Settles once the index opened after the first unfiltered page is open (or failed to). */
  async warmedUp(): Promise<void> {
    await this.warming;
  }

  private async loaded(): Promise<LoadedMemory | undefined> {
    try {
      return await this.warm.get();
    } catch (error) {
      if (CoevolveError.is(error, 'store-empty')) return undefined;
      throw error;
    }
  }

  private async unfilteredPage(offset: number, limit: number): Promise<ExperiencePage> {
    const store = await this.keptStore();
    // Shards hold consecutive first-parent positions, so newest first is the highest shard first.
    const shards = Object.entries(store.state.shards)
      .map(([number, shard]) => ({ number: Number(number), count: shard.count }))
      .sort((a, b) => b.number - a.number);
    const total = shards.reduce((sum, shard) => sum + shard.count, 0);
    const experiences: CommitExperience[] = [];
    let skip = offset;
    for (const shard of shards) {
      if (experiences.length >= limit) break;
      if (skip >= shard.count) {
        skip -= shard.count;
        continue;
      }
      experiences.push(...(await this.warm.shardRows(store, shard.number)).newest(skip, limit - experiences.length));
      skip = 0;
    }
    return { experiences, total, offset };
  }

  /**
   * The store, opened once and refreshed per page: opening checks every shard file against
   * meta.json (~500 stats at 500k commits, 15 ms and more of a page), refreshing only meta.json.
   */
  private async keptStore(): Promise<MemoryStore> {
    if (!this.store) this.store = await MemoryStore.open(this.storeDir);
    else await this.store.refresh();
    return this.store;
  }

  private async matching(memory: LoadedMemory, filter: ExperienceFilter): Promise<ExperienceDigest[]> {
    const key = JSON.stringify([filter.kind ?? null, filter.file ?? null, filter.author ?? null]);
    let kept = this.filtered.get(memory.index);
    if (!kept) this.filtered.set(memory.index, (kept = new Map()));
    const cached = kept.get(key);
    if (cached) return cached;
    const predicate = experiencePredicate(filter);
    const authorOf = predicate.author ? await this.authors.of(memory.store) : undefined;
    const matches = memory.index.page(0, Number.MAX_SAFE_INTEGER, pageFilter(filter)).digests.filter((digest) => passes(predicate, digest, authorOf));
    if (kept.size >= KEPT_FILTERS) kept.delete(kept.keys().next().value!);
    kept.set(key, matches);
    return matches;
  }
}

/** What the index can filter on by itself: kind and file (an author needs full records). */
function pageFilter(filter: ExperienceFilter): PageFilter {
  return {
    ...(filter.kind !== undefined ? { kind: filter.kind } : {}),
    ...(filter.file !== undefined ? { path: pathMatcher(filter.file) } : {}),
  };
}

function passes(predicate: ExperiencePredicate, digest: ExperienceDigest, authorOf: ((digest: ExperienceDigest) => CommitExperience['author'] | undefined) | undefined): boolean {
  if (!predicate.digest(digest)) return false;
  if (!predicate.author || !authorOf) return true;
  const author = authorOf(digest);
  return author !== undefined && predicate.author(author);
}

/**
 * sha → author for every experience, kept per shard and revision: core's digests (the slice of an
 * experience that recall keeps in memory) have no author, so this is the extension's own small
 * index. A shard is read again only when a write bumped its revision.
 */
class AuthorIndex {
  private readonly shards = new Map<string, { rev: number; authors: Map<string, CommitExperience['author']> }>();

  async of(store: MemoryStore): Promise<(digest: ExperienceDigest) => CommitExperience['author'] | undefined> {
    const wanted = store.state.shards;
    for (const number of this.shards.keys()) if (!(number in wanted)) this.shards.delete(number);
    for (const [number, { rev }] of Object.entries(wanted)) {
      if (this.shards.get(number)?.rev === rev) continue;
      const items = await store.loadShard(Number(number));
      this.shards.set(number, { rev, authors: new Map(items.map((item) => [item.sha, item.author])) });
    }
    return (digest) => this.shards.get(String(shardOf(digest.seq)))?.authors.get(digest.sha);
  }
}

const byStore = new Map<string, MemoryBrowser>();

/** One browser per store for this process, so its caches outlive a single request. */
export function memoryBrowserFor(storeDir: string): MemoryBrowser {
  let browser = byStore.get(storeDir);
  if (!browser) {
    browser = new MemoryBrowser(storeDir);
    byStore.set(storeDir, browser);
  }
  return browser;
}
