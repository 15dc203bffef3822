import * as vscode from 'vscode';
import type { Solution } from '../../core/agents/solveTask.ts';
import { recordRunOutcome } from '../../core/learning/runOutcome.ts';
import type { ProposedChanges } from '../proposedChanges.ts';
import { applySolution } from '../solveCommand.ts';
import type { Host } from '../vscodeHost.ts';

/**
 * Solutions the chat offered and the user has not decided on: their sandboxes stay until "Apply" or
 * "Discard" (or the window closes, which discards them).
 */
export class PendingSolutions implements vscode.Disposable {
  private readonly held = new Map<string, { solution: Solution; root: vscode.Uri }>();

  constructor(
    private readonly host: Host,
    private readonly proposals: ProposedChanges,
  ) {}

  async hold(solution: Solution, root: string): Promise<void> {
    this.held.set(solution.runId, { solution, root: vscode.Uri.file(root) });
  }

  async showChanges(runId: string): Promise<void> {
    const entry = this.get(runId);
    if (!entry) return;
    await this.proposals.show(runId, entry.root, await entry.solution.planApply(), `Co-evolve: ${entry.solution.plan.summary.slice(0, 80)}`);
  }

  async apply(runId: string): Promise<void> {
    const entry = this.get(runId);
    if (!entry) return;
    this.held.delete(runId);
    try {
      const files = entry.solution.files.length;
      await applySolution(entry.solution, entry.root, this.host);
      void vscode.window.showInformationMessage(`Co-evolve: applied to ${files} file${files === 1 ? '' : 's'}. Undo (Ctrl+Z) in each file reverts it.`);
    } catch (error) {
      await entry.solution.reject().catch((e: unknown) => this.host.log.warn(`removing the sandbox failed: ${String(e)}`));
      const message = error instanceof Error ? error.message : String(error);
      this.host.log.error(message);
      void vscode.window.showErrorMessage(`Co-evolve: ${message}`);
    } finally {
      this.proposals.forget(runId);
    }
  }

  async discard(runId: string): Promise<void> {
    const entry = this.get(runId);
    if (!entry) return;
    this.held.delete(runId);
    this.proposals.forget(runId);
    await entry.solution.reject();
    await recordRunOutcome(entry.solution.storeDir, runId, 'rejected').catch((e: unknown) => this.host.log.warn(String(e)));
    void vscode.window.showInformationMessage('Co-evolve: discarded; your files were not touched.');
  }

  dispose(): void {
    for (const { solution } of this.held.values()) void solution.reject().catch((e: unknown) => this.host.log.warn(`removing a sandbox failed: ${String(e)}`));
    this.held.clear();
  }

  private get(runId: string): { solution: Solution; root: vscode.Uri } | undefined {
    const entry = this.held.get(runId);
    if (!entry) void vscode.window.showWarningMessage('Co-evolve: that change was already applied or discarded.');
    return entry;
  }
}
