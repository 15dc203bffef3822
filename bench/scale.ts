// `npm run bench -- --only scale` (issue #21): memory on a long first-parent history (500,000
// commits by default, --scale-commits <n>), each figure next to a baseline from the same run.
// Every step runs in a child process under a time limit, so a step that runs out of time or memory
// prints "did not finish: …" as its figure and the others still run. COEVOLVE_MEMORY_ENGINE, when
// set, reaches every child (the MCP server's too); the store's own files say which engine wrote it.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cachedScaleRepo } from './corpus/scaleRepo.ts';
import type { Printer } from './mcpRecall.ts';
import { CLI } from './processes.ts';
import { median, ms, percentile, ratio } from './stats.ts';
import { RssWatch, watch } from './watchedProcess.ts';
import type { Watched, WatchOptions } from './watchedProcess.ts';

export interface ScaleOptions {
  commits: number;
  seed?: number;
  /** Limit for the full mine (default 30 minutes). */
  mineMinutes?: number;
  /** Limit for every other step (default 10 minutes). */
  stepMinutes?: number;
  /** Commits of the prefix mined with today's JSON engine for the per-commit size baseline (default 20,000). */
  prefixCommits?: number;
  /** Leave the mined store in place (its path is printed) for probing; by default it is removed. */
  keepStore?: boolean;
}

const ENGINE_VARIABLE = 'COEVOLVE_MEMORY_ENGINE';
const WARM_QUERIES = 200;
/** How long the warm loop may run before it reports what it has (after the first recall and the warm-up). */
const WARM_BUDGET_MS = 3 * 60_000;
const INCREMENTAL_COMMITS = 5;
const PAGE = 50;
const IDENTITY = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

/** No step may take more than this much memory: the machine is shared and has no swap. */
const RSS_CAP_MB = 8192;

function watched(command: string, args: string[], options: Omit<WatchOptions, 'rssCapMb'>): Promise<Watched> {
  return watch(command, args, { rssCapMb: RSS_CAP_MB, ...options });
}

function seconds(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : ms(value);
}

function unfinished(run: Unfinished): string {
  return `${run.why} (after ${seconds(run.ms)}, peak RSS ${run.peakRssMb.toFixed(0)} MB)`;
}

/** The bytes under a folder, by file extension (the engine shows in which files it writes). */
function sizeOf(dir: string): { bytes: number; byExtension: Map<string, number> } {
  const byExtension = new Map<string, number>();
  let bytes = 0;
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const size = statSync(path).size;
        bytes += size;
        const ext = /\.[^.]+$/.exec(entry.name)?.[0] ?? '(none)';
        byExtension.set(ext, (byExtension.get(ext) ?? 0) + size);
      }
    }
  };
  walk(dir);
  return { bytes, byExtension };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function breakdown(size: { byExtension: Map<string, number> }): string {
  return [...size.byExtension].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([ext, bytes]) => `${ext} ${mb(bytes)}`).join(', ');
}

function childEnv(engine?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  if (engine) env[ENGINE_VARIABLE] = engine;
  return env;
}

