import * as vscode from 'vscode';
import type { PlannedChange } from '../core/sandbox/changePlan.ts';
import { replaceChangedLines } from './lineEdits.ts';

const PROPOSED_SCHEME = 'coevolve-proposed';

/**
 * Serves the team's proposed file contents as read-only documents, so the change can be shown in
 * VS Code's own diff editors before anything touches the user's files.
 */
export class ProposedChanges implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly runs = new Map<string, Map<string, string>>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    const query = new URLSearchParams(uri.query);
    const key = `${query.get('side') === 'before' ? '.before/' : ''}${uri.path.slice(1)}`;
    return this.runs.get(query.get('run') ?? '')?.get(key) ?? '';
  }

  /** Opens the multi-file diff of a run's changes: current file on the left, proposal on the right. */
  async show(runId: string, root: vscode.Uri, changes: PlannedChange[], title: string): Promise<void> {
    const contents = new Map<string, string>();
    const resources: [vscode.Uri, vscode.Uri, vscode.Uri][] = [];
    for (const change of changes) {
      // Both sides carry the file's own path, so the diff is labelled by it (not as a rename).
      const proposed = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${change.path}`, query: new URLSearchParams({ run: runId, side: 'after' }).toString() });
      const before = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${change.path}`, query: new URLSearchParams({ run: runId, side: 'before' }).toString() });
      contents.set(change.path, change.binary ? '(binary file)' : (change.after ?? ''));
      contents.set(`.before/${change.path}`, change.binary ? '(binary file)' : (change.before ?? ''));
      resources.push([vscode.Uri.joinPath(root, change.path), before, proposed]);
    }
    this.runs.set(runId, contents);
    await vscode.commands.executeCommand('vscode.changes', title, resources);
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }

  dispose(): void {
    this.registration.dispose();
    this.runs.clear();
  }
}

/**
 * The change as one WorkspaceEdit: text edits for text files (undoable with Ctrl+Z like any edit),
 * file operations for new, deleted and binary files.
 */
export async function workspaceEditFor(root: vscode.Uri, changes: PlannedChange[]): Promise<vscode.WorkspaceEdit> {
  const edit = new vscode.WorkspaceEdit();
  for (const change of changes) {
    const uri = vscode.Uri.joinPath(root, change.path);
    if (change.status === 'deleted') {
      edit.deleteFile(uri, { ignoreIfNotExists: true });
    } else if (change.status === 'added' || change.binary || change.afterKind !== 'file') {
      edit.createFile(uri, { overwrite: change.status !== 'added', contents: change.afterBytes ?? new Uint8Array() });
    } else {
      replaceChangedLines(edit, await vscode.workspace.openTextDocument(uri), change.after ?? '');
    }
  }
  return edit;
}
