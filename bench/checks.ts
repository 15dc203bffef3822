// Independent checks side by side (`npm run bench -- --only checks`): on real projects from the
// shared git bundles (koa, body-parser), with their own detected checks (`npm run test`, `npm run
// lint`), the same plan is run one after another (concurrency 1, what every round did before) and
// side by side (the default: the machine's cores, at most 3), alternating, in the same run. Then a
// whole solve round — a scripted team (zero model time) editing one source file, the checks after
// it, the verdict — and the baseline checks before it, timed both ways (COEVOLVE_CHECK_CONCURRENCY=1
// against the default).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { solveTask } from '../src/core/agents/solveTask.ts';
import type { SolveEvent } from '../src/core/agents/events.ts';
import type { CheckRun } from '../src/core/verify/checkResult.ts';
import { planChecks } from '../src/core/verify/plan.ts';
import { runChecks } from '../src/core/verify/runChecks.ts';
import { defaultCheckConcurrency } from '../src/core/verify/schedule.ts';
import { resolveWorkspace } from '../src/core/workspace.ts';
import { ScriptedModelServer } from '../test/helpers/scriptedModelServer.ts';
import { edit, finish, planStep, teamModels, toolCall } from '../test/helpers/teamFixtures.ts';
import type { Printer } from './mcpRecall.ts';
import { median, ratio } from './stats.ts';

export const CHECK_PROJECTS = ['koa', 'body-parser'] as const;

/** The source file each project's scripted round edits (a comment line added after its first line). */
const EDITED: Record<string, string> = { koa: 'lib/application.js', 'body-parser': 'lib/read.js' };

export interface CheckFiguresOptions {
  /** Where the `<name>.bundle` files are. */
  reposDir: string;
  projects: readonly string[];
  /** Timed runs per mode (after one warm-up run of each). */
  runs: number;
  /** Also time whole solve rounds (a scripted team on the project). */
  rounds: boolean;
}

const seconds = (value: number): string => `${(value / 1000).toFixed(2)} s`;
const list = (values: readonly number[]): string => values.map((value) => (value / 1000).toFixed(1)).join(', ');
/** The median of each pair's ratio (runs i of both modes ran back to back): steadier than a ratio of medians when the machine's load drifts. */
const pairedRatio = (values: readonly number[], baseline: readonly number[]): string => `${median(values.map((value, i) => value / baseline[i]!)).toFixed(2)}x`;
const load = (): string => loadavg()[0]!.toFixed(1);

export async function checkConcurrencyFigures(work: string, print: Printer, options: CheckFiguresOptions): Promise<void> {
  const concurrency = defaultCheckConcurrency();
  for (const project of options.projects) {
    let clone: string;
    try {
      clone = prepareProject(work, options.reposDir, project);
    } catch (error) {
      print.header(`Checks side by side — ${project}`);
      print.line(project, 'skipped', error instanceof Error ? error.message.split('\n')[0]! : String(error));
      continue;
    }
    const plan = await planChecks(clone);
    print.header(`Checks side by side — ${project} (${plan.checks.map((check) => `${check.display}${check.parallel ? ' [beside the tests]' : ''}`).join(', ')}; concurrency ${concurrency}; load average ${load()})`);
    if (!plan.checks.some((check) => check.parallel) || concurrency < 2) {
      print.line('nothing runs side by side here', '', concurrency < 2 ? '(one core)' : '(no check was found to only read)');
      continue;
    }
    const run = (side: boolean): Promise<CheckRun> => runChecks(plan, { workspaceTrusted: true, ...(side ? {} : { concurrency: 1 }) });
    const statuses = (r: CheckRun): string => r.results.map((result) => `${result.id} ${result.status}${result.failures.length ? ` (${result.failures.length})` : ''}`).join(', ');
    // A warm-up of each (the disk cache, the runners' own caches), then alternate.
    const warm = [await run(false), await run(true)];
    const inOrder: number[] = [];
    const beside: number[] = [];
    const seen = new Set(warm.map(statuses));
    for (let i = 0; i < options.runs; i++) {
      const first = i % 2 === 0;
      for (const side of first ? [false, true] : [true, false]) {
        const r = await run(side);
        (side ? beside : inOrder).push(r.durationMs);
        seen.add(statuses(r));
      }
    }
    const base = median(inOrder);
    // In the clone itself: a linter's own cache (standard keeps one per path) is warm here, unlike in a round's fresh sandbox.
    print.line('baseline: checks in order, in the clone', seconds(base), `median of ${inOrder.length} (${list(inOrder)} s)`);
    print.line('checks side by side, in the clone', seconds(median(beside)), `${ratio(median(beside), base)} of one after another (paired runs: ${pairedRatio(beside, inOrder)}); median of ${beside.length} (${list(beside)} s)`);
    print.line('results', '', seen.size === 1 ? `the same every run: ${[...seen][0]}` : `differed between runs: ${[...seen].join(' | ')}`);
    if (options.rounds) await roundFigures(work, clone, project, plan.checks.length, options, print);
  }
}

/**
 * One solve round on the project: the scripted implementer edits a source file and finishes, the
 * checks run after it, the verdict is drawn. The round is timed from the implement stage to done;
 * the baseline checks before it (in the fresh sandbox, where a linter's cache is cold) are timed
 * apart, from the baseline stage to the plan. Alternates the two modes.
 */
