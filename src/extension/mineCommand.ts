import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import type { Host } from './vscodeHost.ts';
import { mineHistory } from '../core/mining/miner.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import { REFRESH_MEMORY_STATUS } from './memoryStatus.ts';

/** "Co-evolve: Mine Project History": the same core call as `coevolve mine`, with a cancellable notification. */
export async function mineProjectHistory(host: Host): Promise<void> {
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
          return await mineHistory(workspace.root, {
            storeDir: workspace.storeDir,
            ...(maxCommits > 0 ? { maxCommits } : {}),
            signal: controller.signal,
            onProgress: (p) => {
              const percent = p.total > 0 ? (p.done / p.total) * 100 : 0;
              progress.report({ increment: percent - reported, message: `${p.done}/${p.total} commits` });
              reported = percent;
            },
          });
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
