import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { TaskInput } from '../core/agents/task.ts';
import { ApiKeys, setApiKey } from './apiKeys.ts';
import { CommitDocuments } from './commitDocuments.ts';
import { configureProvider } from './configureProvider.ts';
import { evolveSkillsCommand } from './evolveCommand.ts';
import type { PastFixArgs, ProblemArgs } from './fixActions.ts';
import { createMemoryPanel } from './memoryPanelHost.ts';
import type { MemoryPanel } from './memoryPanelHost.ts';
import { mineProjectHistory } from './mineCommand.ts';
import { CommitFollower } from './commitFollower.ts';
import { workspaceModelConfig } from './modelSetup.ts';
import type { PastFixCache } from './pastFixCache.ts';
import { PastFixes } from './pastFixes.ts';
import { ProposedChanges } from './proposedChanges.ts';
import { showRunLog } from './runsFiles.ts';
import { LiveRuns } from './runsLive.ts';
import { SidecarController } from './sidecarController.ts';
import { solveTaskCommand } from './solveCommand.ts';
import { testModelConnection } from './testModelCommand.ts';
import type { VsCodeHost } from './vscodeHost.ts';
import { handleChat } from './chat/chatHandler.ts';
import { PendingSolutions } from './chat/pendingSolutions.ts';
import { InProcessMemoryTools } from '../mcp/inProcessTools.ts';
import type { MemoryToolName } from '../mcp/inProcessTools.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import type { Workspace } from '../core/workspace.ts';
import { CoevolveError } from '../core/errors.ts';
import { describeIgnored, ignoreError, setIgnoredErrorSink } from '../core/ignoredErrors.ts';

/**
 * Everything behind the commands: its own bundle (dist/features.cjs), loaded on first use, so that
 * activation does not pay for git, lowdb, tree-sitter, MiniSearch or the openai client.
 */