/** Queries from the history itself (subjects, subjects with their files, stack-trace-like errors), so they find something on any engine. */
export async function queriesFrom(repo: string, count: number, limitMs: number): Promise<string[]> {
  const run = await watched('git', ['log', '--first-parent', '--no-renames', '--name-only', '--format=%x1e%s'], { cwd: repo, limitMs, keepStdout: true });
  if (!run.ok) throw new Error(`git log for the queries: ${run.why}`);
  const commits = run.stdout.split('\x1e').slice(1).map((chunk) => {
    const [subject = '', ...files] = chunk.split('\n').filter(Boolean);
    return { subject, file: files[0] ?? 'src/index.ts' };
  });
  const out: string[] = [];
  const step = Math.max(1, Math.floor(commits.length / count));
  for (let i = 0; i < commits.length && out.length < count; i += step) {
    const { subject, file } = commits[i]!;
    const identifier = /`([^`]+)`/.exec(subject)?.[1] ?? /\b([a-z]+[A-Z_]\w*)\b/.exec(subject)?.[1] ?? 'handler';
    const shape = out.length % 3;
    out.push(shape === 0 ? subject : shape === 1 ? `TypeError: cannot read properties of undefined at ${identifier} (${file}:10:5)` : `${subject} ${file}`);
  }
  return out;
}

export async function scaleFigures(work: string, print: Printer, options: ScaleOptions): Promise<void> {
  const { line, header } = print;
  const engine = process.env[ENGINE_VARIABLE] ?? '(unset: the store picks)';
  header(`Scale — ${options.commits} first-parent commits, ${ENGINE_VARIABLE}=${engine}`);
  // The CLI steps run the bundle, the in-process ones (browser, mineHistory) the sources: say when the bundle was built.
  const bundleBuilt = statSync(CLI).mtimeMs;
  line('dist/cli.cjs built', new Date(bundleBuilt).toISOString(), 'in-process steps run src/ through tsx');
  try {
    await scaleSteps(work, print, options);
  } finally {
    // A rebuild during the run means the later steps ran other code than the earlier ones.
    const now = statSync(CLI).mtimeMs;
    if (now !== bundleBuilt) line('WARNING: dist/cli.cjs was rebuilt', new Date(now).toISOString(), 'during this run: the figures after that moment come from the new build');
  }
}

async function scaleSteps(work: string, print: Printer, options: ScaleOptions): Promise<void> {
  const { line } = print;
  const mineLimit = (options.mineMinutes ?? 30) * 60_000;
  const stepLimit = (options.stepMinutes ?? 10) * 60_000;
  const { dir: repo, built } = await cachedScaleRepo(join(work, `scale-${options.commits}`), options.commits, options.seed ?? 42);
  line('history', `${options.commits} commits`, built ? `built in ${built.seconds.toFixed(1)} s (${built.files} files at the start)` : `cached in ${repo}`);

  // Baseline: what git itself takes to produce the same history with patches, read and discarded.
  // Run before and after the mine, and the faster kept, so the page cache favours git, not us.
  const gitLog = (): Promise<Watched> => watched('git', ['log', '-p', '--numstat', '--first-parent'], { cwd: repo, limitMs: mineLimit });
  const baselines = [await gitLog()];
  const store = join(work, 'stores', `scale-${options.commits}-${process.pid}`);
  rmSync(store, { recursive: true, force: true });
  // The store is rebuilt every run (a 500k one is a gigabyte or more): removed however the run ends, unless kept.
  try {
    // Polling VmHWM can miss a last spike; the child's own resourceUsage at exit cannot (but a killed child writes none).
    const usageFile = join(tmpdir(), `coevolve-scale-usage-${process.pid}.json`);
    const mine = await watched(process.execPath, ['--require', join(import.meta.dirname, 'reportUsage.cjs'), CLI, 'mine', repo, '--store', store, '--json'], { cwd: repo, limitMs: mineLimit, env: { ...childEnv(), BENCH_USAGE_FILE: usageFile }, keepStdout: true });
    const minePeakMb = Math.max(mine.peakRssMb, existsSync(usageFile) ? (JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number }).maxRSS / 1024 : 0);
    rmSync(usageFile, { force: true });
    baselines.push(await gitLog());
    const finishedBaselines = baselines.filter((b): b is Finished => b.ok);
    const base = finishedBaselines.length > 0 ? Math.min(...finishedBaselines.map((b) => b.ms)) : Number.NaN;
    line('baseline: git log -p --numstat, first-parent', finishedBaselines.length > 0 ? seconds(base) : unfinished(baselines[0] as Unfinished), `(runs: ${baselines.map((b) => seconds(b.ms)).join(', ')})`);
    if (!mine.ok) {
      line('coevolve mine', unfinished(mine));
      line('peak RSS mining', `${minePeakMb.toFixed(0)} MB`, '(goal <= 1 GB)');
      line('everything after mining', 'skipped', 'no mined store');
      return;
    }
    const mined = JSON.parse(mine.stdout) as { mined: number; experiences: number };
    line('coevolve mine', seconds(mine.ms), `${ratio(mine.ms, base)} of git  (goal <= 2x); ${mined.mined} mined, ${((mined.mined / mine.ms) * 1000).toFixed(0)} commits/s`);
    line('peak RSS mining', `${minePeakMb.toFixed(0)} MB`, '(goal <= 1 GB)');
    if (mined.experiences !== options.commits) line('', '', `(the store holds ${mined.experiences} experiences for ${options.commits} commits)`);

    const queries = await queriesFrom(repo, WARM_QUERIES, stepLimit);
    await coldRecall(repo, store, queries, stepLimit, print);
    const size = sizeOf(store);
    const perCommit = size.bytes / mined.experiences;
    line('store size', mb(size.bytes), `${(perCommit / 1024).toFixed(2)} KB per commit (${breakdown(size)})`);
    await warmRecall(repo, store, queries, stepLimit, print);
    await browserPages(store, mined.experiences, stepLimit, print);
    await incrementalMine(repo, store, stepLimit, print);
    await todaysSizePerCommit(work, repo, perCommit, Math.min(options.prefixCommits ?? 20_000, options.commits), queries[0]!, stepLimit, print);
  } finally {
    if (options.keepStore) line('store kept', store, '(--scale-keep-store: remove it when done)');
    else rmSync(store, { recursive: true, force: true });
  }
}

/** A new `coevolve recall` process each time: the first builds the index cache, the next ones load it. */
async function coldRecall(repo: string, store: string, queries: string[], limitMs: number, { line }: Printer): Promise<void> {
  // An answer with no experience is a failure: a recall that finds nothing is fast for the wrong reason.
  const recallOnce = async (text: string): Promise<Watched> => {
    const run = await watched(process.execPath, [CLI, 'recall', text, '--path', repo, '--store', store, '--json'], { cwd: repo, limitMs, env: childEnv(), keepStdout: true });
    if (run.ok && !((JSON.parse(run.stdout) as { experiences?: unknown[] }).experiences?.length)) return { ok: false, ms: run.ms, peakRssMb: run.peakRssMb, why: `recall found no experience for "${text.slice(0, 80)}"` };
    return run;
  };
  const floor: number[] = [];
  for (let i = 0; i < 3; i++) {
    const bare = await watched(process.execPath, [CLI, '--version'], { cwd: repo, limitMs });
    if (bare.ok) floor.push(bare.ms);
  }
  const first = await recallOnce(queries[0]!);
  if (!first.ok) return line('first recall (builds the index cache)', unfinished(first));
  line('first recall (builds the index cache)', seconds(first.ms), `peak RSS ${first.peakRssMb.toFixed(0)} MB`);
  const runs: Watched[] = [];
  for (const text of queries.slice(1, 4)) runs.push(await recallOnce(text));
  const done = runs.filter((r): r is Finished => r.ok);
  if (done.length < runs.length) return line('cold recall (a new process)', unfinished(runs.find((r): r is Unfinished => !r.ok)!));
  const cold = median(done.map((r) => r.ms));
  line('baseline: coevolve --version (process start)', ms(median(floor)));
  line('cold recall (a new process)', ms(cold), `p50 of ${done.length} (${done.map((r) => r.ms.toFixed(0)).join(', ')} ms), ${ratio(cold, median(floor))} of the bare start; peak RSS ${Math.max(...done.map((r) => r.peakRssMb)).toFixed(0)} MB  (goal <= 1 s)`);
  // The launcher's code cache is written by a command's first run after an install; this is that run.
  const uncached = await watched(process.execPath, [CLI, 'recall', queries[4] ?? queries[1]!, '--path', repo, '--store', store, '--json'], { cwd: repo, limitMs, env: { ...childEnv(), NODE_DISABLE_COMPILE_CACHE: '1' } });
  if (uncached.ok) line('cold recall without the code cache (first run after an install)', ms(uncached.ms), `${ratio(uncached.ms, cold)} of a cached start`);
}

/** Recall through the MCP server over stdio, one long-lived process, against tools/list on the same connection. */
export async function warmRecall(repo: string, store: string, queries: string[], limitMs: number, { line }: Printer): Promise<void> {
  // The transport passes only a few variables by default; the engine choice must reach the server.
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--workspace', repo, '--store', store], env: childEnv(), stderr: 'ignore' });
  const client = new Client({ name: 'coevolve-scale-bench', version: '1.0.0' });
  let overCap = '';
  const call = async (text: string): Promise<number> => {
    const t = performance.now();
    const result = await client.callTool({ name: 'recall', arguments: { text } }, undefined, { timeout: limitMs });
    if (result.isError) throw new Error(`recall failed: ${JSON.stringify(result.content).slice(0, 300)}`);
    // An empty answer would be fast for the wrong reason.
    if (JSON.stringify(result.content).length < 80) throw new Error(`recall answered almost nothing for "${text.slice(0, 80)}": ${JSON.stringify(result.content)}`);
    return performance.now() - t;
  };
  let rss: RssWatch | undefined;
  try {
    await client.connect(transport);
    // The server is not started through watch(): its memory is watched here, under the same cap.
    if (transport.pid !== null) {
      rss = new RssWatch(transport.pid, RSS_CAP_MB, (mb) => {
        overCap = `resident memory passed ${RSS_CAP_MB} MB (${mb.toFixed(0)} MB)`;
        void client.close();
      });
    }
    const first = await call(queries[0]!);
    line('MCP: the server\'s first recall (loads store)', seconds(first));
    for (const q of queries.slice(0, 10)) await call(q);
    const times: number[] = [];
    const floor: number[] = [];
    // A budget rather than a count: at scale a slow recall would otherwise hold the bench for hours.
    const budgetEnds = performance.now() + WARM_BUDGET_MS;
    for (const q of queries) {
      if (performance.now() > budgetEnds) break;
      times.push(await call(q));
      const t = performance.now();
      await client.listTools(undefined, { timeout: limitMs });
      floor.push(performance.now() - t);
    }
    line('baseline: MCP tools/list round trip, p95', ms(percentile(floor, 95)));
    line(`warm recall through MCP, p50 (${times.length} queries)`, ms(percentile(times, 50)));
    line('warm recall through MCP, p95', ms(percentile(times, 95)), `${ratio(percentile(times, 95), percentile(floor, 95))} of tools/list  (goal <= 50 ms); the server's peak RSS ${rss?.peakMb.toFixed(0) ?? '?'} MB`);
  } catch (error) {
    line('warm recall through MCP', `did not finish: ${overCap || (error instanceof Error ? error.message : String(error))}`);
  } finally {
    rss?.stop();
    await client.close();
  }
}

