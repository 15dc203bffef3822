import { createHash } from 'node:crypto';
import { CoevolveError, throwIfAborted } from '../errors.ts';
import { BlobReader } from '../git/blobReader.ts';
import { categorizePath } from '../git/fileCategory.ts';
import { runGitBytes, splitNul } from '../git/gitRunner.ts';
import type { SymbolParser } from '../code/symbolParser.ts';
import type { Embedder } from './embedder.ts';
import { chunkText, textHash } from './embeddingTexts.ts';
import type { VectorIndex } from './vectorIndex.ts';

const MAX_FILE_BYTES = 512 * 1024;
const MAX_FILES = 20_000;
/** Declarations per file: a generated file with thousands of them would crowd out the rest. */
const MAX_CHUNKS_PER_FILE = 64;
/** Files are spread over this many segments, so a commit rewrites a few small files, not the whole index. */
const BUCKETS = 64;
/** Files embedded per round: progress is saved between rounds. */
const FILES_PER_ROUND = 200;

export interface CodeSyncReport {
  files: number;
  changedFiles: number;
  embedded: number;
  removed: number;
}

interface TreeFile {
  path: string;
  blob: string;
}

/**
 * Brings the code vectors up to date with the tree at `revision`: one vector per declaration
 * (tree-sitter's outline) plus one for the head of each code file, keyed by the file's blob and
 * the declaration. Only files whose blob changed are read, parsed and embedded; files gone from
 * the tree lose their vectors. Code goes to the embedder only — the cache keeps vectors and
 * positions, never the code.
 */
export async function syncCodeVectors(index: VectorIndex, root: string, revision: string, parser: SymbolParser | undefined, embedder: Embedder, signal?: AbortSignal): Promise<CodeSyncReport> {
  if (revision.startsWith('-')) throw new CoevolveError('bad-input', `Not a revision: ${revision}`);
  const tree = await listTree(root, revision, signal);
  // What the index holds now, file by file.
  const held = new Map<string, { blob: string; ids: string[] }>();
  for (const id of index.ids()) {
    const meta = index.meta(id)!;
    const path = String(meta.path);
    const entry = held.get(path) ?? held.set(path, { blob: String(meta.blob), ids: [] }).get(path)!;
    entry.ids.push(id);
  }
  const report: CodeSyncReport = { files: tree.length, changedFiles: 0, embedded: 0, removed: 0 };
  const inTree = new Set(tree.map((f) => f.path));
  for (const [path, entry] of held) {
    if (inTree.has(path)) continue;
    for (const id of entry.ids) index.remove(id);
    report.removed += entry.ids.length;
  }
  const changed = tree.filter((f) => held.get(f.path)?.blob !== f.blob);
  report.changedFiles = changed.length;
  if (changed.length === 0) {
    await index.save();
    return report;
  }
  const blobs = new BlobReader(root, MAX_FILE_BYTES);
  try {
    for (let at = 0; at < changed.length; at += FILES_PER_ROUND) {
      throwIfAborted(signal);
      const round = changed.slice(at, at + FILES_PER_ROUND);
      const contents = await Promise.all(round.map((f) => blobs.read(f.blob)));
      const chunks: Array<{ id: string; segment: string; text: string; hash: string; meta: Record<string, string | number> }> = [];
      round.forEach((file, i) => {
        const old = held.get(file.path);
        if (old) {
          for (const id of old.ids) index.remove(id);
          report.removed += old.ids.length;
        }
        const content = contents[i];
        // Too large or binary: nothing to embed. It holds no entry, so each sync looks at it again (one cat-file read).
        if (!content || content.includes(0)) return;
        chunks.push(...chunksOf(file, content.toString('utf8'), parser));
      });
      const pending = chunks.filter((c) => !index.has(c.id, c.hash));
      if (pending.length) {
        const result = await embedder.embed(pending.map((c) => c.text), signal);
        if (index.dimensions !== undefined && result.dimensions !== index.dimensions) {
          throw new CoevolveError('llm-bad-output', `The embedder ${embedder.model.model} returned ${result.dimensions} dimensions where the code index holds ${index.dimensions}.`);
        }
        pending.forEach((c, i) => index.put(c.id, c.segment, c.hash, c.meta, result.vectors[i]!));
        report.embedded += pending.length;
      }
      await index.save();
    }
  } finally {
    blobs.close();
  }
  return report;
}

async function listTree(root: string, revision: string, signal?: AbortSignal): Promise<TreeFile[]> {
  const out = (await runGitBytes(root, ['ls-tree', '-r', '-z', '--full-tree', revision, '--'], signal)).toString('utf8');
  const files: TreeFile[] = [];
  for (const line of splitNul(out)) {
    // "<mode> <type> <object>\t<path>"
    const tab = line.indexOf('\t');
    const [, type, blob] = line.slice(0, tab).split(' ');
    const path = line.slice(tab + 1);
    if (type !== 'blob' || !blob || !path || path.includes('\n')) continue;
    const category = categorizePath(path);
    if (category === 'source' || category === 'test') files.push({ path, blob });
    if (files.length >= MAX_FILES) break;
  }
  return files;
}

function chunksOf(file: TreeFile, text: string, parser: SymbolParser | undefined): Array<{ id: string; segment: string; text: string; hash: string; meta: Record<string, string | number> }> {
  const lines = text.split('\n');
  const pathKey = createHash('sha1').update(file.path).digest('hex');
  const segment = `c${(parseInt(pathKey.slice(0, 4), 16) % BUCKETS).toString(36)}`;
  const base = { path: file.path, blob: file.blob };
  const out = [];
  const head = chunkText(file.path, undefined, lines);
  out.push({ id: `${file.blob}:${pathKey.slice(0, 8)}:file`, segment, text: head, hash: textHash(head), meta: { ...base, name: '', kind: 'file', start: 1, end: Math.min(lines.length, 60) } });
  if (parser?.supports(file.path)) {
    let parsed;
    try {
      parsed = parser.parse(file.path, text);
    } catch {
      // A grammar that fails to load or parse: the file keeps its file-level vector; its next blob is tried again.
      parsed = undefined;
    }
    if (parsed) {
      try {
        for (const symbol of parsed.outline(MAX_CHUNKS_PER_FILE)) {
          const chunk = chunkText(file.path, symbol, lines);
          out.push({
            id: `${file.blob}:${pathKey.slice(0, 8)}:${symbol.startLine}:${symbol.container ? `${symbol.container}.` : ''}${symbol.name}`,
            segment,
            text: chunk,
            hash: textHash(chunk),
            meta: { ...base, name: symbol.name, kind: symbol.kind, start: symbol.startLine, end: symbol.endLine, ...(symbol.container ? { container: symbol.container } : {}) },
          });
        }
      } finally {
        parsed.dispose();
      }
    }
  }
  return out;
}
