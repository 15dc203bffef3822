// Team figures: a realistic round (a real project's own checks, a model that takes seconds) and
// the sandbox's share of it; orchestration overhead per round (everything but model and check
// time) against a zero-latency scripted server on a 5,000-file repository; sandbox setup/teardown
// against bare `git worktree add/remove` on the same repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { solveTask } from '../src/core/agents/solveTask.ts';
import type { SolveOptions } from '../src/core/agents/solveTask.ts';
import type { SolveEvent } from '../src/core/agents/events.ts';
import { openSandbox } from '../src/core/sandbox/openSandbox.ts';
import { Sandbox } from '../src/core/sandbox/sandbox.ts';
import { resolveWorkspace } from '../src/core/workspace.ts';
import { ScriptedModelServer } from '../test/helpers/scriptedModelServer.ts';
import type { Step } from '../test/helpers/scriptedModelServer.ts';
import { diagnosisStep, edit, finish, planStep, teamModels, toolCall } from '../test/helpers/teamFixtures.ts';
import { median, percentile } from './stats.ts';

const FILES = 5_000;

/** A repository of 5,000 small source files in 100 folders, made once and cached. */
export function fiveThousandFileRepo(work: string): string {
  const dir = join(work, 'repo-5k');
  if (existsSync(join(dir, '.git'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    const folder = join(dir, 'src', `module${i % 100}`);
    if (i < 100) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `file${i}.js`), `export function f${i}(x) {\n  return x + ${i};\n}\n`);
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench', version: '1.0.0', type: 'module' }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'bench repository');
  return dir;
}

export interface OverheadFigures {
  rounds: number;
  overheadP50: number;
  overheadP95: number;
  roundP50: number;
  checkP50: number;
}

/**
 * Runs the whole team (memory, sandbox, baseline, plan, rounds) with a scripted team whose check
 * always fails, so every round goes implement → verify → rectify. A round's overhead is its wall
 * time minus the time its checks took; the scripted server answers at once, so model time is nil.
 */
export async function measureOrchestration(repo: string, work: string, runs = 20): Promise<OverheadFigures> {
  const server = await ScriptedModelServer.start();
  const overheads: number[] = [];
  const roundTimes: number[] = [];
  const checkTimes: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      server.reset();
      server.scriptFor('gen', planStep({ rounds: 6 }));
      const rounds = 6;
      for (let r = 0; r < rounds; r++) {
        const path = `src/module${r}/file${r}.js`;
        const steps: Step[] = [toolCall('read_file', { path }), edit(path, `  return x + ${r};`, `  return x + ${r} + ${run + 1};`), finish(`round ${r + 1}`)];
        server.scriptFor('impl', ...steps);
        server.scriptFor('rect', diagnosisStep('revise-patch', 'the check fails on purpose', 'keep going'));
      }
      // Passes on the untouched sandbox, fails once anything changed: every round regresses.
      for (const round of await timedSolve(repo, work, server, 'bench task', rounds, { configured: ['git diff --quiet HEAD'], mode: 'replace' })) {
        roundTimes.push(round.wall);
        checkTimes.push(round.checks);
        overheads.push(round.wall - round.checks);
      }
    }
  } finally {
    await server.close();
  }
  return { rounds: overheads.length, overheadP50: median(overheads), overheadP95: percentile(overheads, 95), roundP50: median(roundTimes), checkP50: median(checkTimes) };
}

/**
 * Solves once with the scripted team on `server`, timing each round (from one implement stage to
 * the next): its wall time and its checks' (the first one's start to the last one's end: they may
 * run side by side).
 */
async function timedSolve(repo: string, work: string, server: ScriptedModelServer, task: string, rounds: number, verify?: SolveOptions['verify']): Promise<{ at: number; wall: number; checks: number }[]> {
  const marks: { at: number; checks: { start: number; end: number }[] }[] = [];
  const onEvent = (event: SolveEvent): void => {
    if (event.type === 'stage' && event.stage === 'implement') marks.push({ at: performance.now(), checks: [] });
    if (event.type === 'check' && event.phase === 'after' && marks.length) marks.at(-1)!.checks.push({ start: performance.now() - event.durationMs, end: performance.now() });
  };
  const store = join(work, 'stores', `team-${process.pid}`);
  rmSync(store, { recursive: true, force: true });
  const solution = await solveTask({
    workspace: await resolveWorkspace(repo, store),
    task: { text: task },
    models: teamModels(server.baseURL),
    secrets: () => undefined,
    policy: { workspaceTrusted: true, approveAll: false },
    ...(verify ? { verify } : {}),
    budget: { maxRectifications: rounds - 1 },
    onEvent,
  });
  const end = performance.now();
  await solution.reject();
  rmSync(store, { recursive: true, force: true });
  return marks.map((mark, i) => {
    const checks = mark.checks.length ? Math.max(...mark.checks.map((c) => c.end)) - Math.min(...mark.checks.map((c) => c.start)) : 0;
    return { at: mark.at, wall: (marks[i + 1]?.at ?? end) - mark.at, checks };
  });
}

export interface SandboxFigures {
  openP50: number;
  disposeP50: number;
  bareAddP50: number;
  bareRemoveP50: number;
}