interface PageTimes {
  open: number;
  total: number;
  first: number;
  deep: number;
  deepOffset: number;
  filteredLoad: number;
  /** From the end of page 1 to the index being open in the background (MemoryBrowser.warmedUp). */
  warmUp: number;
  filteredFirst: number;
  filteredDeep: number;
  filteredDeepOffset: number;
  filteredTotal: number;
  fixTotal: number;
}

/** MemoryBrowser.page in a child process (this file, --pages), so its memory is its own. */
async function browserPages(store: string, experiences: number, limitMs: number, { line }: Printer): Promise<void> {
  const run = await watched(process.execPath, ['--import', 'tsx', import.meta.filename, '--pages', store, String(experiences)], { cwd: resolve(import.meta.dirname, '..'), limitMs, env: childEnv(), keepStdout: true });
  if (!run.ok) return line('memory browser pages', unfinished(run));
  const t = JSON.parse(run.stdout) as PageTimes;
  line('baseline: MemoryStore.open', ms(t.open));
  line(`browser page 1, unfiltered (${PAGE} rows)`, ms(t.first), `of ${t.total}; ${ratio(t.first, t.open)} of open  (goal <= 100 ms)`);
  line(`browser page at row ${t.deepOffset}, unfiltered`, ms(t.deep), '(goal <= 100 ms)');
  line('browser: the index opened in the background', seconds(t.warmUp), 'from the end of page 1 (the first filter or search would otherwise wait for it)');
  line('browser page 1, kind=fix, first filter', ms(t.filteredLoad), `once the index is open; ${t.fixTotal} match  (goal <= 100 ms)`);
  line('browser page 1, kind=refactor (index loaded)', ms(t.filteredFirst), `of ${t.filteredTotal}  (goal <= 100 ms)`);
  line(`browser page at row ${t.filteredDeepOffset}, kind=refactor`, ms(t.filteredDeep), `(goal <= 100 ms); peak RSS of the process ${run.peakRssMb.toFixed(0)} MB`);
}

