// Replay builder throughput (issue 5): how fast candidates are selected from a mined store, and how
// fast tasks are materialized in worktrees (tests not run), each next to a bare-git baseline over
// the same commits, in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildReplayTask, findReplayCandidates } from '../src/core/evolution/replayTasks.ts';
import { replayRoot } from '../src/core/evolution/replayWorktree.ts';
import { mineHistory } from '../src/core/mining/miner.ts';
import type { Printer } from './mcpRecall.ts';
import { median, ms, ratio } from './stats.ts';


const MATERIALIZED = 20;

export async function replayBuilderFigures(repo: string, work: string, print: Printer, minedStore?: string): Promise<void> {
  let storeDir = minedStore;
  if (!storeDir) {
    storeDir = join(work, 'stores', `replay-${repo.split('/').pop()}`);
    if (!existsSync(join(storeDir, 'memory', 'meta.json'))) await mineHistory(repo, { storeDir, symbols: false });
  }
  const commits = Number(execFileSync('git', ['rev-list', '--count', '--first-parent', 'HEAD'], { cwd: repo }).toString().trim());
  print.header(`Replay task builder — ${repo} (${commits} first-parent commits)`);

  // Selection reads every experience from the store; the baseline is git listing the same
  // commits with their changed files (what any selector has to read at least).
  const gitLog = (): number => time(() => execFileSync('git', ['log', '--first-parent', '--format=%H %P', '--name-status', 'HEAD'], { cwd: repo, maxBuffer: 1 << 30 }));
  gitLog();
  const selectRuns: number[] = [];
  const logRuns: number[] = [];
  let found = 0;
  for (let round = 0; round < 3; round++) {
    logRuns.push(gitLog());
    const started = performance.now();
    found = (await findReplayCandidates(storeDir)).length;
    selectRuns.push(performance.now() - started);
  }
  const select = median(selectRuns);
  const log = median(logRuns);
  print.line('baseline: git log --first-parent --name-status', ms(log), `${((commits / log) * 1000).toFixed(0)} commits/s`);
  print.line('candidate selection (store read + filter)', ms(select), `${ratio(select, log)} of git; ${found} candidates of ${commits} commits`);
  print.line('selection throughput', `${((commits / select) * 1000).toFixed(0)} commits/s`, `${((found / select) * 1000).toFixed(0)} candidates/s`);

  const sample = await findReplayCandidates(storeDir, { n: MATERIALIZED, seed: 1 });
  const built: number[] = [];
  for (const candidate of sample) {
    const started = performance.now();
    const task = await buildReplayTask(repo, candidate, { validate: false, linkDependencies: false });
    await task.dispose();
    built.push(performance.now() - started);
  }
  // The baseline: a bare worktree add + remove of the same parents, nothing written into it.
  const scratch = mkdtempSync(join(work, 'replay-bare-'));
  const bare: number[] = sample.map((candidate, i) => {
    const dir = join(scratch, String(i));
    return time(() => {
      execFileSync('git', ['worktree', 'add', '--detach', '--quiet', dir, `${candidate.sha}^1`], { cwd: repo, stdio: 'ignore' });
      execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' });
    });
  });
  rmSync(scratch, { recursive: true, force: true });
  const ours = median(built);
  const base = median(bare);
  print.line('baseline: git worktree add + remove', ms(base), `p50 over ${bare.length} parents`);
  print.line('task materialized + disposed (no tests run)', ms(ours), `p50, ${ratio(ours, base)} of bare git`);
  print.line('materialization throughput', `${(1000 / ours).toFixed(1)} tasks/s`, `bare git ${(1000 / base).toFixed(1)} worktrees/s`);
  const leftover = existsSync(replayRoot()) ? execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: repo }).toString().split('\n').filter((l) => l.startsWith('worktree ')).length - 1 : 0;
  if (leftover > 0) print.line('worktrees left behind', String(leftover), '(should be 0)');
}

function time(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}
