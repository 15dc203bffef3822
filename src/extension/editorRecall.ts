import type { Embedder } from '../core/embeddings/embedder.ts';
import { contentIndexFor } from '../core/memory/contentCache.ts';
import type { WorkspaceRecallOptions } from '../core/memory/recallService.ts';
import { warmMemoryFor } from '../core/memory/warmMemory.ts';
import type { Workspace } from '../core/workspace.ts';

/** How long an interactive recall waits for the code index; a first build goes on for the next one. */
const CODE_INDEX_WAIT_MS = 1500;

/** The store's embedder as the editor configures it (editorEmbedder, with keys from secret storage). */
export type EmbedderLookup = (storeDir: string) => Promise<{ embedder?: Embedder; note?: string }>;

/**
 * What the editor's interactive recalls (`@coevolve /recall`, the memory browser's search) add to a
 * plain recall, as solves and the MCP server have them: the warm index and vectors of this process,
 * the code channel when the code index is ready within a moment, and the configured embedder.
 * What the user should know (the embedder is unusable, the code index is still being built) is
 * pushed to `notes`. No `vscode` here: the panel's handlers run in plain Node in tests.
 */
export async function editorRecallOptions(workspace: Workspace, embedderOf: EmbedderLookup | undefined, notes: string[]): Promise<WorkspaceRecallOptions> {
  const onNote = (note: string): void => void notes.push(note);
  const options: WorkspaceRecallOptions = { warm: warmMemoryFor(workspace.storeDir), onNote };
  if (workspace.repository) {
    const code = await contentIndexFor(workspace, 'HEAD', CODE_INDEX_WAIT_MS, { onNote });
    if (code) options.contentIndex = code;
    else onNote('The code itself was left out of this recall: its index is still being built (it joins the next one).');
  }
  const semantic = embedderOf ? await embedderOf(workspace.storeDir) : {};
  if (semantic.note) onNote(semantic.note);
  if (semantic.embedder) options.embedder = semantic.embedder;
  return options;
}