async function measurePages(store: string, expected: number): Promise<PageTimes> {
  const { MemoryStore } = await import('../src/core/memory/store.ts');
  const { MemoryBrowser } = await import('../src/extension/memoryPanelQuery.ts');
  const t = performance.now();
  await MemoryStore.open(store);
  const open = performance.now() - t;
  const browser = new MemoryBrowser(store);
  const timed = async (filter: { kind?: 'fix' | 'refactor' }, offset: number) => {
    const started = performance.now();
    const page = await browser.page(filter, offset, PAGE);
    const elapsed = performance.now() - started;
    // A wrong page is no figure: it must be full (or the last one) and hold only the kind asked for.
    if (page.experiences.length !== Math.min(PAGE, page.total - offset)) throw new Error(`a page of ${page.experiences.length} rows at ${offset} (${JSON.stringify(filter)}, total ${page.total})`);
    const wrong = filter.kind ? page.experiences.find((e) => e.kind !== filter.kind) : undefined;
    if (wrong) throw new Error(`kind=${filter.kind} listed ${wrong.sha} of kind ${wrong.kind}`);
    return { ms: elapsed, total: page.total };
  };
  const first = await timed({}, 0);
  const paged = performance.now();
  if (first.total !== expected) throw new Error(`the browser counts ${first.total} experiences, the mine reported ${expected}`);
  // Page 1 started opening the recall index, as the panel does while the user reads the page; the
  // first filter comes once it is open (a person takes longer than that to pick one).
  await browser.warmedUp();
  const warmUp = performance.now() - paged;
  const deepOffset = Math.floor(first.total * 0.9);
  const deep = await timed({}, deepOffset);
  const load = await timed({ kind: 'fix' }, 0);
  const filteredFirst = await timed({ kind: 'refactor' }, 0);
  const filteredDeepOffset = Math.floor(filteredFirst.total * 0.9);
  const filteredDeep = await timed({ kind: 'refactor' }, filteredDeepOffset);
  return { open, total: first.total, first: first.ms, deep: deep.ms, deepOffset, filteredLoad: load.ms, warmUp, filteredFirst: filteredFirst.ms, filteredDeep: filteredDeep.ms, filteredDeepOffset, filteredTotal: filteredFirst.total, fixTotal: load.total };
}

