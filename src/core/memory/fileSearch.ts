import MiniSearch from 'minisearch';
import type { FileTable } from './fileTable.ts';
import { TEXT_OPTIONS } from './tokenize.ts';
import type { FileQuery } from './memoryIndex.ts';

interface FileDoc {
  id: string;
  tokens: string;
  symbols: string;
  subjects: string;
  words: string;
}

/**
 * A lexical index with one document per existing file, made only from memory: its path words, the
 * symbols changed in it, and the subjects of the changes that touched it. It lets a task match a
 * file even when no single past change matches the task well.
 */
export const FILE_BOOSTS = { tokens: 2, symbols: 1.5, subjects: 1, words: 1 };
const OPTIONS = { fields: ['tokens', 'symbols', 'subjects', 'words'], ...TEXT_OPTIONS };

export class FileSearch implements FileQuery {
  private constructor(private readonly search: MiniSearch<FileDoc>) {}

  static build(table: FileTable): FileSearch {
    const search = new MiniSearch<FileDoc>(OPTIONS);
    const docs: FileDoc[] = [];
    for (const doc of table.documents()) docs.push({ id: doc.path, tokens: doc.tokens, symbols: doc.symbols, subjects: doc.subjects, words: doc.words });
    search.addAll(docs);
    return new FileSearch(search);
  }

  /** Restores an index saved with {@link toJSON} (the recall cache keeps the unfiltered one). */
  static fromJSON(json: unknown): FileSearch {
    return new FileSearch(MiniSearch.loadJS<FileDoc>(json as never, OPTIONS));
  }

  toJSON(): unknown {
    return this.search.toJSON();
  }

  query(terms: string[]): Array<{ path: string; score: number; terms: string[] }> {
    if (terms.length === 0) return [];
    return this.search
      .search(terms.join(' '), { boost: FILE_BOOSTS, combineWith: 'OR', prefix: (t) => t.length >= 6 })
      .slice(0, 100)
      .map((r) => ({ path: String(r.id), score: r.score, terms: r.terms }));
  }
}
