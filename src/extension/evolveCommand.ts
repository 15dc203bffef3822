import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import { evolveSkills } from '../core/evolution/evolve.ts';
import type { EvolveEvent, EvolveReport } from '../core/evolution/evolve.ts';
import type { Host } from './vscodeHost.ts';
import type { ApiKeys } from './apiKeys.ts';
import { prepareModelRun } from './modelRun.ts';

/**
 * "Co-evolve: Evolve Skills": the evolution loop over this workspace's failed runs, as a
 * cancellable notification; every step goes to the log, and the decisions land in the skill library
 * (browse them in the Memory & Skill Browser's Skills tab).
 */
export async function evolveSkillsCommand(host: Host, keys: ApiKeys): Promise<void> {
  const run = await prepareModelRun(host, keys, 'evolving skills');
  if (!run) return;
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'Show Failure Clusters', description: 'no model call, nothing written', dryRun: true },
      { label: 'Evolve', description: 'propose a skill per cluster; keep it only if replaying its tasks proves it helps (each candidate replays several solves)', dryRun: false },
    ],
    { title: 'Co-evolve: Evolve Skills', placeHolder: 'What to do with the failures your runs\' checks caught' },
  );
  if (!mode) return;
  let report: EvolveReport;
  try {
    report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Co-evolve: evolving skills', cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        return await evolveSkills({
          repoRoot: run.workspace.root,
          storeDir: run.workspace.storeDir,
          models: run.models,
          secrets: run.secrets,
          ...(run.chatModels ? { chatModels: run.chatModels } : {}),
          budget: { maxRectifications: 1 },
          projectVerify: { configured: host.setting<unknown>('verify') ?? [] },
          dryRun: mode.dryRun,
          signal: controller.signal,
          onEvent: (event) => showProgress(event, progress, host),
        });
      } finally {
        subscription.dispose();
      }
    });
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled') || (error instanceof Error && error.name === 'AbortError')) {
      void vscode.window.showInformationMessage('Co-evolve: evolution cancelled; decisions made before it stopped are kept.');
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    host.log.error(message);
    void vscode.window.showErrorMessage(`Co-evolve: ${message}`);
    return;
  }
  const choice = await vscode.window.showInformationMessage(`Co-evolve: ${summarize(report)}`, 'Open Skill Library');
  if (choice) await vscode.commands.executeCommand('coevolve.openMemoryBrowser');
}

function summarize(report: EvolveReport): string {
  if (!report.clusters.length) return `no failure cluster yet (${report.failedRuns} run(s) with failures; a cluster needs the same kind of failure in two runs).`;
  if (report.dryRun) return `${report.clusters.length} failure cluster(s) in ${report.failedRuns} run(s); ${report.clusters.filter((c) => !c.skip).length} would get a candidate. Details in the log.`;
  if (!report.decisions.length) return 'nothing to evolve: no cluster has new failures since its last decision.';
  return report.decisions.map((d) => `${d.proposal ? `"${d.proposal.name}"` : d.clusterId}: ${d.verdict}`).join('; ');
}

function showProgress(event: EvolveEvent, progress: vscode.Progress<{ message?: string }>, host: Host): void {
  switch (event.type) {
    case 'clusters':
      for (const c of event.clusters) host.log.info(`[evolve] cluster ${c.id}: ${c.errorType} "${c.template}" — ${c.failures} failure(s) in ${c.runs} run(s)${c.skip ? `; skipped: ${c.skip}` : ''}`);
      return;
    case 'cluster':
      progress.report({ message: `cluster ${event.index} of ${event.of}: proposing` });
      return;
    case 'proposal':
      progress.report({ message: `replaying with and without "${event.proposal.name}"` });
      host.log.info(`[evolve] proposal: ${event.proposal.action} ${event.proposal.kind} "${event.proposal.name}" — ${event.proposal.description}`);
      return;
    case 'trial':
      progress.report({ message: `${event.source === 'history' ? 'history task' : 'held-out run'} ${event.variant} the candidate, solve ${event.attempt} of ${event.of}` });
      host.log.info(`[evolve] ${event.variant} ${event.attempt}/${event.of} ${event.result.passed ? 'passed' : event.result.noEvidence ? 'no evidence' : 'failed'}: ${event.task}${event.result.passed ? '' : ` — ${event.result.reason}`}`);
      return;
    case 'decision':
      host.log.info(`[evolve] ${event.decision.verdict}: ${event.decision.reason}`);
      return;
    case 'note':
      host.log.info(`[evolve] ${event.text}`);
  }
}
