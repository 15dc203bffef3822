import MiniSearch from 'minisearch';
import { CoevolveError } from '../errors.ts';
import { BlobReader } from '../git/blobReader.ts';
import { redact } from '../security/redact.ts';
import { codeBlobsAt, MAX_CODE_FILE_BYTES, treeOf } from './codeTree.ts';
import type { CodeBlob } from './codeTree.ts';
import { TEXT_OPTIONS } from './tokenize.ts';
import { settled } from '../util/settled.ts';

export { isCode, treeOf } from './codeTree.ts';

/** Blobs read at a time: bounds the file contents held in memory during a build. */
const READ_BATCH = 256;

interface ContentDoc {
  id: string;
  path: string;
  content: string;
}

const INDEX_OPTIONS = {
  fields: ['path', 'content'],
  storeFields: [],
  // Vacuuming is done here, when it is needed, never on a timer in the background.
  autoVacuum: false,
  ...TEXT_OPTIONS,
  searchOptions: { ...TEXT_OPTIONS.searchOptions, combineWith: 'OR' as const },
};

/** What bringing an index to a tree did: how many files it read again and how many it kept. */
export interface CodeIndexUpdate {
  tree: string;
  /** Code files listed in the tree (indexed, or skipped as binary or too large). */
  files: number;
  /** Blobs read (and indexed unless binary): new or changed files. */
  read: number;
  /** Files whose blob was unchanged: kept as indexed, not read. */
  reused: number;
  /** Index entries dropped: files changed or gone. */
  dropped: number;
}

/** The index as the cache keeps it: path → blob of every file it reflects, and MiniSearch's own JSON. */
export interface SavedContentIndex {
  tree: string;
  blobs: Record<string, string>;
  index: unknown;
}

/**
 * BM25 (MiniSearch) over the code files of one revision: what the project says today, beside what
 * its history says. Entries are keyed by path and blob id, so moving the index to another revision
 * reads only the files whose blob differs. File contents are never kept, only the index's terms, and
 * those of secret-looking values are redacted first (the index may be saved in `<store>/cache`).
 */
export class ContentIndex {
  /** Updates run one at a time: each reads the blob map the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();
  private current: string | undefined;
  /** What the last update did (undefined before the first). */
  lastUpdate: CodeIndexUpdate | undefined;

  private constructor(
    private readonly search: MiniSearch<ContentDoc>,
    /** path → blob of every listed code file, whether indexed or skipped (binary, too large). */
    private readonly blobs: Map<string, string>,
    tree: string | undefined,
  ) {
    this.current = tree;
  }

  get size(): number {
    return this.search.documentCount;
  }

  /** The tree the index reflects (undefined while empty). */
  get tree(): string | undefined {
    return this.current;
  }

  static empty(): ContentIndex {
    return new ContentIndex(new MiniSearch<ContentDoc>(INDEX_OPTIONS), new Map(), undefined);
  }

  /** Indexes the source and test files of `revision` (default HEAD) in the repository at `root`, from scratch. */
  static async build(root: string, revision = 'HEAD'): Promise<ContentIndex> {
    const index = ContentIndex.empty();
    await index.update(root, revision);
    return index;
  }

  /** An index saved by {@link toJSON}; throws when it does not hold together (the caller rebuilds). */
  static fromJSON(saved: SavedContentIndex): ContentIndex {
    const search = MiniSearch.loadJS<ContentDoc>(saved.index as Parameters<typeof MiniSearch.loadJS>[0], INDEX_OPTIONS);
    const blobs = new Map(Object.entries(saved.blobs));
    const ids = Object.values((saved.index as { documentIds: Record<string, string> }).documentIds);
    // Every indexed file must have its blob: otherwise a change to it would never be seen.
    const orphan = ids.find((id) => !blobs.has(id));
    if (orphan !== undefined) throw new Error(`the index holds ${orphan}, which its file list lacks`);
    if (ids.length !== search.documentCount) throw new Error('its document count does not match its documents');
    return new ContentIndex(search, blobs, saved.tree);
  }

  toJSON(): SavedContentIndex {
    if (!this.current) throw new CoevolveError('bad-input', 'An empty code index is not saved.');
    return { tree: this.current, blobs: Object.fromEntries(this.blobs), index: this.search.toJSON() };
  }

  /** A separate index with the same entries (to move to another revision while this one stays). */
  async copy(): Promise<ContentIndex> {
    return this.serialized(async () => {
      if (!this.current) return ContentIndex.empty();
      const saved = this.toJSON();
      // MiniSearch's JSON shares its running averages with the live index: the copy gets its own.
      const index = saved.index as { averageFieldLength: number[] };
      return ContentIndex.fromJSON({ ...saved, index: { ...index, averageFieldLength: [...index.averageFieldLength] } });
    });
  }

