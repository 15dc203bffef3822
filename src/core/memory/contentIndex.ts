import MiniSearch from 'minisearch';
import { CoevolveError } from '../errors.ts';
import { BlobReader } from '../git/blobReader.ts';
import { categorizePath } from '../git/fileCategory.ts';
import { gitAt, runGit, runGitBytes } from '../git/gitRunner.ts';
import { TEXT_OPTIONS } from './tokenize.ts';

const MAX_FILE_BYTES = 512 * 1024;
const MAX_FILES = 20_000;

interface ContentDoc {
  id: string;
  path: string;
  content: string;
}

/**
 * BM25 (MiniSearch) over the code files of one revision: what the project says today, beside what
 * its history says. Built on demand and kept in memory only — file contents are never written to
 * the store, so a secret in a file cannot leak into it.
 */
export class ContentIndex {
  private constructor(private readonly search: MiniSearch<ContentDoc>) {}

  get size(): number {
    return this.search.documentCount;
  }

  /** Indexes the source and test files of `revision` (default HEAD) in the repository at `root`. */
  static async build(root: string, revision = 'HEAD'): Promise<ContentIndex> {
    // ls-tree ignores what follows --end-of-options (git 2.39 prints nothing), so refuse options instead.
    if (revision.startsWith('-')) throw new CoevolveError('bad-input', `Not a revision: ${revision}`);
    const stdout = await runGitBytes(root, ['ls-tree', '-r', '-z', '--name-only', revision, '--']);
    const paths = stdout
      .toString('utf8')
      .split('\0')
      .filter((path) => path && !path.includes('\n') && isCode(path))
      .slice(0, MAX_FILES);
    const docs: ContentDoc[] = [];
    const blobs = new BlobReader(root, MAX_FILE_BYTES);
    try {
      const contents = await Promise.all(paths.map((path) => blobs.read(`${revision}:${path}`)));
      paths.forEach((path, i) => {
        const content = contents[i];
        if (content && !content.includes(0)) docs.push({ id: path, path: path.replace(/[/.]/g, ' '), content: content.toString('utf8') });
      });
    } finally {
      blobs.close();
    }
    const search = new MiniSearch<ContentDoc>({
      fields: ['path', 'content'],
      ...TEXT_OPTIONS,
      searchOptions: { ...TEXT_OPTIONS.searchOptions, combineWith: 'OR' },
    });
    // In chunks, yielding between them: a large tree must not block the editor's extension host.
    await search.addAllAsync(docs, { chunkSize: 50 });
    return new ContentIndex(search);
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

/** The tree a revision points at (what identifies the code an index is built from), or undefined. */
export async function treeOf(root: string, revision: string): Promise<string | undefined> {
  if (revision.startsWith('-')) return undefined;
  try {
    return (await runGit(gitAt(root), ['rev-parse', '--verify', '--quiet', `${revision}^{tree}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function isCode(path: string): boolean {
  const category = categorizePath(path);
  return category === 'source' || category === 'test';
}
