import { CoevolveError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { namedReason, presentDigest, recall } from './recall.ts';
import type { Cutoff, RecalledFile, RecalledSymbol, RecallOptions, RecallResult } from './recall.ts';
import type { MemoryIndex } from './memoryIndex.ts';
import { openMemoryIndex } from './openMemoryIndex.ts';
import type { ContentIndex } from './contentIndex.ts';
import { codeIndexAt } from './contentCache.ts';
import { MemoryStore } from './store.ts';
import type { WarmMemory } from './warmMemory.ts';
import { checkSymbols } from './symbolResolution.ts';
import { TreeSymbols } from './treeSymbols.ts';
import { withSemanticChannel } from '../embeddings/semanticRecall.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import type { SemanticMemory } from '../embeddings/semanticMemory.ts';
import { warmSemanticFor } from '../embeddings/warmSemanticMemory.ts';

/** Symbols asked of recall per one shown: some are dropped or merged once checked against the code. */
const SYMBOL_POOL_FACTOR = 4;
const MIN_SYMBOL_POOL = 32;

export interface WorkspaceRecallOptions extends Omit<RecallOptions, 'before' | 'content'> {
  /** A commit (sha, branch, tag) or a date: everything from that point on is ignored. */
  before?: string;
  /**
   * Also match the code itself: the files at HEAD, or at the --before commit. The index is kept in
   * <store>/cache and in memory, and moved incrementally (contentCache.ts); the first call builds it.
   */
  content?: boolean;
  /** An index of the code already built (or kept) by the caller: matched as with `content`, without building one. */
  contentIndex?: ContentIndex;
  /** A long-lived caller's loaded store and index, used instead of loading both for this call. */
  warm?: WarmMemory;
  /** An already resolved cutoff (a replay task's), used when `before` is not given. */
  cutoff?: Cutoff;
  /** Told what the user should know about loading memory (a damaged index cache that was rebuilt). A warm memory tells its own. */
  onNote?: (note: string) => void;
  /** The embedder role's client (embeddings/configuredEmbedder.ts); absent: recall is lexical, as before. */
  embedder?: Embedder;
  /** A long-lived caller's opened vectors (otherwise read from <store>/cache/embeddings per call). */
  semanticMemory?: SemanticMemory;
  signal?: AbortSignal;
}

/** Loads the workspace's memory and recalls what is relevant to `text`. */
export async function recallInWorkspace(workspace: Workspace, text: string, options: WorkspaceRecallOptions = {}): Promise<RecallResult> {
  if (!text.trim()) throw new CoevolveError('bad-input', 'Give some text to recall for: a task, an error message or a file path.');
  const { before, content, contentIndex, warm, cutoff: given, onNote, embedder, semanticMemory, signal, ...rest } = options;
  const index = warm ? (await warm.get()).index : await loadIndex(workspace.storeDir, onNote).catch((error: unknown) => {
    // "Run coevolve mine" would be bad advice where mine refuses: say what is really wrong.
    if (CoevolveError.is(error, 'store-empty') && !workspace.repository) throw new CoevolveError('not-a-git-repo', `${workspace.root} is not in a git repository, and there is no memory in ${workspace.storeDir}.`, { hint: 'Run recall inside a git repository that was mined (coevolve mine), or point --store at a store.' });
    throw error;
  });
  if (!warm) for (const note of index.notes) onNote?.(note);
  const cutoff = before ? await resolveCutoff(workspace, index, before) : given;
  const recallOptions: RecallOptions = cutoff ? { ...rest, before: cutoff } : { ...rest };
  const k = rest.k ?? 10;
  recallOptions.symbolPool = Math.max(k * SYMBOL_POOL_FACTOR, MIN_SYMBOL_POOL);
  if (contentIndex) recallOptions.content = contentIndex;
  else if (content) {
    if (!workspace.repository) throw new CoevolveError('bad-input', `--content needs a git repository; ${workspace.root} is not one.`);
    // The code as it was just before the cutoff: the cutoff commit's parent, or the last commit before the date.
    const revision = before ? await workspace.repository.lastCommitBefore(before) : 'HEAD';
    if (revision) recallOptions.content = await codeIndexAt(workspace, revision, onNote ? { onNote } : {});
  }
  const lexical = index.reading(() => recall(index, text, recallOptions));
  const result = embedder
    ? await withSemanticChannel(lexical, text, {
        storeDir: workspace.storeDir,
        embedder,
        index,
        present: presentDigest,
        k,
        // A long-lived caller's vectors stay open too (warmSemanticFor), caught up with memory as they go.
        ...(semanticMemory ? { memory: semanticMemory } : { source: warm ? (await warm.get()).store : await MemoryStore.open(workspace.storeDir), ...(warm ? { warm: warmSemanticFor(workspace.storeDir) } : {}) }),
        ...(cutoff ? { before: cutoff } : {}),
        // The code vectors are of the tree last synced (HEAD): a query about an earlier point leaves them out.
        withCode: !cutoff,
        ...(signal ? { signal } : {}),
        ...(onNote ? { onNote } : {}),
      })
    : lexical;
  result.symbols = await checkedSymbols(workspace, index, result, k, { before, cutoff, keepReader: warm !== undefined }, onNote);
  return result;
}

/**
 * The symbols as the code at the cutoff has them (HEAD without one; the commit before it with one):
 * gone ones dropped or followed to where they went, duplicates merged. Without a repository, or when
 * the code cannot be read, they are only merged, with a note saying so.
 */
async function checkedSymbols(
  workspace: Workspace,
  index: MemoryIndex,
  result: RecallResult,
  k: number,
  { before, cutoff, keepReader }: { before: string | undefined; cutoff: Cutoff | undefined; keepReader: boolean },
  onNote: ((note: string) => void) | undefined,
): Promise<RecallResult['symbols']> {
  // Where a moved symbol may be now: the files (by current name) where history changed one of that name.
  // A file's reason that names a symbol found gone from it is mended too (it no longer says "has" it).
  const gone = new Set<string>();
  const base = {
    homes: (symbols: ReadonlyArray<{ name: string; container?: string }>) => index.reading(() => symbols.map((symbol) => index.symbolHomes(symbol))),
    nearby: result.files.map((f) => f.path),
    onGone: (symbol: RecalledSymbol) => void gone.add(`${symbol.path}\0${symbol.container ? `${symbol.container}.` : ''}${symbol.name}`),
  };
  const symbols = await againstTheCode();
  if (gone.size) withoutGoneNames(result.files, gone);
  return symbols;

  async function againstTheCode(): Promise<RecallResult['symbols']> {
    if (!workspace.repository || result.symbols.length === 0) return checkSymbols(result.symbols, k, { ...base, revision: 'HEAD' });
    try {
      const revision = before ? await workspace.repository.lastCommitBefore(before) : revisionAt(index, cutoff);
      // Nothing before the cutoff: no code to check against.
      if (revision === undefined) return await checkSymbols(result.symbols, k, { ...base, revision: 'HEAD' });
      return await checkSymbols(result.symbols, k, { ...base, revision: revision === 'HEAD' ? revision : revision.slice(0, 10), tree: TreeSymbols.at(workspace.root, revision, { keepReader }) });
    } catch (error) {
      if (CoevolveError.is(error, 'cancelled')) throw error;
      onNote?.(`The symbols were not checked against the code, so some may have moved or gone since: ${error instanceof Error ? error.message : String(error)}`);
      return checkSymbols(result.symbols, k, { ...base, revision: 'HEAD' });
    }
  }
}

/** Drops from each file's "has …, named in the query" the symbols the code no longer declares there. */
function withoutGoneNames(files: RecalledFile[], gone: ReadonlySet<string>): void {
  for (const file of files) {
    if (!file.named) continue;
    const kept = file.named.filter((name) => !gone.has(`${file.path}\0${name}`));
    if (kept.length === file.named.length) continue;
    const at = file.why.indexOf(namedReason(file.named));
    if (at >= 0) {
      if (kept.length) file.why[at] = namedReason(kept);
      else file.why.splice(at, 1);
    }
    file.named = kept;
    if (kept.length === 0) delete file.named;
  }
}

/** The revision a cutoff leaves: HEAD without one, else the newest mined first-parent commit before it. */
function revisionAt(index: MemoryIndex, cutoff: Cutoff | undefined): string | undefined {
  if (!cutoff) return 'HEAD';
  return index.newestBefore(cutoff)?.sha;
}

async function loadIndex(storeDir: string, onNote: ((note: string) => void) | undefined): Promise<MemoryIndex> {
  const store = await MemoryStore.open(storeDir);
  if (store.state.counts.experiences === 0) {
    throw new CoevolveError('store-empty', `Nothing has been mined into ${storeDir} yet.`, { hint: 'Run `coevolve mine` first.' });
  }
  return openMemoryIndex(store, onNote);
}

async function resolveCutoff(workspace: Workspace, index: MemoryIndex, before: string): Promise<Cutoff> {
  const commit = workspace.repository ? await workspace.repository.resolve(before) : undefined;
  if (commit) {
    const digest = index.digest(commit.sha);
    // On the mined first-parent line, position is exact; elsewhere fall back to the commit's time.
    return digest ? { seq: digest.seq } : { time: commit.commitTime };
  }
  const time = Date.parse(before);
  if (!Number.isNaN(time)) return { time: Math.floor(time / 1000) };
  throw new CoevolveError('bad-input', `--before "${before}" is neither a commit of this repository nor a date.`, {
    hint: 'Use a sha, branch or tag, or a date such as 2024-06-30.',
  });
}