  /**
   * Brings the index to `revision` (a commit, a tree, or HEAD): drops the files changed or gone,
   * reads and indexes the new and changed ones (by blob id, through one `git cat-file --batch`).
   */
  async update(root: string, revision: string): Promise<CodeIndexUpdate> {
    return this.serialized(async () => {
      const tree = await treeOf(root, revision);
      if (!tree) throw new CoevolveError('bad-input', `${revision} is not a revision of the repository at ${root}.`);
      const update = tree === this.current ? { tree, files: this.blobs.size, read: 0, reused: this.blobs.size, dropped: 0 } : await this.moveTo(root, tree);
      this.lastUpdate = update;
      return update;
    });
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    // The caller of each task gets its error; the queue only waits for it to finish.
    this.queue = settled(run);
    return run;
  }

  private async moveTo(root: string, tree: string): Promise<CodeIndexUpdate> {
    const listed = await codeBlobsAt(root, tree);
    const wanted = new Map(listed.map((file) => [file.path, file.blob]));
    const stale: CodeBlob[] = [];
    for (const [path, blob] of this.blobs) if (wanted.get(path) !== blob) stale.push({ path, blob, size: undefined });
    const indexed = stale.filter((file) => this.search.has(file.path));
    // The tree is unknown until every file is in. A failure midway leaves the blob map true per
    // file: an entry is forgotten only once it is out of the index, and recorded once it is in.
    this.current = undefined;
    const blobs = new BlobReader(root, MAX_CODE_FILE_BYTES);
    let toRead: CodeBlob[];
    try {
      await this.removeAll(blobs, indexed);
      for (const file of stale) this.blobs.delete(file.path);
      toRead = listed.filter((file) => !this.blobs.has(file.path));
      await this.readAll(blobs, toRead);
    } finally {
      blobs.close();
    }
    this.current = tree;
    return { tree, files: listed.length, read: toRead.length, reused: listed.length - toRead.length, dropped: indexed.length };
  }

  /**
   * Takes the files' old entries out term by term, from their old blobs: exact and proportional to
   * the files. Merely discarding an entry would leave its postings behind, and MiniSearch then counts
   * them in a term's document frequency for some results, so scores would drift from a fresh build.
   * An old blob git no longer has is discarded, and the postings are swept (vacuum) once.
   */
  private async removeAll(blobs: BlobReader, files: CodeBlob[]): Promise<void> {
    let discarded = 0;
    for (const batch of batches(files)) {
      const docs = await this.docsOf(blobs, batch);
      for (const file of batch) {
        const doc = docs.get(file.path);
        if (doc) this.search.remove(doc);
        else {
          this.search.discard(file.path);
          discarded += 1;
        }
      }
    }
    if (discarded > 0) await this.search.vacuum({ batchSize: 10_000 });
  }

  private async readAll(blobs: BlobReader, files: CodeBlob[]): Promise<void> {
    for (const batch of batches(files)) {
      const docs = await this.docsOf(blobs, batch);
      // An entry left by an update that failed midway is replaced, not doubled (and its postings swept).
      const left = [...docs.keys()].filter((path) => this.search.has(path));
      this.search.discardAll(left);
      if (left.length > 0) await this.search.vacuum({ batchSize: 10_000 });
      // In chunks, yielding between them: a large tree must not block the editor's extension host.
      await this.search.addAllAsync([...docs.values()], { chunkSize: 50 });
      for (const file of batch) this.blobs.set(file.path, file.blob);
    }
  }

  /** The indexable documents of the files (binary, too large and unreadable ones left out), by path. */
  private async docsOf(blobs: BlobReader, files: CodeBlob[]): Promise<Map<string, ContentDoc>> {
    // Secret values are redacted as the embedder's code chunks are (known formats, key = value):
    // the index's terms are saved on disk. The random-literal pass would double the cost of a build.
    const contents = await Promise.all(files.map((file) => (file.size !== undefined && file.size > MAX_CODE_FILE_BYTES ? undefined : blobs.read(file.blob))));
    const docs = new Map<string, ContentDoc>();
    files.forEach((file, i) => {
      const content = contents[i];
      if (content && !content.includes(0)) docs.set(file.path, { id: file.path, path: file.path.replace(/[/.]/g, ' '), content: redact(content.toString('utf8')) });
    });
    return docs;
  }

  /** The files whose code holds `term` as a whole token (lower-cased, as the tokenizer emits it). */
  filesWithTerm(term: string): string[] {
    const whole = (t: string) => [t];
    return this.search.search(term, { fields: ['content'], prefix: false, fuzzy: false, tokenize: whole, processTerm: (t) => t }).map((r) => String(r.id));
  }

  query(text: string, limit = 100): Array<{ path: string; score: number; terms: string[] }> {
    return this.search
      .search(text)
      .slice(0, limit)
      .map((r) => ({ path: String(r.id), score: r.score, terms: r.terms }));
  }
}

/** Slices of at most READ_BATCH files: bounds the file contents held in memory at once. */
function* batches<T>(items: T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += READ_BATCH) yield items.slice(start, start + READ_BATCH);
}