export async function measureSandboxSetup(repo: string, work: string, runs = 5): Promise<SandboxFigures> {
  const open: number[] = [];
  const dispose: number[] = [];
  const bareAdd: number[] = [];
  const bareRemove: number[] = [];
  const base = join(work, 'sandboxes');
  for (let i = 0; i < runs; i++) {
    const bareDir = join(work, `bare-worktree-${process.pid}`);
    let t = performance.now();
    execFileSync('git', ['worktree', 'add', '-q', '--detach', bareDir, 'HEAD'], { cwd: repo, stdio: 'pipe' });
    bareAdd.push(performance.now() - t);
    t = performance.now();
    execFileSync('git', ['worktree', 'remove', '--force', bareDir], { cwd: repo, stdio: 'pipe' });
    bareRemove.push(performance.now() - t);

    t = performance.now();
    const sandbox = await openSandbox({ root: repo, baseDir: base });
    open.push(performance.now() - t);
    t = performance.now();
    await sandbox.dispose();
    dispose.push(performance.now() - t);
  }
  return { openP50: median(open), disposeP50: median(dispose), bareAddP50: median(bareAdd), bareRemoveP50: median(bareRemove) };
}

export interface RealRoundFigures {
  rounds: number;
  roundP50: number;
  checkP50: number;
  modelP50: number;
  /** Time inside the sandbox's own operations (checkpoint, diff, restore, reset) per round. */
  sandboxP50: number;
  sandboxMax: number;
  /** Wall time minus checks and the scripted model's latency: the sandbox, tools, prompts, HTTP. */
  overheadP50: number;
}

/** A clean clone of `<reposDir>/koa.bundle` with its dependencies (reused while git says it is untouched). */
export function koaClone(work: string, reposDir: string): string | undefined {
  const bundle = join(reposDir, 'koa.bundle');
  if (!existsSync(bundle)) return undefined;
  const clone = join(work, 'round', 'koa');
  const clean = existsSync(join(clone, '.git')) && execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' }) === '';
  if (!clean) {
    rmSync(clone, { recursive: true, force: true });
    execFileSync('git', ['clone', '-q', bundle, clone], { stdio: 'pipe' });
  }
  // --no-save keeps the clone clean (node_modules is ignored); the build koa's `prepare` runs is not needed.
  if (!existsSync(join(clone, 'node_modules'))) execFileSync('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: clone, stdio: 'pipe', timeout: 5 * 60_000 });
  return clone;
}

/**
 * A realistic round (issue #20): the whole team on koa with its own checks (`npm run test`, `npm
 * run lint`), against a scripted model that takes 1–3 s per call (seeded). Each round the
 * implementer reads lib/response.js, adds a field to its toJSON (two of koa's tests then fail),
 * and finishes; the rectifier revises and starts over in turn. Reports the round's wall time and
 * the time spent inside the sandbox's own operations, timed around each call.
 */
export async function measureRealRound(clone: string, work: string, runs = 1, rounds = 4, seed = 1): Promise<RealRoundFigures> {
  let state = seed * 0x9e3779b9;
  const latency = (): number => {
    // mulberry32: the same latencies for the same seed.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.round(1000 + (2000 * ((t ^ (t >>> 14)) >>> 0)) / 4294967296);
  };
  const slow = (then: Step): Step => ({ kind: 'slow', delayMs: latency(), then });
  const spans: { start: number; end: number }[] = [];
  const timed = ['checkpoint', 'diff', 'restore', 'resetToBase'] as const;
  const originals = timed.map((name) => Sandbox.prototype[name]);
  timed.forEach((name, i) => {
    const original = originals[i] as (...args: unknown[]) => Promise<unknown>;
    (Sandbox.prototype as unknown as Record<string, unknown>)[name] = function (this: Sandbox, ...args: unknown[]) {
      const start = performance.now();
      return original.apply(this, args).finally(() => spans.push({ start, end: performance.now() }));
    };
  });
  const server = await ScriptedModelServer.start();
  const figures = { round: [] as number[], check: [] as number[], model: [] as number[], sandbox: [] as number[], overhead: [] as number[] };
  try {
    for (let run = 0; run < runs; run++) {
      server.reset();
      server.scriptFor('gen', slow(planStep({ rounds })));
      const delays: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const steps = [slow(toolCall('read_file', { path: 'lib/response.js' })), slow(edit('lib/response.js', '    return only(this, [\n', "    return only(this, [\n      'type',\n")), slow(finish(`round ${r + 1}`))];
        const rect = slow(diagnosisStep(r % 2 ? 'new-approach' : 'revise-patch', 'the toJSON tests fail', 'keep going'));
        server.scriptFor('impl', ...steps);
        server.scriptFor('rect', rect);
        // The last round has no rectifier.
        delays.push([...steps, ...(r < rounds - 1 ? [rect] : [])].reduce((sum, step) => sum + (step.kind === 'slow' ? step.delayMs : 0), 0));
      }
      spans.length = 0;
      (await timedSolve(clone, work, server, 'make the response JSON carry its type', rounds)).forEach((round, i) => {
        figures.round.push(round.wall);
        figures.check.push(round.checks);
        figures.model.push(delays[i]!);
        figures.sandbox.push(spans.filter((span) => span.start >= round.at && span.start < round.at + round.wall).reduce((sum, span) => sum + span.end - span.start, 0));
        figures.overhead.push(round.wall - round.checks - delays[i]!);
      });
    }
  } finally {
    timed.forEach((name, i) => ((Sandbox.prototype as unknown as Record<string, unknown>)[name] = originals[i]));
    await server.close();
  }
  return {
    rounds: figures.round.length,
    roundP50: median(figures.round),
    checkP50: median(figures.check),
    modelP50: median(figures.model),
    sandboxP50: median(figures.sandbox),
    sandboxMax: Math.max(...figures.sandbox),
    overheadP50: median(figures.overhead),
  };
}
