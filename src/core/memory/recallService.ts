import { CoevolveError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { recall } from './recall.ts';
import type { Cutoff, RecallOptions, RecallResult } from './recall.ts';
import { RecallIndex } from './recallIndex.ts';
import { MemoryStore } from './store.ts';

export interface WorkspaceRecallOptions extends Omit<RecallOptions, 'before'> {
  /** A commit (sha, branch, tag) or a date: everything from that point on is ignored. */
  before?: string;
}

/** Loads the workspace's memory and recalls what is relevant to `text`. */
export async function recallInWorkspace(workspace: Workspace, text: string, options: WorkspaceRecallOptions = {}): Promise<RecallResult> {
  if (!text.trim()) throw new CoevolveError('bad-input', 'Give some text to recall for: a task, an error message or a file path.');
  const store = await MemoryStore.open(workspace.storeDir);
  if (store.state.counts.experiences === 0) {
    throw new CoevolveError('store-empty', `Nothing has been mined into ${workspace.storeDir} yet.`, { hint: 'Run `coevolve mine` first.' });
  }
  const index = await RecallIndex.load(store);
  const { before, ...rest } = options;
  const cutoff = before ? await resolveCutoff(workspace, index, before) : undefined;
  return recall(index, text, cutoff ? { ...rest, before: cutoff } : rest);
}

async function resolveCutoff(workspace: Workspace, index: RecallIndex, before: string): Promise<Cutoff> {
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
