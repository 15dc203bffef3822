import { isAbsolute, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import type { Host } from './vscodeHost.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import type { Workspace } from '../core/workspace.ts';
import { parseResult, parseWebviewMessage } from '../protocol/memoryPanel.ts';
import type { HostMessage, RequestHandlers, RequestMessage, RequestName, WebviewNotificationParams } from '../protocol/memoryPanel.ts';
import { memoryPanelHandlers } from './memoryPanelHandlers.ts';
import { memoryPanelHtml, webviewRoot } from './memoryPanelHtml.ts';
import { openRunFiles } from './runsFiles.ts';
import type { LiveRuns } from './runsLive.ts';
import { confirmRunFeedback, forwardLiveRuns } from './runsPanel.ts';
import { runsQueryFor } from './runsQuery.ts';
import { confirmForget } from './forgetConfirm.ts';
import { confirmSkill } from './skillConfirm.ts';
import type { CommitDocuments } from './commitDocuments.ts';
import { ignoreError } from '../core/ignoredErrors.ts';
import type { ApiKeys } from './apiKeys.ts';
import { editorEmbedder } from './editorEmbedder.ts';

const VIEW_TYPE = 'coevolve.memoryBrowser';

/** The memory & skill browser: one panel, revealed again when already open. Errors become panel messages. */
export class MemoryPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: Host,
    private readonly live: LiveRuns,
    private readonly commits: CommitDocuments,
    private readonly keys: ApiKeys,
  ) {}

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Co-evolve: Memory & Skills', vscode.ViewColumn.Active, {
      enableScripts: true,
      // Rebuilt from the store when shown again (the webview keeps its tab and query in setState).
      retainContextWhenHidden: false,
      localResourceRoots: [webviewRoot(this.extensionUri)],
    });
    this.panel = panel;
    const handlers = memoryPanelHandlers(() => this.workspace(), {
      runs: { live: () => this.live.runIds(), confirmFeedback: confirmRunFeedback },
      // Each skill action is confirmed in VS Code's modal, from the handler: it words it with what it read.
      skills: { approver: process.env.USER ?? 'user', confirmSkill },
      confirmForget,
      embedderOf: (storeDir) => editorEmbedder(this.keys, storeDir),
    });
    const subscriptions = [
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(panel, handlers, raw)),
      // Solves stream into the Runs tab while the panel is open (a hidden panel drops them; "ready" resends).
      forwardLiveRuns(this.live, (message) => post(panel, message)),
      // Trust is granted in VS Code's own UI; the banner goes away without reopening the panel.
      vscode.workspace.onDidGrantWorkspaceTrust(() => post(panel, { type: 'notify', name: 'trust', params: { trusted: true } })),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of subscriptions) d.dispose();
      }),
    ];
    panel.webview.html = memoryPanelHtml(panel.webview, this.extensionUri);
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private async workspace(): Promise<Workspace> {
    const folder = this.host.workspaceFolders()[0];
    if (!folder) throw new CoevolveError('bad-input', 'Open a folder first: the browser shows the memory of the open workspace.');
    return resolveWorkspace(folder, this.host.setting<string>('storePath') || undefined);
  }

  private async receive(panel: vscode.WebviewPanel, handlers: RequestHandlers, raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.host.log.warn(`memory browser: ${parsed.error}`);
      if (parsed.id !== undefined) post(panel, { type: 'response', id: parsed.id, ok: false, error: { message: parsed.error, reason: 'bad-input' } });
      return;
    }
    const message = parsed.message;
    if (message.type === 'request') {
      post(panel, await this.answer(handlers, message));
      return;
    }
    if (message.name === 'ready') {
      // No folder open (or not a repository) is shown in the panel as "no workspace".
      const ws = await this.workspace().catch(ignoreError('the memory panel opened without a usable workspace'));
      post(panel, { type: 'notify', name: 'workspace', params: { folder: ws?.root ?? null, storeDir: ws?.storeDir ?? null } });
      post(panel, { type: 'notify', name: 'trust', params: { trusted: vscode.workspace.isTrusted } });
      post(panel, { type: 'notify', name: 'liveRuns', params: { runs: this.live.snapshot() } });
      return;
    }
    if (message.name === 'manageTrust') {
      // VS Code's trust editor, where the user decides; the webview cannot grant trust itself.
      await vscode.commands.executeCommand('workbench.trust.manage').then(undefined, (error: unknown) => this.host.log.warn(`memory browser: ${errorText(error)}`));
      return;
    }
    const opened = message.name === 'openRunFile' ? this.openRunFile(message.params) : message.name === 'showCommit' ? this.showCommit(message.params) : this.openFile(message.params);
    await opened.catch((error: unknown) => void vscode.window.showErrorMessage(`Co-evolve: ${errorText(error)}`));
  }

  private async showCommit({ sha }: WebviewNotificationParams<'showCommit'>): Promise<void> {
    await this.commits.show((await this.workspace()).root, sha);
  }

  private async openRunFile({ runId, file }: WebviewNotificationParams<'openRunFile'>): Promise<void> {
    const { runsDir } = runsQueryFor((await this.workspace()).storeDir);
    if (!(await openRunFiles(runsDir, runId, [file], { beside: true }))) throw new CoevolveError('bad-input', `Run ${runId} has no ${file === 'log' ? 'trajectory' : 'patch'} yet.`);
  }

  /** Exactly one response per request; a failing handler becomes an error response, never a crash. */
  private async answer(handlers: RequestHandlers, message: RequestMessage): Promise<HostMessage> {
    try {
      const handler = handlers[message.name] as (params: unknown) => Promise<unknown>;
      const result = await handler(message.params);
      // What the webview will check anyway: an odd record in the store is reported here, with its cause.
      const checked = parseResult(message.name as RequestName, result);
      if (!checked.ok) throw new CoevolveError('store-corrupt', checked.error);
      return { type: 'response', id: message.id, ok: true, result: checked.message };
    } catch (error) {
      this.host.log.warn(`memory browser: ${message.name} failed: ${errorText(error)}`);
      return { type: 'response', id: message.id, ok: false, error: { message: errorText(error), reason: CoevolveError.is(error) ? error.reason : undefined } };
    }
  }

  private async openFile({ path, line }: WebviewNotificationParams<'openFile'>): Promise<void> {
    const { root } = await this.workspace();
    const target = resolve(root, path);
    const inside = relative(root, target);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) throw new CoevolveError('path-outside-workspace', `${path} is not inside the workspace.`);
    const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(vscode.Uri.file(target), { selection: new vscode.Range(position, position), preview: true });
  }
}

function post(panel: vscode.WebviewPanel, message: HostMessage): void {
  // A panel closed while a request ran: nobody is left to answer.
  void panel.webview.postMessage(message).then(undefined, () => undefined);
}

function errorText(error: unknown): string {
  if (CoevolveError.is(error)) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Entry of the lazily loaded bundle (see memoryPanel.ts). */
export function createMemoryPanel(extensionUri: vscode.Uri, host: Host, live: LiveRuns, commits: CommitDocuments, keys: ApiKeys): MemoryPanel {
  return new MemoryPanel(extensionUri, host, live, commits, keys);
}
