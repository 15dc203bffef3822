import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../core/agents/solveTask.ts';
import type { Host } from '../core/host.ts';
import { resolveWorkspace } from '../core/workspace.ts';

/** "Co-evolve: Show Run Log": pick a run (newest first) and open its summary, trajectory and patch. */
export async function showRunLog(host: Host): Promise<void> {
  const folder = host.workspaceFolders()[0];
  if (!folder) return;
  const runsDir = join((await resolveWorkspace(folder, host.setting<string>('storePath') || undefined)).storeDir, 'runs');
  const ids = (await readdir(runsDir).catch(() => [] as string[])).sort().reverse().slice(0, 50);
  const items: (vscode.QuickPickItem & { id: string })[] = [];
  for (const id of ids) {
    const summary = await readFile(join(runsDir, id, 'summary.json'), 'utf8').then((t) => JSON.parse(t) as Partial<RunSummary>).catch(() => undefined);
    items.push({ id, label: summary?.task?.split('\n')[0]?.slice(0, 100) ?? '(unfinished run)', description: summary ? `${summary.status} · ${summary.rounds} round(s)` : 'no summary', detail: id });
  }
  if (!items.length) {
    void vscode.window.showInformationMessage('Co-evolve: no runs yet. Solve a task first.');
    return;
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Co-evolve: runs', placeHolder: 'Open which run\'s log?' });
  if (!pick) return;
  for (const file of ['summary.json', 'patch.diff', 'trajectory.jsonl']) {
    const uri = vscode.Uri.file(join(runsDir, pick.id, file));
    await vscode.workspace.fs.stat(uri).then(
      () => vscode.window.showTextDocument(uri, { preview: false, preserveFocus: file !== 'summary.json' }),
      () => undefined,
    );
  }
}
