import * as vscode from 'vscode';
import type { SolveEvent } from '../core/agents/events.ts';
import { solveTask } from '../core/agents/solveTask.ts';
import type { Solution } from '../core/agents/solveTask.ts';
import type { TaskInput } from '../core/agents/task.ts';
import { CoevolveError } from '../core/errors.ts';
import type { Host } from './vscodeHost.ts';
import { recordRunOutcome } from '../core/learning/runOutcome.ts';
import type { ApiKeys } from './apiKeys.ts';
import { prepareModelRun } from './modelRun.ts';
import type { ModelRun } from './modelRun.ts';
import { workspaceEditFor } from './proposedChanges.ts';
import type { ProposedChanges } from './proposedChanges.ts';
import type { LiveRunHandle, LiveRuns } from './runsLive.ts';
import { solveBudgetSettings } from './solveBudgetSettings.ts';
import { ignoreError } from '../core/ignoredErrors.ts';

export const STAGE_TEXT: Record<string, string> = {
  memory: 'recalling project memory',
  sandbox: 'opening a sandbox',
  baseline: 'running the checks before any change',
  plan: 'planning',
  implement: 'implementing',
  verify: 'verifying',
  rectify: 'diagnosing a failure',
  done: 'done',
};

/**
 * "Co-evolve: Solve Task…": the team works in a sandbox while a cancellable notification shows
 * where it is; the verified change opens in a multi-file diff, and only "Apply" writes it, as one
 * undoable edit.
 */
export async function solveTaskCommand(host: Host, keys: ApiKeys, proposals: ProposedChanges, live: LiveRuns, preset?: TaskInput): Promise<void> {
  const run = await prepareModelRun(host, keys, 'solving a task');
  if (!run) return;
  const task = preset ?? (await askForTask());
  if (!task) return;
  // The Runs tab of the memory browser shows the run while it works, and until the user decides.
  const watched = live.start(task.text);
  try {
    const solution = await solveWithProgress(host, run, task, watched);
    if (!solution) return;
    watched.propose(solution.runId);
    await offer(solution, vscode.Uri.file(run.workspace.root), proposals, host);
  } finally {
    watched.end();
  }
}

/** The team at work behind a cancellable notification; undefined when it was cancelled or failed (the user was told). */
async function solveWithProgress(host: Host, { workspace, models, secrets, chatModels }: ModelRun, task: TaskInput, watched: LiveRunHandle): Promise<Solution | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Co-evolve', cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        return await solveTask({
          workspace,
          task,
          models,
          secrets,
          ...(chatModels ? { chatModels } : {}),
          policy: { workspaceTrusted: vscode.workspace.isTrusted, approveAll: false, approve: approveInModal },
          verify: { configured: host.setting<unknown>('verify') ?? [] },
          budget: solveBudgetSettings(host),
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'run') return watched.identify(event.runId);
            report(event, progress, host);
            watched.report(event);
          },
        });
      } finally {
        subscription.dispose();
      }
    });
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) {
      void vscode.window.showInformationMessage('Co-evolve: task cancelled; your files were not touched.');
      return undefined;
    }
    const message = error instanceof Error ? error.message : String(error);
    host.log.error(message);
    void vscode.window.showErrorMessage(`Co-evolve: ${message}${CoevolveError.is(error) && error.hint ? ` ${error.hint}` : ''}`);
    return undefined;
  }
}

async function askForTask(): Promise<TaskInput | undefined> {
  const editor = vscode.window.activeTextEditor;
  const text = await vscode.window.showInputBox({
    title: 'Co-evolve: Solve Task',
    prompt: 'What should change? The team works in a sandbox and shows you a verified diff.',
    placeHolder: 'e.g. make parseHeader accept an empty input',
    ignoreFocusOut: true,
  });
  if (!text?.trim()) return undefined;
  const task: TaskInput = { text: text.trim() };
  if (editor && editor.document.uri.scheme === 'file') {
    const path = vscode.workspace.asRelativePath(editor.document.uri, false);
    task.files = [path];
    if (!editor.selection.isEmpty) {
      task.selection = { path, startLine: editor.selection.start.line + 1, endLine: editor.selection.end.line + 1, text: editor.document.getText(editor.selection) };
    }
  }
  return task;
}

export async function approveInModal(command: string, reason: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `The model wants to run a command in its sandbox:\n\n${command}`,
    { modal: true, detail: `Its reason: ${reason}\n\nYour files are not affected, but the command runs with your user's permissions.` },
    'Run It',
  );
  return choice === 'Run It';
}

