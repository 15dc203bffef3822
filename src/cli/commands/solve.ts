import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { MAX_RECTIFICATIONS } from '../../core/agents/solveBudget.ts';
import { solveTask } from '../../core/agents/solveTask.ts';
import { parseTask } from '../../core/agents/task.ts';
import { recordRunOutcome } from '../../core/learning/runOutcome.ts';
import type { Solution } from '../../core/agents/solveTask.ts';
import { resolveWorkspace } from '../../core/workspace.ts';
import { terminalApproval } from '../approvePrompt.ts';
import { EXIT } from '../exitCodes.ts';
import { positiveIntegerOption } from '../options.ts';
import { printSolveEvent } from '../solveProgress.ts';
import { loadModelConfig, withModelFlags } from './modelFlags.ts';
import type { ModelFlags } from './modelFlags.ts';
import { ignoreError } from '../../core/ignoredErrors.ts';

interface SolveFlags extends ModelFlags {
  verify: string[];
  file: string[];
  failingTest?: string;
  apply?: boolean;
  json?: boolean;
  budget?: { tokens?: number; costUsd?: number };
  maxRounds?: number;
  yes?: boolean;
  checkTimeout?: number;
}

export function registerSolve(program: Command): void {
  withModelFlags(
    program
      .command('solve')
      .description('Resolve a task with the generator–implementer–rectifier team in an isolated sandbox; prints the verified diff.')
      .argument('<task>', 'what to do, in plain words')
      .option('--verify <cmd>', 'a command that proves the change (repeatable); replaces the detected checks', (value: string, list: string[]) => [...list, value], [])
      .option('--file <path>', 'a file the task is about (repeatable)', (value: string, list: string[]) => [...list, value], [])
      .option('--failing-test <name>', 'a test that fails and should pass')
      .option('--apply', 'write the change into your files when the checks pass')
      .option('--json', 'print the result as JSON')
      .option('--budget <tokens|$usd>', 'cap the task: a token count (200k, 1.5M; default 400k) or a cost ($2); the plan may ask for less, not under 50k', parseBudget)
      .option('--max-rounds <n>', `rectification rounds after the first attempt (default 3; 0 for none; at most ${MAX_RECTIFICATIONS})`, wholeNumber)
      .option('--check-timeout <seconds>', 'time limit per check run (default 300)', positiveIntegerOption)
      .option('--yes', 'allow every command the model asks to run (default: ask on a terminal, refuse otherwise)'),
  ).action(async (task: string, flags: SolveFlags) => {
    const models = await loadModelConfig(flags, { modelRequired: true });
    const workspace = await resolveWorkspace(flags.path, flags.store ?? process.env.COEVOLVE_STORE);
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    const approve = terminalApproval();
    let solution: Solution | undefined;
    try {
      solution = await solveTask({
        workspace,
        task: parseTask({ text: task, ...(flags.file.length ? { files: flags.file } : {}), ...(flags.failingTest ? { failingTest: flags.failingTest } : {}) }),
        models,
        secrets: (name) => process.env[name],
        // Running the CLI on a folder is trusting it, as running its tests by hand would be.
        policy: { workspaceTrusted: true, approveAll: flags.yes === true, ...(approve ? { approve } : {}) },
        verify: {
          ...(flags.verify.length ? { configured: flags.verify, mode: 'replace' as const } : {}),
          ...(flags.checkTimeout ? { timeoutMs: flags.checkTimeout * 1000 } : {}),
        },
        budget: { ...flags.budget, ...(flags.maxRounds !== undefined ? { maxRectifications: flags.maxRounds } : {}) },
        signal: controller.signal,
        onEvent: flags.json ? undefined : (event) => printSolveEvent(event),
      });
      let applied: string[] = [];
      if (flags.apply && solution.status === 'passed') {
        applied = (await solution.accept(controller.signal)).map((f) => f.path);
        await recordRunOutcome(workspace.storeDir, solution.runId, 'accepted');
      } else {
        await solution.reject();
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({
          status: solution.status,
          evidence: solution.evidence ?? null,
          targets: solution.targets.map((t) => ({ label: t.target.label, origin: t.target.origin, check: t.target.checkId, before: t.before, after: t.after })),
          reason: solution.reason,
          runId: solution.runId,
          runDir: solution.runDir,
          rounds: solution.rounds,
          summary: solution.summary,
          plan: solution.plan,
          files: solution.files,
          applied,
          diff: solution.diff,
          report: solution.report ? { ok: solution.report.ok, reasons: solution.report.reasons, counts: solution.report.counts, checks: solution.report.checks.map((c) => ({ id: c.id, verdict: c.verdict, newFailures: c.newFailures })) } : null,
          accounting: solution.accounting,
        }, null, 2)}\n`);
      } else {
        process.stderr.write(`\n${solution.reportText}\n`);
        process.stdout.write(solution.diff || '(no changes)\n');
        const cost = solution.accounting.costIncomplete ? 'cost unknown' : `$${solution.accounting.costUsd.toFixed(4)}`;
        process.stderr.write(`\n${mark(solution)} ${solution.reason} ${solution.rounds} round(s), ${solution.accounting.calls} model calls, ${solution.accounting.promptTokens + solution.accounting.completionTokens} tokens, ${cost}.\n`);
        if (solution.summary) process.stderr.write(`  ${solution.summary}\n`);
        process.stderr.write(applied.length
          ? `Applied to your files: ${applied.join(', ')}\n`
          : solution.status === 'passed' && solution.files.length ? 'Not applied; run again with --apply, or apply the diff above with `git apply`.\n' : '');
        if (solution.evidence === 'no-regressions') process.stderr.write('Not proven: no test fails before this change and passes with it. Review the diff, or name the test it must fix with --failing-test.\n');
        process.stderr.write(`Trajectory: ${solution.runDir}\n`);
        if (!applied.length && solution.files.length) process.stderr.write(`Tell Co-evolve what you decide, so it learns: coevolve feedback ${solution.runId} accept|edited|reject\n`);
      }
      if (solution.status !== 'passed') process.exitCode = EXIT.notVerified;
      else if (solution.evidence !== 'proven') process.exitCode = EXIT.notProven;
    } catch (error) {
      await solution?.reject().catch(ignoreError('could not discard the proposed change after an error; its sandbox is swept on the next run'));
      throw error;
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

/** ✓ proven, ~ passed without proof, ✗ anything else. */
function mark(solution: Solution): string {
  if (solution.status !== 'passed') return '✗';
  return solution.evidence === 'proven' ? '✓' : '~';
}

function parseBudget(value: string): { tokens?: number; costUsd?: number } {
  const cost = /^\$(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (cost) return { costUsd: Number(cost[1]) };
  const tokens = /^(\d+(?:\.\d+)?)\s*([kKmM]?)$/.exec(value.trim());
  if (!tokens) throw new InvalidArgumentError('use a token count (200000, 200k, 1.5M) or a cost ($2).');
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[tokens[2] ?? ''] ?? 1;
  const count = Math.round(Number(tokens[1]) * scale);
  if (count < 1000) throw new InvalidArgumentError('a budget under 1000 tokens cannot hold one model call.');
  return { tokens: count };
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_RECTIFICATIONS) throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_RECTIFICATIONS}.`);
  return n;
}