/** One new commit at a time on a worktree of the history: `coevolve mine` as a process, then mineHistory in-process. */
async function incrementalMine(repo: string, store: string, limitMs: number, { line }: Printer): Promise<void> {
  const tree = join(tmpdir(), `coevolve-scale-incremental-${process.pid}`);
  const branch = `scale-incremental-${process.pid}`;
  const git = (args: string[], cwd = repo): Promise<Watched> => watched('git', args, { cwd, limitMs, env: { ...process.env, ...IDENTITY } });
  const added = await git(['worktree', 'add', '-q', '-b', branch, tree, 'main']);
  if (!added.ok) return line('incremental mine', `did not finish: git worktree add: ${added.why}`);
  try {
    const cli: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < INCREMENTAL_COMMITS; i++) {
      const commit = await newCommit(tree, i, limitMs);
      if (commit) return line('incremental mine', `did not finish: ${commit}`);
      const run = await watched(process.execPath, [CLI, 'mine', tree, '--store', store, '--json'], { cwd: tree, limitMs, env: childEnv(), keepStdout: true });
      if (!run.ok) return line('incremental mine (CLI)', unfinished(run));
      const { mined } = JSON.parse(run.stdout) as { mined: number };
      if (mined !== 1) return line('incremental mine (CLI)', `wrong: mined ${mined} commits, expected 1`);
      cli.push(run.ms);
      const bare = await watched(process.execPath, [CLI, '--version'], { cwd: tree, limitMs });
      if (bare.ok) floor.push(bare.ms);
    }
    line('baseline: coevolve --version (process start)', ms(median(floor)));
    line(`incremental mine, CLI process, p50 of ${cli.length}`, ms(median(cli)), `most ${ms(Math.max(...cli))}; ${ratio(median(cli), median(floor))} of the bare start  (goal <= 200 ms)`);
    const extra = await newCommit(tree, INCREMENTAL_COMMITS, limitMs);
    const uncached = extra ? undefined : await watched(process.execPath, [CLI, 'mine', tree, '--store', store, '--json'], { cwd: tree, limitMs, env: { ...childEnv(), NODE_DISABLE_COMPILE_CACHE: '1' } });
    if (uncached?.ok) line('incremental mine without the code cache (first run after an install)', ms(uncached.ms), `${ratio(uncached.ms, median(cli))} of a cached start`);
    const inProcess = await watched(process.execPath, ['--import', 'tsx', import.meta.filename, '--incremental', tree, store], { cwd: resolve(import.meta.dirname, '..'), limitMs, env: childEnv(), keepStdout: true });
    if (!inProcess.ok) return line('incremental mine, mineHistory in-process', unfinished(inProcess));
    const times = JSON.parse(inProcess.stdout) as number[];
    line(`incremental mine, in-process, p50 of ${times.length}`, ms(median(times)), `most ${ms(Math.max(...times))}  (goal <= 200 ms)`);
    // An amend of the newest commit: one commit forgotten and one mined (the file tables take back
    // only their newest batch; they were rebuilt from the first commit before).
    const amends: number[] = [];
    for (let i = 0; i < 3; i++) {
      const amended = await git(['commit', '-q', '--amend', '-m', `fix(scale): amended ${i}`], tree);
      if (!amended.ok) return line('amend mined (CLI)', `did not finish: git commit --amend: ${amended.why}`);
      const run = await watched(process.execPath, [CLI, 'mine', tree, '--store', store, '--json'], { cwd: tree, limitMs, env: childEnv(), keepStdout: true });
      if (!run.ok) return line('amend mined (CLI)', unfinished(run));
      const { mined, removed } = JSON.parse(run.stdout) as { mined: number; removed: number };
      if (mined !== 1 || removed !== 1) return line('amend mined (CLI)', `wrong: mined ${mined}, forgot ${removed}; expected 1 and 1`);
      amends.push(run.ms);
    }
    line(`amend mined, CLI process, p50 of ${amends.length}`, ms(median(amends)), `most ${ms(Math.max(...amends))}; ${ratio(median(amends), median(cli))} of a new commit's`);
  } finally {
    await git(['worktree', 'remove', '--force', tree]);
    await git(['branch', '-D', branch]);
  }
}

