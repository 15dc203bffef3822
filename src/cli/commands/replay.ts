import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { CoevolveError } from '../../core/errors.ts';
import { buildReplayTask, findReplayCandidates } from '../../core/evolution/replayTasks.ts';
import type { ReplayTask } from '../../core/evolution/replayTasks.ts';
import type { ReplayCandidate } from '../../core/evolution/replaySelection.ts';
import type { ReplayInvalidReason } from '../../core/evolution/replayVerdict.ts';
import { formatMs } from '../../core/verify/formatMs.ts';
import { resolveWorkspace } from '../../core/workspace.ts';
import { positiveIntegerOption } from '../options.ts';
import { solveReplayTasks } from '../../core/evolution/replaySolve.ts';
import type { ReplayMode, ReplaySolveEvent } from '../../core/evolution/replaySolve.ts';
import { loadModelConfig, withModelChoiceFlags } from './modelFlags.ts';
import type { ModelFlags } from './modelFlags.ts';

interface ReplayFlags extends ModelFlags {
  list?: boolean;
  validate?: boolean;
  solve?: boolean;
  mode?: 'warm' | 'cold' | 'both';
  maxRounds?: number;
  yes?: boolean;
  n?: number;
  seed?: number;
  json?: boolean;
  path: string;
  store?: string;
  checkTimeout?: number;
}

function seedOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('expected a whole number from 0 to 4294967295.');
  return n;
}

export function registerReplay(program: Command): void {
  withModelChoiceFlags(program
    .command('replay')
    .description('Turn past commits that changed source and tests into tasks: "make these tests pass", verified by the commit\'s own tests.')
    .option('--list', 'list the candidate commits (the default)')
    .option('--validate', 'build each task in a worktree and check its tests fail before the commit and pass after it (no model needed)')
    .option('--solve', 'solve each valid task with the team and print the pass rate (needs a model)')
    .option('--mode <mode>', 'with --solve: warm (memory and skills as of each commit; the default), cold (none), or both', modeOption)
    .option('--max-rounds <n>', 'with --solve: rectification rounds per task (default 1)', wholeNumberOption)
    .option('--yes', 'with --solve: allow commands the model asks to run (default: refused)')
    .option('--n <n>', 'at most this many tasks (default: all for --list, 5 for --validate)', positiveIntegerOption)
    .option('--seed <s>', 'a reproducible random sample instead of the newest', seedOption)
    .option('--check-timeout <seconds>', 'time limit per test run (default 300)', positiveIntegerOption)
    .option('--path <dir>', 'a folder inside the repository', '.')
    .option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)')
    .option('--json', 'print JSON'))
    .action(async (flags: ReplayFlags) => {
      if ([flags.list, flags.validate, flags.solve].filter(Boolean).length > 1) throw new CoevolveError('bad-input', 'Give one of --list, --validate and --solve.');
      if (flags.mode && !flags.solve) throw new CoevolveError('bad-input', '--mode goes with --solve.');
      const workspace = await resolveWorkspace(flags.path, flags.store ?? process.env.COEVOLVE_STORE, { requireGit: true });
      const n = flags.n ?? (flags.validate || flags.solve ? 5 : undefined);
      const candidates = await findReplayCandidates(workspace.storeDir, { repoRoot: workspace.root, ...(n !== undefined ? { n } : {}), ...(flags.seed !== undefined ? { seed: flags.seed } : {}) });
      if (flags.solve) return solveAll(workspace.root, workspace.storeDir, candidates, flags);
      if (!flags.validate) {
        process.stdout.write(flags.json ? `${JSON.stringify(candidates, null, 2)}\n` : describeCandidates(candidates));
        return;
      }
      await validateAll(workspace.root, candidates, flags);
    });
}

function modeOption(value: string): ReplayFlags['mode'] {
  if (value !== 'warm' && value !== 'cold' && value !== 'both') throw new InvalidArgumentError('expected warm, cold or both.');
  return value;
}

function wholeNumberOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

