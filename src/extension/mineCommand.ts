import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import type { Host } from './vscodeHost.ts';
import { mineHistory } from '../core/mining/miner.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import { REFRESH_MEMORY_STATUS } from './memoryStatus.ts';
import type { ApiKeys } from './apiKeys.ts';
import { editorEmbedder } from './editorEmbedder.ts';
import { syncSemanticMemory } from '../core/embeddings/semanticSync.ts';
import { MemoryStore } from '../core/memory/store.ts';
import type { Workspace } from '../core/workspace.ts';
import { oneMineAtATime } from './miningQueue.ts';

/** "Co-evolve: Mine Project History": the same core call as `coevolve mine`, with a cancellable notification. */
export async function mineProjectHistory(host: Host, keys: ApiKeys): Promise<void> {
  const folders = host.workspaceFolders();
  let folder = folders[0];
  if (folders.length > 1) {
    folder = await vscode.window.showQuickPick(folders, { placeHolder: 'Which folder\'s history should be mined?' });
  }
  if (!folder) {
    void vscode.window.showWarningMessage('Co-evolve: open a folder under git to mine its history.');
    return;
  }
  const storePath = host.setting<string>('storePath') || undefined;
  const maxCommits = host.setting<number>('mining.maxCommits') ?? 0;
  try {
    const workspace = await resolveWorkspace(folder, storePath, { requireGit: true });
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Co-evolve: mining project history', cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        try {
          // After a mine that following started, if one is running: they would race for the same commits.
          return await oneMineAtATime(workspace.storeDir, () => mineHistory(workspace.repository ?? workspace.root, {
            storeDir: workspace.storeDir,
            ...(maxCommits > 0 ? { maxCommits } : {}),
            signal: controller.signal,
            onProgress: (p) => {
              const percent = p.total > 0 ? (p.done / p.total) * 100 : 0;
              progress.report({ increment: percent - reported, message: `${p.done}/${p.total} commits` });
              reported = percent;
            },
          }));
        } finally {
          subscription.dispose();
        }
      },
    );
    host.log.info(`Mined ${result.mined} commit(s) of ${workspace.root} in ${Math.round(result.durationMs)} ms; ${result.experiences} experiences.`);
    for (const notice of result.notices) host.log.info(notice);
    const summary = result.empty
      ? 'This repository has no commits yet.'
      : result.mined === 0
        ? `Memory is up to date: ${result.experiences} experiences.`
        : `Mined ${result.mined} commits: ${result.experiences} experiences in memory.${result.complete ? '' : ' Older history remains: run the command again to continue.'}`;
    void vscode.window.showInformationMessage(`Co-evolve: ${summary}${result.notices.length && !result.empty ? ` ${result.notices[0]}` : ''}`);
    if (!result.empty) await embedMined(host, keys, workspace);
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) {
      void vscode.window.showInformationMessage('Co-evolve: mining cancelled. What was mined is kept; run the command again to continue.');
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    host.log.error(`Mining failed: ${message}`);
    const hint = CoevolveError.is(error) && error.hint ? ` ${error.hint}` : '';
    void vscode.window.showErrorMessage(`Co-evolve: ${message}${hint}`);
  } finally {
    // What was mined (all, or up to a cancel) shows in the status bar at once.
    void vscode.commands.executeCommand(REFRESH_MEMORY_STATUS).then(undefined, () => undefined);
  }
}

/**
 * With an embedder configured (roles.embedder in models.json), what was just mined and the code at
 * HEAD get their vectors now, as `coevolve mine` does. Mining already succeeded: an embedder that
 * fails is a warning, and recall stays lexical until the next mine catches up.
 */
async function embedMined(host: Host, keys: ApiKeys, workspace: Workspace): Promise<void> {
  const semantic = await editorEmbedder(keys, workspace.storeDir);
  if (semantic.note) host.log.warn(semantic.note);
  const embedder = semantic.embedder;
  if (!embedder) return;
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Co-evolve: embedding memory with ${embedder.model.model}`, cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          return await syncSemanticMemory(workspace.root, workspace.storeDir, await MemoryStore.open(workspace.storeDir), embedder, { signal: controller.signal });
        } finally {
          subscription.dispose();
        }
      },
    );
    for (const note of report.notes) host.log.info(note);
    const done = `Embedded ${report.experiences} experience(s) and ${report.codeChunks} code chunk(s) from ${report.changedFiles} changed file(s) with ${embedder.model.model}.`;
    host.log.info(done);
    void vscode.window.showInformationMessage(`Co-evolve: ${done}`);
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) {
      void vscode.window.showInformationMessage('Co-evolve: embedding cancelled; recall stays lexical for what was not embedded. Mine again to continue.');
      return;
    }
    const message = `The semantic vectors were not updated (recall stays lexical until they are): ${error instanceof Error ? error.message : String(error)}`;
    host.log.warn(message);
    void vscode.window.showWarningMessage(`Co-evolve: ${message}`);
  }
}

