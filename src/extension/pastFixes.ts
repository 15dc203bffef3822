import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { creditFixes, readFixes } from '../core/learning/fixExperience.ts';
import { applyFilePatch, commitFilePatch } from '../core/learning/pastFixPatch.ts';
import { creditExperiences } from '../core/learning/utility.ts';
import { recallInWorkspace } from '../core/memory/recallService.ts';
import { warmMemoryFor } from '../core/memory/warmMemory.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import type { PastFixArgs } from './fixActions.ts';
import type { PastFixCache, PastFixSuggestion } from './pastFixCache.ts';
import { replaceChangedLines } from './lineEdits.ts';
import type { VsCodeHost } from './vscodeHost.ts';
import { ifPresent } from '../core/util/fsProbe.ts';

const SCHEME = 'coevolve-pastfix';
const UNDO_WATCH_MS = 5 * 60_000;
const MAX_SUGGESTIONS = 2;

/**
 * Finds, for a problem in an open file, past fixes (mined fix commits, accepted solved tasks) whose
 * change to that very file still applies to its current text; previews and applies one as an
 * undoable edit, and credits the memory it came from (undoing it soon after counts against it).
 */
export class PastFixes implements vscode.Disposable {
  private readonly previews = new Map<string, string>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly host: VsCodeHost,
    private readonly cache: PastFixCache,
  ) {
    this.disposables = [vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: (uri) => this.previews.get(uri.query) ?? '' })];
  }

  async refresh(uris: readonly vscode.Uri[]): Promise<void> {
    for (const uri of uris) {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const folder = document && vscode.workspace.getWorkspaceFolder(document.uri);
      if (!document || !folder) continue;
      for (const diagnostic of vscode.languages.getDiagnostics(uri).slice(0, 3)) {
        if (this.cache.has(uri.toString(), diagnostic.message, document.version)) continue;
        const suggestions = await this.find(folder.uri.fsPath, document, diagnostic.message).catch((error: unknown) => {
          this.host.log.warn(`Past fixes for ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
          return [];
        });
        this.cache.set(uri.toString(), diagnostic.message, document.version, suggestions);
      }
    }
  }

  private async find(folder: string, document: vscode.TextDocument, message: string): Promise<PastFixSuggestion[]> {
    const workspace = await resolveWorkspace(folder, this.host.setting<string>('storePath') || undefined);
    const path = relative(workspace.root, document.uri.fsPath).split(sep).join('/');
    const text = document.getText();
    const out: PastFixSuggestion[] = [];
    // Accepted fixes of this product first: they were verified here.
    for (const fix of (await readFixes(workspace.storeDir)).filter((f) => f.active && !f.utility.quarantined && f.files.includes(path))) {
      const patch = (await ifPresent(readFile(join(workspace.storeDir, 'runs', fix.runId, 'patch.diff'), 'utf8'))) ?? '';
      const applied = applyFilePatch(text, patch, path);
      if (applied) out.push({ title: `Apply past fix: ${fix.task.split('\n')[0]!.slice(0, 60)} (from run ${fix.runId})`, itemId: fix.id, newText: applied });
      if (out.length >= MAX_SUGGESTIONS) return out;
    }
    const recalled = await recallInWorkspace(workspace, `${message} ${path}`, { k: 10, warm: warmMemoryFor(workspace.storeDir) });
    for (const experience of recalled.experiences.filter((e) => e.kind === 'fix' && e.files.includes(path))) {
      const applied = applyFilePatch(text, await commitFilePatch(workspace.root, experience.sha, path), path);
      if (applied) out.push({ title: `Apply past fix: ${experience.subject.slice(0, 60)} (from ${experience.sha.slice(0, 7)})`, itemId: `commit:${experience.sha}`, newText: applied });
      if (out.length >= MAX_SUGGESTIONS) break;
    }
    return out;
  }

  /** Preview, then one undoable edit; credit +1 when kept, −1 when undone soon after. */
  async apply(args: PastFixArgs): Promise<void> {
    const uri = vscode.Uri.parse(args.uri);
    const document = await vscode.workspace.openTextDocument(uri);
    const suggestion = this.cache.get(args.uri, args.message, document.version).find((s) => s.itemId === args.itemId);
    if (!suggestion) {
      void vscode.window.showWarningMessage('Co-evolve: the file changed since this fix was suggested; try the quick fix again.');
      return;
    }
    const key = `${args.itemId}:${Date.now()}`;
    this.previews.set(key, suggestion.newText);
    await vscode.commands.executeCommand('vscode.diff', uri, vscode.Uri.from({ scheme: SCHEME, path: uri.path, query: key }), `${suggestion.title} (preview)`);
    const choice = await vscode.window.showInformationMessage(`Co-evolve: ${suggestion.title}?`, { modal: true, detail: 'The preview shows the change. It is applied as one edit you can undo.' }, 'Apply');
    this.previews.delete(key);
    if (choice !== 'Apply') return;
    const edit = new vscode.WorkspaceEdit();
    replaceChangedLines(edit, document, suggestion.newText);
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage('Co-evolve: VS Code did not apply the fix.');
      return;
    }
    // Watch for an undo from the moment the edit lands: an undo that comes while the +1 is still
    // being written must not be missed, and its −1 is written after that +1.
    const storeDir = (await resolveWorkspace(vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? uri.fsPath, this.host.setting<string>('storePath') || undefined)).storeDir;
    // credit() never rejects: a failed write is logged, and the undo's −1 still follows it.
    const credited = this.credit(storeDir, args.itemId, 1);
    this.watchUndo(uri, storeDir, args.itemId, credited);
    await vscode.window.showTextDocument(uri, { preview: false });
    await credited;
    this.host.log.info(`Applied ${suggestion.title} to ${uri.fsPath}.`);
  }

  private watchUndo(uri: vscode.Uri, storeDir: string, itemId: string, credited: Promise<void>): void {
    const subscription = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.uri.toString() !== uri.toString() || event.reason !== vscode.TextDocumentChangeReason.Undo) return;
      subscription.dispose();
      clearTimeout(timer);
      // Undone right away: it did not help. The earlier +1 is outweighed, not erased.
      void credited
        .then(() => this.credit(storeDir, itemId, -1))
        .then(() => this.host.log.info(`The past fix ${itemId} was undone; recorded as unhelpful.`));
    });
    const timer = setTimeout(() => subscription.dispose(), UNDO_WATCH_MS);
    this.disposables.push(subscription);
  }

  private async credit(storeDir: string, itemId: string, reward: 1 | -1): Promise<void> {
    try {
      if (itemId.startsWith('commit:')) await creditExperiences(storeDir, [itemId], reward);
      else await creditFixes(storeDir, [itemId], reward);
    } catch (error) {
      this.host.log.warn(`Could not record feedback for ${itemId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
