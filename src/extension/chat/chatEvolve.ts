import type * as vscode from 'vscode';
import { evolveSkills } from '../../core/evolution/evolve.ts';
import type { Workspace } from '../../core/workspace.ts';
import type { ChatAnswerMeta } from './chatResult.ts';

/**
 * `@coevolve /evolve`: what evolution would do — the failure clusters of the user's runs and which
 * would get a candidate skill — without a model call or a write (the loop's dry run).
 */
export async function evolveInChat(workspace: Workspace, stream: vscode.ChatResponseStream, signal: AbortSignal): Promise<vscode.ChatResult> {
  const meta: ChatAnswerMeta = { command: 'evolve' };
  stream.progress('Clustering the failures of your runs…');
  const report = await evolveSkills({ repoRoot: workspace.root, storeDir: workspace.storeDir, models: { providers: {}, roles: {} }, secrets: () => undefined, dryRun: true, signal });
  if (!report.clusters.length) {
    stream.markdown(`Nothing to evolve yet: ${report.failedRuns} run(s) had failures, and a cluster needs the same kind of failure in two runs.`);
    return { metadata: meta };
  }
  const work = report.clusters.filter((c) => !c.skip);
  stream.markdown(`${report.clusters.length} failure cluster(s) in ${report.failedRuns} run(s); evolution would propose a skill for ${work.length} and keep it only if replaying their tasks proves it helps:\n\n`);
  for (const c of report.clusters) stream.markdown(`- **${c.errorType}** \`${c.template.slice(0, 80).replace(/`/g, "'")}\`: ${c.failures} failure(s) in ${c.runs} run(s)${c.skip ? ` — skipped: ${c.skip}` : ''}\n`);
  stream.markdown('\nRun "Co-evolve: Evolve Skills" to do it.');
  stream.button({ title: 'Evolve Skills', command: 'coevolve.evolveSkills' });
  return { metadata: meta };
}
