import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import { ifPresent } from '../core/util/fsProbe.ts';
import { gitDirsOf } from './gitDirs.ts';
import { storeDirIn } from './storeLocation.ts';

/** Internal (not in the palette): mining calls it when it ends, so the count never waits on a file watcher. */
export const REFRESH_MEMORY_STATUS = 'coevolve.refreshMemoryStatus';

/**
 * How much the project's memory holds, in the status bar; a click opens the browser. Read from
 * meta.json alone (a few hundred bytes), kept current by a file watcher: no store is loaded.
 */
export function memoryStatus(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('coevolve.memory', vscode.StatusBarAlignment.Right, 101);
  item.name = 'Co-evolve Memory';
  item.command = 'coevolve.openMemoryBrowser';
  const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file');
  if (!folder) return item;
  const storeDir = storeDirIn(folder.uri.fsPath);
  const meta = join(storeDir, 'memory', 'meta.json');
  // Refreshes overlap (the file watcher, the command mining runs, HEAD moving): only the latest one
  // shows what it read, or an earlier read (say, an empty store as mining began) would win.
  let latest = 0;
  const refresh = async (): Promise<void> => {
    const ticket = ++latest;
    let shown: { count: number; following: string } | undefined;
    try {
      const parsed = JSON.parse(await readFile(meta, 'utf8')) as { counts?: { experiences?: number }; mining?: { branch?: string } };
      shown = { count: parsed.counts?.experiences ?? 0, following: await followingLine(folder.uri.fsPath, parsed.mining?.branch) };
    } catch {
      shown = undefined;
    }
    if (ticket !== latest) return;
    if (!shown) {
      item.hide();
      void vscode.commands.executeCommand('setContext', 'coevolve.memoryMined', false);
      return;
    }
    const count = shown.count.toLocaleString('en-US');
    item.text = `$(database) ${count}`;
    item.tooltip = `Co-evolve memory: ${count} experiences mined from this repository's history. ${shown.following} Click to browse.`;
    // Read out as shown on hover (the status bar reads only the text otherwise).
    item.accessibilityInformation = { label: item.tooltip };
    item.show();
    // The walkthrough's first step is done for a project mined before (by the CLI, or a teammate's store).
    void vscode.commands.executeCommand('setContext', 'coevolve.memoryMined', shown.count > 0);
  };
  const inside = relative(folder.uri.fsPath, meta);
  const watcher = inside.startsWith('..') ? undefined : vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, inside.split('\\').join('/')));
  watcher?.onDidChange(() => void refresh());
  watcher?.onDidCreate(() => void refresh());
  watcher?.onDidDelete(() => void refresh());
  void refresh();
  const command = vscode.commands.registerCommand(REFRESH_MEMORY_STATUS, refresh);
  return vscode.Disposable.from(item, command, ...(watcher ? [watcher] : []));
}

/** Whether new commits reach memory by themselves here, and why not when they do not (headWatch.ts follows them). */
async function followingLine(folder: string, followed: string | undefined): Promise<string> {
  const off = 'New commits reach memory when you run Co-evolve: Mine Project History.';
  if (!vscode.workspace.isTrusted) return `Restricted Mode: ${off}`;
  if (vscode.workspace.getConfiguration('coevolve').get<boolean>('mining.followCommits') === false) return off;
  if (!followed) return 'New commits on top of the mined history are mined as they are made.';
  const branch = shortName(followed);
  const git = gitDirsOf(folder);
  const head = (git && (await ifPresent(readFile(join(git.dir, 'HEAD'), 'utf8')))) || '';
  const here = /^ref:\s*(\S+)/.exec(head)?.[1];
  if (here === followed) return `New commits on ${branch} are mined as they are made.`;
  return `Memory follows ${branch}; HEAD is ${here ? `on ${shortName(here)}` : 'detached'}: commits here reach memory once merged into ${branch}.`;
}

function shortName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}