/** Appends a line to a tracked file and commits it; returns why it failed, or undefined. */
async function newCommit(tree: string, i: number, limitMs: number): Promise<string | undefined> {
  const env = { ...process.env, ...IDENTITY };
  const script = `f=$(git ls-files '*.ts' | sed -n '${1 + i * 97}p') && echo "// touched by the scale bench (${i})" >> "$f" && git commit -qam "fix(bench): touch $f (${i})"`;
  const run = await watched('bash', ['-c', script], { cwd: tree, limitMs, env });
  return run.ok ? undefined : `commit ${i}: ${run.why}`;
}

async function measureIncremental(tree: string, store: string): Promise<number[]> {
  const { mineHistory } = await import('../src/core/mining/miner.ts');
  const times: number[] = [];
  for (let i = INCREMENTAL_COMMITS; i < 2 * INCREMENTAL_COMMITS; i++) {
    const failed = await newCommit(tree, i, 60_000);
    if (failed) throw new Error(failed);
    const started = performance.now();
    const result = await mineHistory(tree, { storeDir: store });
    times.push(performance.now() - started);
    if (result.mined !== 1) throw new Error(`expected one new commit, mined ${result.mined}`);
  }
  return times;
}

/**
 * Today's bytes per commit: the newest `prefix` commits mined with the JSON engine forced, recalled
 * once (which writes the index cache), measured the same way as the full store.
 */
async function todaysSizePerCommit(work: string, repo: string, perCommit: number, prefix: number, query: string, limitMs: number, { line }: Printer): Promise<void> {
  const store = join(work, 'stores', `scale-json-${prefix}-${process.pid}`);
  rmSync(store, { recursive: true, force: true });
  try {
    const mine = await watched(process.execPath, [CLI, 'mine', repo, '--store', store, '--max', String(prefix), '--json'], { cwd: repo, limitMs, env: childEnv('json'), keepStdout: true });
    if (!mine.ok) return line(`baseline: JSON engine, ${prefix} newest commits`, unfinished(mine));
    const recalled = await watched(process.execPath, [CLI, 'recall', query, '--path', repo, '--store', store, '--json'], { cwd: repo, limitMs, env: childEnv('json') });
    if (!recalled.ok) return line(`baseline: JSON engine, ${prefix} newest commits`, `recall ${unfinished(recalled)}`);
    const { experiences } = JSON.parse(mine.stdout) as { experiences: number };
    const size = sizeOf(store);
    const today = size.bytes / experiences;
    line(`baseline: JSON engine, ${experiences} newest commits`, mb(size.bytes), `${(today / 1024).toFixed(2)} KB per commit (${breakdown(size)})`);
    line('store size per commit vs the JSON engine', ratio(perCommit, today), '(goal <= 1.5x)');
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

type Finished = Extract<Watched, { ok: true }>;
type Unfinished = Extract<Watched, { ok: false }>;

// Child entry points: `--pages <store> <experiences>` and `--incremental <worktree> <store>` print JSON.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [mode, a, b] = process.argv.slice(2);
  const work = mode === '--pages' && a && b ? measurePages(a, Number(b)) : mode === '--incremental' && a && b ? measureIncremental(a, b) : undefined;
  if (!work) {
    process.stderr.write('usage: node --import tsx bench/scale.ts --pages <store> <experiences> | --incremental <worktree> <store>\n');
    process.exit(2);
  }
  work.then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      // The stack first and the message last: the parent reports the last lines of stderr.
      process.stderr.write(error instanceof Error ? `${error.stack ?? ''}\n${error.message}\n` : `${String(error)}\n`);
      process.exit(1);
    },
  );
}
