import { join } from 'node:path';
import type { Command } from 'commander';
import { evolveSkills } from '../../core/evolution/evolve.ts';
import type { EvolveEvent, EvolveReport } from '../../core/evolution/evolve.ts';
import { resolveWorkspace } from '../../core/workspace.ts';
import { positiveIntegerOption } from '../options.ts';
import { loadModelConfig, withModelFlags } from './modelFlags.ts';
import type { ModelFlags } from './modelFlags.ts';

interface EvolveFlags extends ModelFlags {
  budget?: number;
  dryRun?: boolean;
  minRuns?: number;
  tasks?: number;
  heldOut?: number;
  trials?: number;
  seed?: number;
  maxRounds?: number;
  checkTimeout?: number;
  yes?: boolean;
  json?: boolean;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`"${value}" is not a whole number.`);
  return n;
}

export function registerEvolve(program: Command): void {
  withModelFlags(
    program
      .command('evolve')
      .description('Grow the skill library from the failures your runs\' checks caught: cluster them, propose a skill or mistake note per cluster, keep it only if replay proves it helps.')
      .option('--budget <n>', 'at most this many candidates (each replays its tasks twice; default 3)', positiveIntegerOption)
      .option('--dry-run', 'show the failure clusters and what would be replayed; no model call, nothing written')
      .option('--min-runs <n>', 'a cluster needs failures from this many runs (default 2)', positiveIntegerOption)
      .option('--tasks <n>', 'held-out runs of the cluster replayed per candidate (default 4)', positiveIntegerOption)
      .option('--held-out <n>', 'replay tasks from history that also judge each candidate (default 3; 0 for none)', wholeNumber)
      .option('--trials <k>', 'solves per arm per judged task (default 3)', positiveIntegerOption)
      .option('--seed <n>', 'which held-out commits are drawn', wholeNumber)
      .option('--max-rounds <n>', 'rectification rounds per replayed solve (default 1)', wholeNumber)
      .option('--check-timeout <seconds>', 'time limit per check run (default 300)', positiveIntegerOption)
      .option('--yes', 'allow commands the model asks to run during replays (default: refused)')
      .option('--json', 'print the report as JSON'),
  ).action(async (flags: EvolveFlags) => {
    const workspace = await resolveWorkspace(flags.path, flags.store ?? process.env.COEVOLVE_STORE, { requireGit: true });
    // A dry run needs no model: it only reads the runs and clusters them.
    const models = flags.dryRun ? { providers: {}, roles: {} } : await loadModelConfig(flags, { modelRequired: true });
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const report = await evolveSkills({
        repoRoot: workspace.root,
        storeDir: workspace.storeDir,
        models,
        secrets: (name) => process.env[name],
        policy: { workspaceTrusted: true, approveAll: flags.yes === true },
        budget: { maxRectifications: flags.maxRounds ?? 1 },
        ...(flags.budget ? { maxCandidates: flags.budget } : {}),
        ...(flags.minRuns ? { minRuns: flags.minRuns } : {}),
        ...(flags.tasks ? { tasksPerCluster: flags.tasks } : {}),
        ...(flags.heldOut !== undefined ? { heldOut: flags.heldOut } : {}),
        ...(flags.trials ? { trialsPerArm: flags.trials } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.checkTimeout ? { checkTimeoutMs: flags.checkTimeout * 1000 } : {}),
        dryRun: flags.dryRun === true,
        signal: controller.signal,
        ...(flags.json ? {} : { onEvent: printEvolveEvent }),
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printSummary(report, workspace.storeDir);
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

function printEvolveEvent(event: EvolveEvent): void {
  const err = (text: string): void => void process.stderr.write(`${text}\n`);
  switch (event.type) {
    case 'clusters':
      if (!event.clusters.length) return err('No failure cluster yet: clusters form when the checks catch the same kind of failure in several runs.');
      err(`${event.clusters.length} failure cluster${event.clusters.length === 1 ? '' : 's'}:`);
      for (const c of event.clusters) err(`  ${c.id}  ${c.errorType}: ${c.template}\n      ${c.failures} failure(s) in ${c.runs} run(s), ${c.unresolvedRuns} never recovered${c.areas.length ? `; ${c.areas.slice(0, 4).join(', ')}` : ''}${c.skip ? `\n      skipped: ${c.skip}` : ''}`);
      return;
    case 'cluster':
      return err(`\nCluster ${event.index}/${event.of} (${event.clusterId})`);
    case 'proposal':
      return err(`  proposal: ${event.proposal.action} ${event.proposal.kind} "${event.proposal.name}": ${event.proposal.description}`);
    case 'trial':
      return err(`  ${event.variant === 'with' ? 'with   ' : 'without'} ${event.attempt}/${event.of} ${event.result.passed ? '✓' : event.result.noEvidence ? '?' : '✗'} ${event.source === 'history' ? '[history] ' : '[held-out run] '}${event.task}${event.result.passed ? '' : ` — ${event.result.reason.slice(0, 120)}`}`);
    case 'decision':
      return err(`  → ${event.decision.verdict.toUpperCase()}: ${event.decision.reason}${event.decision.saved ? ` (saved ${event.decision.saved.name} v${event.decision.saved.version}, ${event.decision.saved.status})` : ''}`);
    case 'note':
      return err(`  note: ${event.text}`);
  }
}

function printSummary(report: EvolveReport, storeDir: string): void {
  const out = (text: string): void => void process.stdout.write(`${text}\n`);
  if (report.dryRun) {
    const ready = report.clusters.filter((c) => !c.skip);
    return out(`Dry run: ${report.failedRuns} run(s) with failures, ${report.clusters.length} cluster(s), ${ready.length} would get a candidate. Nothing was written.`);
  }
  if (!report.decisions.length) return out('Nothing to evolve: no cluster has new failures.');
  const counts = new Map<string, number>();
  for (const d of report.decisions) counts.set(d.verdict, (counts.get(d.verdict) ?? 0) + 1);
  out(`${report.decisions.length} candidate(s): ${[...counts].map(([verdict, n]) => `${n} ${verdict}`).join(', ')}. ${report.timings.trials} replayed solves in ${(report.timings.totalMs / 1000).toFixed(1)} s.`);
  out(`Decisions and their evidence: ${join(storeDir, 'evolution', 'decisions.jsonl')}; the library: coevolve skills list`);
}