async function solveAll(repoRoot: string, storeDir: string, candidates: readonly ReplayCandidate[], flags: ReplayFlags): Promise<void> {
  const models = await loadModelConfig({ ...flags, path: repoRoot }, { modelRequired: true });
  const modes: ReplayMode[] = flags.mode === 'both' ? ['cold', 'warm'] : [flags.mode ?? 'warm'];
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await solveReplayTasks(repoRoot, candidates, {
      storeDir,
      models,
      secrets: (name) => process.env[name],
      policy: { workspaceTrusted: true, approveAll: flags.yes === true },
      budget: { maxRectifications: flags.maxRounds ?? 1 },
      ...(flags.checkTimeout ? { checkTimeoutMs: flags.checkTimeout * 1000 } : {}),
      signal: controller.signal,
    }, modes, flags.json ? undefined : printSolveProgress);
    if (flags.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const rate = (mode: ReplayMode): string => `${mode}: ${report.passed[mode] ?? 0}/${report.valid} passed (${report.valid ? Math.round((100 * (report.passed[mode] ?? 0)) / report.valid) : 0}%)`;
    process.stdout.write(`\n${report.valid} valid task${report.valid === 1 ? '' : 's'} of ${report.rows.length}. ${modes.map(rate).join('; ')}.\n`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function printSolveProgress(event: ReplaySolveEvent): void {
  if (event.type === 'task') process.stderr.write(`[${event.index}/${event.of}] ${event.commit.slice(0, 10)} ${event.subject}${event.valid ? '' : `  (invalid, skipped: ${event.invalid ? `${event.invalid.reason}: ${event.invalid.detail.split('\n')[0]!.slice(0, 160)}` : 'its tests do not fail before and pass after'})`}\n`);
  else process.stderr.write(`      ${event.mode.padEnd(4)} ${event.result.passed ? '✓ passed' : `✗ ${event.result.reason.slice(0, 140)}`}${event.result.ms !== undefined ? ` (${formatMs(event.result.ms)})` : ''}\n`);
}

async function validateAll(repoRoot: string, candidates: readonly ReplayCandidate[], flags: ReplayFlags): Promise<void> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const rows: Record<string, unknown>[] = [];
  const reasons: Partial<Record<ReplayInvalidReason, number>> = {};
  let valid = 0;
  try {
    for (const candidate of candidates) {
      const task = await buildReplayTask(repoRoot, candidate, { signal: controller.signal, ...(flags.checkTimeout ? { timeoutMs: flags.checkTimeout * 1000 } : {}) });
      try {
        if (task.valid) valid++;
        if (task.invalid) reasons[task.invalid.reason] = (reasons[task.invalid.reason] ?? 0) + 1;
        const row = {
          commit: task.commit,
          subject: candidate.subject,
          ...(candidate.merge ? { merge: candidate.merge } : {}),
          verification: task.verification,
          failsBefore: task.validated?.failsBefore ?? null,
          passesAfter: task.validated?.passesAfter ?? null,
          valid: task.valid,
          ...(task.failToPass ? { failToPass: task.failToPass } : {}),
          ...(task.invalid ? { invalid: task.invalid } : {}),
          ...(task.dependencies ? { dependencies: task.dependencies } : {}),
          ...(task.notes.length ? { notes: task.notes } : {}),
          timings: task.timings,
        };
        rows.push(row);
        if (!flags.json) process.stdout.write(describeValidation(task, candidate));
      } finally {
        await task.dispose();
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (flags.json) return void process.stdout.write(`${JSON.stringify({ tasks: rows, valid, total: rows.length, invalid: reasons }, null, 2)}\n`);
  const why = Object.entries(reasons).map(([reason, count]) => `${count} ${reason}`).join(', ');
  process.stdout.write(`\n${valid} of ${rows.length} tasks valid (some of their tests fail before the commit and pass after it, and none fails anew)${why ? `; invalid: ${why}` : ''}.\n`);
}

function describeValidation(task: ReplayTask, candidate: ReplayCandidate): string {
  const mark = (ok: boolean | undefined): string => (ok === undefined ? '-' : ok ? 'yes' : task.failToPass ? 'some' : 'no');
  const deps = task.dependencies?.node === 'cache' ? `, deps ${task.dependencies.cache?.reused ? 'cached' : `installed in ${formatMs(task.dependencies.cache?.installMs ?? task.timings.dependenciesMs ?? 0)}`}` : task.dependencies?.node === 'user' ? ', deps linked' : '';
  const lines = [
    `${task.valid ? 'valid  ' : 'invalid'}  ${task.commit.slice(0, 10)}  fails before: ${mark(task.validated?.failsBefore)}  passes after: ${mark(task.validated?.passesAfter)}  ` +
      `(build ${formatMs(task.timings.materializeMs)}${deps}, before ${formatMs(task.timings.beforeMs ?? 0)}, after ${formatMs(task.timings.afterMs ?? 0)})  ${candidate.subject}`,
    task.verification.length ? `         ${task.verification.join('; ')}` : '         (no test check found)',
  ];
  if (task.invalid) lines.push(...indent(`${task.invalid.reason}: ${task.invalid.detail}`));
  for (const note of task.notes) lines.push(...indent(`note: ${note}`));
  return `${lines.join('\n')}\n`;
}

/** Detail can span lines (npm's error tail): each one indented under its task, and bounded. */
function indent(text: string): string[] {
  return text.split('\n').slice(0, 16).map((line) => `         ${line.slice(0, 400)}`);
}

function describeCandidates(candidates: readonly ReplayCandidate[]): string {
  if (candidates.length === 0) return 'No replay candidates: no mined fix or feature changed both source files and runnable tests.\n';
  const lines = candidates.map((c) => `${c.sha.slice(0, 10)}  #${String(c.seq).padEnd(6)} ${c.kind.padEnd(7)}  ${c.subject}${c.merge ? `\n            in the branch merged by ${c.merge.slice(0, 10)}` : ''}\n            tests: ${c.testFiles.join(', ')}`);
  return `${lines.join('\n')}\n\n${candidates.length} candidate${candidates.length === 1 ? '' : 's'}.\n`;
}
