import { CoevolveError, throwIfAborted } from '../errors.ts';
import type { CommitExperience } from '../memory/experience.ts';
import type { Embedder } from './embedder.ts';
import { experienceText, textHash } from './embeddingTexts.ts';
import type { VectorIndex } from './vectorIndex.ts';

/** The part of the memory store read here (MemoryStore has it): shards by number, with a revision bumped on each change. */
export interface ExperienceSource {
  readonly state: { readonly shards: Readonly<Record<string, { rev: number }>> };
  loadShard(shard: number): Promise<CommitExperience[]>;
}

export interface SyncReport {
  embedded: number;
  removed: number;
  /** Segments (shards) read again because they changed. */
  changed: number;
  /** Shards left for a later sync because `maxEmbed` was reached. */
  deferred: number;
  /** What the user should know (vectors rebuilt after the embedder changed). */
  notes: string[];
}

const segmentOf = (shard: number): string => `e${shard}`;

/**
 * Brings the experience vectors up to date with memory: only shards whose revision changed are
 * read, and in them only experiences whose text changed (or that are new) are embedded. Each shard
 * is saved as soon as it is done, so an interrupted first build keeps what it finished. With
 * `maxEmbed`, shards that would take the count past it are left for a later sync (`deferred`).
 */
export async function syncExperienceVectors(index: VectorIndex, source: ExperienceSource, embedder: Embedder, options: { signal?: AbortSignal; maxEmbed?: number } = {}, rebuilt = false): Promise<SyncReport> {
  const { signal, maxEmbed = Infinity } = options;
  const report: SyncReport = { embedded: 0, removed: 0, changed: 0, deferred: 0, notes: [] };
  const shards = Object.entries(source.state.shards).map(([n, s]) => ({ shard: Number(n), rev: String(s.rev) }));
  const live = new Set(shards.map((s) => segmentOf(s.shard)));
  // Shards that are gone (a repaired store, a fresh mine): their vectors go too.
  for (const segment of index.segments()) if (!live.has(segment)) report.removed += index.dropSegment(segment);
  for (const { shard, rev } of shards.sort((a, b) => a.shard - b.shard)) {
    throwIfAborted(signal);
    const segment = segmentOf(shard);
    if (index.source(segment) === rev) continue;
    report.changed++;
    const experiences = await source.loadShard(shard);
    const wanted = new Map<string, { text: string; hash: string; experience: CommitExperience }>();
    for (const experience of experiences) {
      // A forgotten experience keeps only its sha and dates: nothing to embed, and its old vector goes.
      if (experience.forgotten) continue;
      const text = experienceText(experience);
      wanted.set(experience.id, { text, hash: textHash(text), experience });
    }
    for (const id of index.idsIn(segment)) {
      if (!wanted.has(id)) {
        index.remove(id);
        report.removed++;
      }
    }
    const pending = [...wanted].filter(([id, w]) => !index.has(id, w.hash));
    if (report.embedded + pending.length > maxEmbed) {
      // A caller that cannot wait (a query) leaves the rest for the next sync: the shard stays unmarked.
      report.deferred++;
      continue;
    }
    if (pending.length) {
      const result = await embedder.embed(pending.map(([, w]) => w.text), signal);
      const had = index.dimensions;
      if (had !== undefined && result.dimensions !== had) {
        // The same model name now answers with another dimension (a server swapped the weights): start over, once.
        if (rebuilt) throw new CoevolveError('llm-bad-output', `The embedder ${embedder.model.model} keeps changing its dimension (${had}, then ${result.dimensions}).`);
        index.clear();
        const again = await syncExperienceVectors(index, source, embedder, options, true);
        return { ...again, notes: [`The embedder ${embedder.model.model} now returns ${result.dimensions} dimensions instead of ${had}; the experience vectors were rebuilt.`, ...again.notes] };
      }
      pending.forEach(([id, w], i) => index.put(id, segment, w.hash, { sha: w.experience.sha, seq: w.experience.seq, time: w.experience.commitTime }, result.vectors[i]!));
      report.embedded += pending.length;
    }
    index.setSource(segment, rev);
    await index.save();
  }
  await index.save();
  return report;
}
