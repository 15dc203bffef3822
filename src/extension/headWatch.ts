import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { gitDirsOf } from './gitDirs.ts';
import { storeDirIn } from './storeLocation.ts';

/** Quiet time after the last change before following: a rebase or a pull moves HEAD many times. */
const SETTLE_MS = 1000;

/**
 * Tells `onMoved` when HEAD or a branch moved in a workspace folder whose repository has been mined:
 * its reflog and refs are watched, so a commit made anywhere (terminal, Source Control, another tool)
 * is seen. Runs at activation without the core: only file reads, no git. Nothing is watched in
 * Restricted Mode (following runs git on its own; the user can still mine by command there).
 */
export function watchHeads(onMoved: (folder: string) => void): vscode.Disposable {
  const watched = new Map<string, vscode.Disposable>();
  const refresh = (): void => {
    const folders = vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath) : [];
    for (const [folder, watcher] of watched) {
      if (folders.includes(folder)) continue;
      watcher.dispose();
      watched.delete(folder);
    }
    for (const folder of folders) if (!watched.has(folder)) watched.set(folder, watchFolder(folder, onMoved));
  };
  refresh();
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeWorkspaceFolders(refresh),
    vscode.workspace.onDidGrantWorkspaceTrust(refresh),
    { dispose: () => watched.forEach((watcher) => watcher.dispose()) },
  );
}

function watchFolder(folder: string, onMoved: (folder: string) => void): vscode.Disposable {
  const git = gitDirsOf(folder);
  if (!git) return { dispose: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (vscode.workspace.getConfiguration('coevolve').get<boolean>('mining.followCommits') === false) return;
      // The store lives beside the repository root (coevolve.storePath): never mined, nothing to follow.
      if (existsSync(join(storeDirIn(git.root), 'memory', 'meta.json'))) onMoved(folder);
    }, SETTLE_MS);
  };
  // HEAD's reflog grows with every commit, merge, pull, reset and checkout; the refs cover a
  // repository whose reflog is off. A linked worktree keeps HEAD in its own folder, refs in the common one.
  const watchers = [
    vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(git.dir), '{HEAD,logs/HEAD}')),
    vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(git.common), '{packed-refs,refs/heads/**}')),
  ];
  for (const watcher of watchers) {
    watcher.onDidChange(changed);
    watcher.onDidCreate(changed);
  }
  return { dispose: () => (clearTimeout(timer), watchers.forEach((w) => w.dispose())) };
}
