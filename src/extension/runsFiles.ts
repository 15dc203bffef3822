import { join } from 'node:path';
import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import type { Host } from './vscodeHost.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import { isRunId } from '../protocol/memoryPanel.ts';
import { runsQueryFor } from './runsQuery.ts';

// A run's files in editors: "Co-evolve: Show Run Log" and the Runs tab's Open Log / Open Patch both
// come here, and its list is the Runs tab's (the same reading of summaries and unfinished runs).

const FILES = { summary: 'summary.json', patch: 'patch.diff', log: 'trajectory.jsonl' } as const;
export type RunFile = keyof typeof FILES;

/**
 * Opens some of a run's files, the first focused; a file the run lacks is skipped. Says how many
 * opened. `beside`: next to the panel that asked, which stays in view.
 */
export async function openRunFiles(runsDir: string, runId: string, files: readonly RunFile[], options: { beside?: boolean } = {}): Promise<number> {
  // The id comes from a folder listing or a validated webview message; checked again before it becomes a path.
  if (!isRunId(runId)) throw new CoevolveError('bad-input', `"${runId}" is not a run id.`);
  let opened = 0;
  for (const file of files) {
    const uri = vscode.Uri.file(join(runsDir, runId, FILES[file]));
    const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
    if (!exists) continue;
    await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: opened > 0, ...(options.beside ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
    opened += 1;
  }
  return opened;
}

/** "Co-evolve: Show Run Log": pick a run (newest first) and open its summary, patch and trajectory. */
export async function showRunLog(host: Host): Promise<void> {
  const folder = host.workspaceFolders()[0];
  if (!folder) return;
  const query = runsQueryFor((await resolveWorkspace(folder, host.setting<string>('storePath') || undefined)).storeDir);
  const { runs } = await query.page({}, 0, 50);
  if (!runs.length) {
    void vscode.window.showInformationMessage('Co-evolve: no runs yet. Solve a task first.');
    return;
  }
  const items = runs.map((run) => ({
    id: run.id,
    label: run.task,
    description: run.status === 'unfinished' ? 'unfinished' : `${run.status}${run.rounds ? ` · ${run.rounds} round(s)` : ''}${run.decision ? ` · ${run.decision}` : ''}`,
    detail: run.id,
  }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Co-evolve: runs', placeHolder: "Open which run's log?" });
  if (pick) await openRunFiles(query.runsDir, pick.id, ['summary', 'patch', 'log']);
}