function report(event: SolveEvent, progress: vscode.Progress<{ message?: string }>, host: Host): void {
  switch (event.type) {
    case 'stage':
      progress.report({ message: `${event.round ? `round ${event.round}: ` : ''}${STAGE_TEXT[event.stage] ?? event.stage}` });
      host.log.info(`[solve] ${event.stage}${event.round ? ` (round ${event.round})` : ''}`);
      return;
    case 'plan':
      host.log.info(`[solve] plan: ${event.plan.summary}`);
      return;
    case 'tool':
      host.log.info(`[solve] ${event.ok ? '' : 'failed: '}${event.name} ${event.detail}`);
      return;
    case 'check':
      host.log.info(`[solve] ${event.phase} ${event.id}: ${event.status}`);
      return;
    case 'verdict':
      host.log.info(`[solve] ${event.text}`);
      return;
    case 'diagnosis':
      host.log.info(`[solve] rectifier: ${event.strategy} — ${event.rootCause}`);
      return;
    default:
      if (event.type === 'note') host.log.info(`[solve] ${event.text}`);
  }
}

async function offer(solution: Solution, root: vscode.Uri, proposals: ProposedChanges, host: Host): Promise<void> {
  try {
    if (!solution.files.length) {
      void vscode.window.showWarningMessage(`Co-evolve: the team made no change. ${solution.reason}`);
      await solution.reject();
      return;
    }
    const changes = await solution.planApply();
    const passed = solution.status === 'passed';
    await proposals.show(solution.runId, root, changes, `Co-evolve: ${solution.plan.summary.slice(0, 80)}`);
    const files = `${changes.length} file${changes.length === 1 ? '' : 's'}`;
    const message = offerText(solution, files);
    const apply = passed ? 'Apply' : 'Apply Anyway';
    const proven = passed && solution.evidence === 'proven';
    const choice = await (proven ? vscode.window.showInformationMessage(message, apply, 'Discard') : vscode.window.showWarningMessage(message, apply, 'Discard'));
    if (choice !== apply) {
      await solution.reject();
      // Dismissing the toast is not a decision; "Discard" is.
      if (choice === 'Discard') await recordRunOutcome(solution.storeDir, solution.runId, 'rejected').catch((e: unknown) => host.log.warn(String(e)));
      return;
    }
    await applySolution(solution, root, host);
    void vscode.window.showInformationMessage(`Co-evolve: applied to ${files}. Undo (Ctrl+Z) in each file reverts it.`);
  } catch (error) {
    await solution.reject().catch(ignoreError('removing the sandbox after a failed apply; the failure itself is reported next'));
    const message = error instanceof Error ? error.message : String(error);
    host.log.error(message);
    void vscode.window.showErrorMessage(`Co-evolve: ${message}`);
  } finally {
    proposals.forget(solution.runId);
  }
}

/**
 * Writes a verified change into the user's files as one undoable edit, saves them, removes the
 * sandbox and records the acceptance. Throws (the sandbox stays for the caller to reject) when a
 * touched file changed since or VS Code refuses the edit.
 */
export async function applySolution(solution: Solution, root: vscode.Uri, host: Host): Promise<void> {
  // Checked again at the moment of writing: the user may have edited a touched file meanwhile.
  const changes = await solution.planApply();
  const edit = await workspaceEditFor(root, changes);
  if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: true }))) throw new CoevolveError('edit-rejected', 'VS Code did not apply the change.');
  await Promise.all(changes.filter((c) => c.status !== 'deleted').map(async (c) => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === vscode.Uri.joinPath(root, c.path).fsPath)?.save()));
  await solution.confirmApplied();
  await recordRunOutcome(solution.storeDir, solution.runId, 'accepted').catch((e: unknown) => host.log.warn(String(e)));
}

/** What the offer says depends on how the change was shown to work: proven, no regressions only, or not at all. */
function offerText(solution: Solution, files: string): string {
  if (solution.status !== 'passed') return `Co-evolve: ${solution.reason} The change to ${files} is NOT verified.`;
  if (solution.evidence === 'proven') {
    const targets = solution.targets.filter((t) => t.before === 'failing' && t.after === 'passing');
    const what = targets.length === 1 ? `"${targets[0]!.target.label.slice(0, 80)}" failed before and passes` : `${targets.length} targets failed before and pass`;
    return `Co-evolve: proven — ${what} with this change to ${files}. ${solution.summary}`;
  }
  return `Co-evolve: the checks pass with this change to ${files}, but no test demonstrates it (no regressions only). ${solution.summary}`;
}