export class Features implements vscode.Disposable {
  private readonly keys: ApiKeys;
  private readonly sidecar: SidecarController;
  private readonly proposals = new ProposedChanges();
  /** Past commits opened from the memory browser, as read-only documents. */
  private readonly commits = new CommitDocuments();
  private readonly pastFixes: PastFixes;
  /** Solves in progress: the solve command reports to it, the memory browser's Runs tab listens. */
  private readonly liveRuns = new LiveRuns();
  private panel: MemoryPanel | undefined;
  /** Changes the chat offered, waiting for Apply or Discard. */
  private readonly pending: PendingSolutions;
  /** The MCP server's memory tools, in process, per store: the chat and the language-model tools use them. */
  private readonly memoryTools = new Map<string, InProcessMemoryTools>();
  private readonly follower: CommitFollower;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: VsCodeHost,
    cache: PastFixCache,
  ) {
    // Errors the code carries on past (each with its reason) go to the Co-evolve output channel.
    setIgnoredErrorSink((why, error) => host.log.warn(describeIgnored(why, error)));
    this.keys = new ApiKeys(context.secrets);
    this.sidecar = new SidecarController(context, host);
    this.pastFixes = new PastFixes(host, cache);
    this.pending = new PendingSolutions(host, this.proposals);
    this.follower = new CommitFollower(host);
  }

  /** `@coevolve` in the Chat view. */
  handleChat(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    return handleChat({ host: this.host, keys: this.keys, live: this.liveRuns, pending: this.pending, tools: (workspace) => this.toolsFor(workspace) }, request, context, stream, token);
  }

  chatShowChanges(runId: string): Promise<void> {
    return this.pending.showChanges(runId);
  }

  chatApply(runId: string): Promise<void> {
    return this.pending.apply(runId);
  }

  chatDiscard(runId: string): Promise<void> {
    return this.pending.discard(runId);
  }

  /** A language-model tool call: the MCP tool of the same name answers; its error becomes the model's error. */
  async runMemoryTool(tool: MemoryToolName, input: Record<string, unknown>): Promise<string> {
    const folder = this.host.workspaceFolders()[0];
    if (!folder) throw new CoevolveError('bad-input', 'Co-evolve has no folder open, so there is no project memory to read.');
    const answer = await this.toolsFor(await resolveWorkspace(folder, this.host.setting<string>('storePath') || undefined)).call(tool, input);
    if (answer.isError) throw new CoevolveError('bad-input', answer.text);
    return answer.text;
  }

  private toolsFor(workspace: Workspace): InProcessMemoryTools {
    let tools = this.memoryTools.get(workspace.storeDir);
    if (!tools) this.memoryTools.set(workspace.storeDir, (tools = new InProcessMemoryTools(workspace)));
    return tools;
  }

  /** "Fix with Co-evolve" on a diagnostic, or "Fix Problem at Cursor": the team, with the problem as the task. */
  async fixProblem(args?: ProblemArgs): Promise<void> {
    const problem = args ?? problemAtCursor();
    if (!problem) {
      void vscode.window.showInformationMessage('Co-evolve: there is no problem reported at the cursor.');
      return;
    }
    const uri = vscode.Uri.parse(problem.uri);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const path = folder ? relative(folder.uri.fsPath, uri.fsPath).split(sep).join('/') : uri.fsPath;
    const task: TaskInput = {
      text: `Fix the problem ${problem.source ? `${problem.source} reports` : 'reported'} in ${path} at line ${problem.line}.`,
      files: [path],
      diagnostic: { path, line: problem.line, message: problem.message, ...(problem.source ? { source: problem.source } : {}) },
    };
    await solveTaskCommand(this.host, this.keys, this.proposals, this.liveRuns, task);
  }

  openMemoryBrowser(): void {
    this.panel ??= createMemoryPanel(this.context.extensionUri, this.host, this.liveRuns, this.commits, this.keys);
    this.panel.open();
  }

  applyPastFix(args: PastFixArgs): Promise<void> {
    return this.pastFixes.apply(args);
  }

  lookupPastFixes(uris: readonly vscode.Uri[]): Promise<void> {
    return this.pastFixes.refresh(uris);
  }

  evolveSkills(): Promise<void> {
    return evolveSkillsCommand(this.host, this.keys);
  }

  solveTask(): Promise<void> {
    return solveTaskCommand(this.host, this.keys, this.proposals, this.liveRuns);
  }

  mineHistory(): Promise<void> {
    return mineProjectHistory(this.host, this.keys);
  }

  /** HEAD moved in a mined repository (headWatch.ts): mine what was committed on top, in the background. */
  followCommits(folder: string): Promise<void> {
    return this.follower.follow(folder);
  }

  async setApiKey(): Promise<void> {
    await setApiKey(this.keys, await workspaceModelConfig(this.host).catch(ignoreError('an unreadable models.json only means no key names to suggest')));
  }

  configureProvider(): Promise<void> {
    return configureProvider(this.host, this.keys);
  }

  showRunLog(): Promise<void> {
    return showRunLog(this.host);
  }

  testModel(): Promise<void> {
    return testModelConnection(this.host, this.keys);
  }

  startSidecar(): Promise<void> {
    return this.sidecar.start();
  }

  stopSidecar(): Promise<void> {
    return this.sidecar.stop();
  }

  sidecarStatus(): void {
    this.sidecar.showStatus();
  }

  /** VS Code waits for this: the sidecar process never outlives the editor. */
  deactivate(): Promise<void> {
    return this.sidecar.stop();
  }

  dispose(): void {
    this.follower.dispose();
    this.pending.dispose();
    for (const tools of this.memoryTools.values()) void tools.close().catch((e: unknown) => this.host.log.warn(`closing the memory tools failed: ${String(e)}`));
    this.panel?.dispose();
    this.pastFixes.dispose();
    this.proposals.dispose();
    this.commits.dispose();
    this.sidecar.dispose();
  }
}

export function createFeatures(context: vscode.ExtensionContext, host: VsCodeHost, cache: PastFixCache): Features {
  return new Features(context, host, cache);
}

function problemAtCursor(): ProblemArgs | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const at = editor.selection.active;
  const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
  const here = diagnostics.find((d) => d.range.contains(at)) ?? diagnostics.find((d) => d.range.start.line === at.line);
  if (!here) return undefined;
  return { uri: editor.document.uri.toString(), message: here.message, line: here.range.start.line + 1, ...(here.source ? { source: here.source } : {}) };
}