async function roundFigures(work: string, clone: string, project: string, checks: number, options: CheckFiguresOptions, print: Printer): Promise<void> {
  const path = EDITED[project];
  if (!path || !existsSync(join(clone, path))) return print.line('solve round', 'skipped', `(no file to edit in ${project})`);
  const firstLine = readFileSync(join(clone, path), 'utf8').split('\n')[0]!;
  const server = await ScriptedModelServer.start();
  const saved = process.env.COEVOLVE_CHECK_CONCURRENCY;
  const rounds: Record<'inOrder' | 'beside', number[]> = { inOrder: [], beside: [] };
  const checkShare: Record<'inOrder' | 'beside', number[]> = { inOrder: [], beside: [] };
  const baselines: Record<'inOrder' | 'beside', number[]> = { inOrder: [], beside: [] };
  try {
    for (let i = 0; i < options.runs; i++) {
      for (const side of i % 2 === 0 ? [false, true] : [true, false]) {
        if (side) {
          if (saved === undefined) delete process.env.COEVOLVE_CHECK_CONCURRENCY;
          else process.env.COEVOLVE_CHECK_CONCURRENCY = saved;
        } else process.env.COEVOLVE_CHECK_CONCURRENCY = '1';
        server.reset();
        server.scriptFor('gen', planStep({ rounds: 1 }));
        server.scriptFor('impl', toolCall('read_file', { path }), edit(path, firstLine, `${firstLine}\n// bench round ${i}`), finish('bench edit'));
        let baselineAt = 0;
        let planAt = 0;
        let implementAt = 0;
        let verifyAt = 0;
        let doneAt = 0;
        const onEvent = (event: SolveEvent): void => {
          if (event.type !== 'stage') return;
          if (event.stage === 'baseline') baselineAt = performance.now();
          if (event.stage === 'plan') planAt = performance.now();
          if (event.stage === 'implement' && implementAt === 0) implementAt = performance.now();
          if (event.stage === 'verify' && verifyAt === 0) verifyAt = performance.now();
          if (event.stage === 'done') doneAt = performance.now();
        };
        const store = join(work, 'stores', `checks-${project}-${process.pid}`);
        rmSync(store, { recursive: true, force: true });
        const solution = await solveTask({
          workspace: await resolveWorkspace(clone, store),
          task: { text: 'bench: a harmless edit' },
          models: teamModels(server.baseURL),
          secrets: () => undefined,
          policy: { workspaceTrusted: true, approveAll: false },
          sandboxBaseDir: join(work, 'sandboxes'),
          memory: { disabled: true },
          budget: { maxRectifications: 0 },
          onEvent,
        });
        await solution.reject();
        rmSync(store, { recursive: true, force: true });
        if (implementAt === 0 || doneAt === 0) throw new Error(`the scripted round did not run (status ${solution.status})`);
        const key = side ? 'beside' : 'inOrder';
        rounds[key].push(doneAt - implementAt);
        checkShare[key].push(doneAt - verifyAt);
        baselines[key].push(planAt - baselineAt);
      }
    }
  } finally {
    if (saved === undefined) delete process.env.COEVOLVE_CHECK_CONCURRENCY;
    else process.env.COEVOLVE_CHECK_CONCURRENCY = saved;
    await server.close();
  }
  const base = median(rounds.inOrder);
  // The checks before the change, in a fresh sandbox: a linter's own cache is cold there (the round after it finds it warm).
  print.line('baseline: checks before the change, in order', seconds(median(baselines.inOrder)), `median of ${baselines.inOrder.length} (${list(baselines.inOrder)} s)`);
  print.line('checks before the change, side by side', seconds(median(baselines.beside)), `${ratio(median(baselines.beside), median(baselines.inOrder))} of in order (paired runs: ${pairedRatio(baselines.beside, baselines.inOrder)}); median of ${baselines.beside.length} (${list(baselines.beside)} s)`);
  print.line(`baseline: a solve round, ${checks} checks in order`, seconds(base), `median of ${rounds.inOrder.length} (${list(rounds.inOrder)} s); verify to verdict ${seconds(median(checkShare.inOrder))}`);
  print.line('a solve round, checks side by side', seconds(median(rounds.beside)), `${ratio(median(rounds.beside), base)} of in order (paired runs: ${pairedRatio(rounds.beside, rounds.inOrder)}); median of ${rounds.beside.length} (${list(rounds.beside)} s); verify to verdict ${seconds(median(checkShare.beside))}; load average ${load()}`);
}

/** A clean clone of the bundle with its dependencies (reused while git says it is untouched). */
function prepareProject(work: string, reposDir: string, project: string): string {
  const bundle = join(reposDir, `${project}.bundle`);
  if (!existsSync(bundle)) throw new Error(`no bundle at ${bundle}`);
  const base = join(work, 'checks');
  mkdirSync(base, { recursive: true });
  const clone = join(base, project);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
  if (existsSync(join(clone, '.git')) && git('status', '--porcelain', '--untracked-files=no').trim() !== '') rmSync(clone, { recursive: true, force: true });
  if (!existsSync(join(clone, '.git'))) {
    rmSync(clone, { recursive: true, force: true });
    execFileSync('git', ['clone', '-q', bundle, clone], { stdio: 'pipe' });
  }
  if (existsSync(join(clone, 'package.json')) && !existsSync(join(clone, 'node_modules'))) {
    // --no-save keeps the clone clean; --ignore-scripts as the calibration does (koa's `prepare` build is skipped, so its two ESM-load tests fail the same way in both modes).
    execFileSync('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: clone, stdio: 'pipe', timeout: 5 * 60_000 });
  }
  return clone;
}
