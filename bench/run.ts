// `npm run bench`: prints the figures the issues ask for, each next to a baseline measured in the
// same run on the same machine. Options: --repo <path> (mine an existing repository instead of the
// synthetic one), --commits <n> (synthetic size, default 10000), --skip-npm (no npm corpora).
// The replay group also calibrates the evaluator on the real histories in ../shared/repos
// (bench/calibration.ts): --calibration-n <n> candidates per project (default 8), --calibration-seed
// <s> (default 1), --calibration-minutes <m> (time budget, default 12), --calibration-projects
// koa,body-parser,itsdangerous, --calibration-repos <dir>, --skip-calibration; `--only calibration`
// runs the calibration alone. Its summary is written to .bench/calibration.json.
// The checks group (`--only checks`, bench/checks.ts) times a project's checks one after another
// against side by side, and a whole solve round both ways: --checks-projects koa,body-parser,
// --checks-runs <n> (timed runs per mode, default 3), --skip-check-rounds (the checks alone).
// The embeddings group (`--only embeddings`, bench/embeddings.ts) times the semantic channel's vector
// storage and its upkeep on the synthetic history. COEVOLVE_BENCH_EMBEDDER=<baseURL>|<model> adds
// a semantic row to the localization figures with that embedder (bench/embeddingsLocalization.ts).
// The localization group (`--only localization`) gathers the synthetic (or --repo) history, the npm
// corpora, the bundles in ../shared/repos (or --calibration-repos) and this repository's own history,
// and reports recall with the code channel under weights fitted leaving that corpus out (bench/localizationFigures.ts).
// The scale group (`--only scale`, bench/scale.ts) mines a generated first-parent history of
// --scale-commits commits (default 500000; built once under .bench/scale-<n>) and times mining, recall,
// the memory browser and an incremental mine against baselines in the same run (issue #21).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSyntheticRepo } from './corpus/syntheticRepo.ts';
import { buildNpmHistoryRepo, DEFAULT_NPM_CORPORA } from './corpus/npmHistoryRepo.ts';
import { gatherCorpora, printLocalizationFigures } from './localizationFigures.ts';
import type { CorpusSpec } from './localizationFigures.ts';
import { CLI, runCli, timeCommand } from './processes.ts';
import { median, ms, percentile, ratio } from './stats.ts';
import { measureActivation, measureCodeActions } from './activation.ts';
import { measureClientOverhead, measureSidecar } from './modelAccess.ts';
import { fiveThousandFileRepo, koaClone, measureOrchestration, measureRealRound, measureSandboxSetup } from './orchestration.ts';
import { mcpRecallFigures } from './mcpRecall.ts';
import { replayBuilderFigures } from './replayBuilder.ts';
import { evolutionFigures } from './evolution.ts';
import { calibrationFigures, CALIBRATION_PROJECTS } from './calibration.ts';
import { checkConcurrencyFigures, CHECK_PROJECTS } from './checks.ts';
import { embeddingFigures } from './embeddings.ts';
import { codeIndexFigures, nodeModulesCorpus } from './codeIndex.ts';
import { scaleFigures } from './scale.ts';
import { mineHistory } from '../src/core/mining/miner.ts';
import { MemoryStore } from '../src/core/memory/store.ts';
import { RecallIndex } from '../src/core/memory/recallIndex.ts';
import { recall } from '../src/core/memory/recall.ts';

const { values } = parseArgs({
  options: {
    repo: { type: 'string' },
    commits: { type: 'string', default: '10000' },
    'skip-npm': { type: 'boolean', default: false },
    // extension | mining | models | team | checks | evolution | mcp | replay | calibration | localization | embeddings | codeindex | scale: run one group only.
    only: { type: 'string' },
    'scale-commits': { type: 'string', default: '500000' },
    'scale-keep-store': { type: 'boolean', default: false },
    'calibration-n': { type: 'string', default: '8' },
    'calibration-seed': { type: 'string', default: '1' },
    'calibration-minutes': { type: 'string', default: '12' },
    'calibration-projects': { type: 'string', default: CALIBRATION_PROJECTS.join(',') },
    'calibration-repos': { type: 'string' },
    'skip-calibration': { type: 'boolean', default: false },
    'checks-projects': { type: 'string', default: CHECK_PROJECTS.join(',') },
    'checks-runs': { type: 'string', default: '3' },
    'skip-check-rounds': { type: 'boolean', default: false },
    // A real GGUF for the sidecar figure (default: a tiny random model written by the bench).
    gguf: { type: 'string' },
  },
});

const root = join(import.meta.dirname, '..');
const work = join(root, '.bench');
mkdirSync(work, { recursive: true });
if (!existsSync(CLI)) throw new Error('Build first: npm run build');

function line(label: string, value: string, note = ''): void {
  process.stdout.write(`  ${label.padEnd(44)} ${value.padStart(14)}  ${note}\n`);
}

function header(title: string): void {
  process.stdout.write(`\n${title}\n`);
}

async function syntheticRepo(commits: number): Promise<string> {
  const dir = join(work, `synthetic-${commits}`);
  if (!existsSync(join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    const made = await createSyntheticRepo(dir, { commits, seed: 42 });
    process.stdout.write(`  (created a synthetic repository of ${made.commits} commits in ${made.seconds.toFixed(1)} s)\n`);
  }
  return dir;
}

async function miningSpeed(repo: string): Promise<{ storeDir: string; commits: number }> {
  header(`Mining speed — ${repo}`);
  const commits = Number(execFileSync('git', ['rev-list', '--count', '--first-parent', 'HEAD'], { cwd: repo }).toString().trim());
  line('first-parent commits', String(commits));
  // Warm the OS cache once, then alternate baseline and ours so both see the same machine state.
  await timeCommand('git', ['log', '-p', '--numstat'], repo);
  const baselines: number[] = [];
  const ours: number[] = [];
  const oursNoSymbols: number[] = [];
  let peakRss = 0;
  const storeDir = join(work, 'stores', `speed-${process.pid}`);
  for (let round = 0; round < 2; round++) {
    baselines.push(await timeCommand('git', ['log', '-p', '--numstat'], repo));
    rmSync(storeDir, { recursive: true, force: true });
    const run = await runCli(['mine', repo, '--store', storeDir], repo);
    ours.push(run.ms);
    peakRss = Math.max(peakRss, run.maxRssMb);
    const bare = join(work, 'stores', `nosym-${process.pid}`);
    rmSync(bare, { recursive: true, force: true });
    oursNoSymbols.push((await runCli(['mine', repo, '--store', bare, '--no-symbols'], repo)).ms);
    rmSync(bare, { recursive: true, force: true });
  }
  const base = median(baselines);
  line('baseline: git log -p --numstat', ms(base), `(runs: ${baselines.map((b) => b.toFixed(0)).join(', ')} ms)`);
  line('coevolve mine (symbols on)', ms(median(ours)), `${ratio(median(ours), base)} of git  (goal <= 2x)`);
  line('coevolve mine --no-symbols', ms(median(oursNoSymbols)), `${ratio(median(oursNoSymbols), base)} of git`);
  line('mining throughput (symbols on)', `${((commits / median(ours)) * 1000).toFixed(0)} commits/s`);
  line(`peak RSS mining ${commits} commits`, `${peakRss.toFixed(0)} MB`, '(goal <= 500 MB)');
  return { storeDir, commits };
}

async function incremental(repo: string, storeDir: string): Promise<void> {
  header('Incremental update — one new commit at a time');
  const clone = join(work, `incremental-${process.pid}`);
  rmSync(clone, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', repo, clone]);
  const store = join(work, 'stores', `incremental-${process.pid}`);
  cpSync(storeDir, store, { recursive: true });
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@x' };
  const experiences = (await MemoryStore.open(store)).state.counts.experiences;
  const times: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < 25; i++) {
    execFileSync('bash', ['-c', `echo "export const bench${i} = ${i};" >> bench_incremental.ts && git add -A && git commit -qm "feat(bench): add constant bench${i}"`], { cwd: clone, env });
    const started = performance.now();
    const result = await mineHistory(clone, { storeDir: store });
    times.push(performance.now() - started);
    if (result.mined !== 1) throw new Error(`expected one new commit, mined ${result.mined}`);
    floor.push(await timeCommand('git', ['log', '-1', '-p', '--numstat'], clone));
  }
  line('store size before', `${experiences} experiences`);
  line('mine one new commit, p50', ms(percentile(times, 50)));
  line('mine one new commit, p95', ms(percentile(times, 95)), `(goal <= 200 ms)  ${ratio(percentile(times, 95), median(floor))} of one \`git log -1 -p\` (${ms(median(floor))})`);
  rmSync(clone, { recursive: true, force: true });
  rmSync(store, { recursive: true, force: true });
}

async function recallLatency(storeDir: string): Promise<void> {
  header('Recall latency');
  // Cold: a fresh process opens the store and loads the index (first without, then with its cache).
  const script = `import { MemoryStore } from '${join(root, 'src/core/memory/store.ts')}';
import { RecallIndex } from '${join(root, 'src/core/memory/recallIndex.ts')}';
import { recall } from '${join(root, 'src/core/memory/recall.ts')}';
const t0 = performance.now();
const store = await MemoryStore.open(process.argv[1]);
const index = await RecallIndex.load(store);
const t1 = performance.now();
recall(index, 'fix a crash when the session token has expired');
process.stdout.write(JSON.stringify({ ms: t1 - t0, first: performance.now() - t1, size: index.size }));`;
  const coldRun = () =>
    JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, storeDir], { cwd: root }).toString()) as { ms: number; first: number; size: number };
  rmSync(join(storeDir, 'cache'), { recursive: true, force: true });
  const build = coldRun();
  const coldRuns = [coldRun(), coldRun(), coldRun()];
  const cold = coldRuns.map((r) => r.ms);
  const nodeFloor = [0, 1, 2].map(() => {
    const t = performance.now();
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', 'process.stdout.write("")'], { cwd: root });
    return performance.now() - t;
  });
  line('experiences indexed', String(build.size));
  line('first load, building the index', ms(build.ms));
  line('cold load (store + cached index)', ms(median(cold)), `(goal <= 500 ms; a bare tsx process start is ${ms(median(nodeFloor))}, not included)`);
  line('then the first recall (derives file tables)', ms(median(coldRuns.map((r) => r.first))));

  const store = await MemoryStore.open(storeDir);
  const index = await RecallIndex.load(store);
  const all = await store.loadAll();
  const queries: string[] = [];
  for (let i = 0; i < all.length && queries.length < 300; i += Math.max(1, Math.floor(all.length / 300))) {
    const e = all[i]!;
    queries.push(i % 3 === 0 ? `${e.intent.subject}\n${e.intent.body}` : i % 3 === 1 ? `TypeError: cannot read properties of undefined at ${e.symbols[0]?.name ?? 'handler'} (${e.files[0]?.path ?? 'src/index.ts'}:10:5)` : e.intent.subject);
  }
  for (const q of queries.slice(0, 20)) recall(index, q);
  const times: number[] = [];
  const lexicalOnly: number[] = [];
  for (const q of queries) {
    let t = performance.now();
    recall(index, q, { k: 10 });
    times.push(performance.now() - t);
    t = performance.now();
    index.query(q.toLowerCase().split(/\W+/).filter((w) => w.length > 2).slice(0, 40), 200);
    lexicalOnly.push(performance.now() - t);
  }
  line(`recall p50 over ${queries.length} queries`, ms(percentile(times, 50)));
  line('recall p95', ms(percentile(times, 95)), `(goal <= 20 ms)  ${ratio(percentile(times, 95), percentile(lexicalOnly, 95))} of a bare MiniSearch query (${ms(percentile(lexicalOnly, 95))})`);
}

async function modelAccess(): Promise<void> {
  header('Model client overhead (ChatClient vs a bare HTTP request, same loopback server, zero server time)');
  for (const stream of [false, true]) {
    const r = await measureClientOverhead(stream);
    const kind = stream ? 'streamed' : 'non-streamed';
    line(`baseline: bare HTTP request, ${kind}`, `p50 ${ms(r.rawP50)}`, `p95 ${ms(r.rawP95)}`);
    line(`ChatClient.chat, ${kind}`, `p50 ${ms(r.clientP50)}`, `p95 ${ms(r.clientP95)}  (${ratio(r.clientP50, r.rawP50)} of bare at p50)`);
    line(`client overhead per call, ${kind}`, `p95 ${ms(r.overheadP95)}`, `p50 ${ms(r.overheadP50)}, ${r.calls} paired calls  (goal p95 <= 5 ms)`);
  }
  header('Sidecar generation speed (streamed through its HTTP API vs the same engine in-process)');
  try {
    const s = await measureSidecar(work, values.gguf ? { modelPath: resolve(values.gguf) } : {});
    line(`engine in-process, ${s.backend}`, `${s.direct.toFixed(0)} tok/s`, `model ${s.model}, ${s.tokens} tokens per request`);
    line(`sidecar over HTTP, ${s.backend}`, `${s.served.toFixed(0)} tok/s`, `${ratio(s.served, s.direct)} of in-process`);
    if (!values.gguf) line('', '', '(tiny random model: measures the plumbing; pass --gguf <file> for a real model\'s speed)');
  } catch (error) {
    line('sidecar', 'skipped', error instanceof Error ? error.message : String(error));
  }
}

async function teamFigures(): Promise<void> {
  const repo = fiveThousandFileRepo(work);
  header(`Team orchestration — ${repo} (5,000 files)`);
  const s = await measureSandboxSetup(repo, work);
  line('baseline: git worktree add (checkout)', ms(s.bareAddP50), 'p50');
  line('sandbox open (worktree + user state snapshot)', ms(s.openP50), `p50, ${ratio(s.openP50, s.bareAddP50)} of bare add`);
  line('baseline: git worktree remove', ms(s.bareRemoveP50), 'p50');
  line('sandbox dispose', ms(s.disposeP50), `p50, ${ratio(s.disposeP50, s.bareRemoveP50)} of bare remove`);
  const o = await measureOrchestration(repo, work);
  line('round wall time, zero-latency model (implement, verify, rectify)', ms(o.roundP50), `p50 over ${o.rounds} rounds; checks took ${ms(o.checkP50)} of it`);
  line('orchestration overhead per round', `p95 ${ms(o.overheadP95)}`, `p50 ${ms(o.overheadP50)}, excluding check time; model time nil`);
  // A realistic round: koa's own checks, a model that takes 1–3 s a call (bench/orchestration.ts).
  const koa = koaClone(work, values['calibration-repos'] ? resolve(values['calibration-repos']) : join(root, '..', 'shared', 'repos'));
  if (!koa) return line('realistic round (koa)', 'skipped', 'no koa.bundle in ../shared/repos');
  header(`A realistic round — koa (${koa}), its own npm test and lint, a scripted model taking 1–3 s per call`);
  const r = await measureRealRound(koa, work);
  const s1 = (value: number): string => `${(value / 1000).toFixed(1)} s`;
  line('round wall time', s1(r.roundP50), `p50 over ${r.rounds} rounds: checks ${s1(r.checkP50)}, model ${s1(r.modelP50)}`);
  line('the sandbox\'s operations per round', ms(r.sandboxP50), `p50 (most ${ms(r.sandboxMax)}): ${((100 * r.sandboxP50) / r.roundP50).toFixed(2)}% of the round; all overhead (sandbox, tools, prompts, HTTP) ${ms(r.overheadP50)}`);
}

async function extensionFigures(): Promise<void> {
  header('Extension activation (dist/extension.cjs loaded and activate() run, with a stand-in for the vscode module)');
  const a = await measureActivation(root);
  line('activation', `p50 ${ms(a.p50)}`, `p95 ${ms(a.p95)}; loading the bundle ${ms(a.loadP50)} (goal <= 50 ms)`);
  const c = await measureCodeActions(root);
  const us = (value: number): string => `${(value * 1000).toFixed(1)} µs`;
  line(`provideCodeActions, 3 diagnostics (${c.actions} actions)`, `p95 ${us(c.p95)}`, `p50 ${us(c.p50)} (goal <= 20 ms); a minimal provider: p95 ${us(c.baselineP95)}, p50 ${us(c.baselineP50)} (${ratio(c.p50, c.baselineP50)} at p50)`);
}

/**
 * Localization quality: the repository (or the synthetic one), the npm corpora, the real histories
 * in ../shared/repos and this repository's own, each mined and split at a cutoff; recall with the
 * code channel is reported under weights fitted on the other corpora (bench/localizationFigures.ts).
 */
async function localizationFigures(minedStore?: string): Promise<void> {
  const repo = values.repo ? resolve(values.repo) : await syntheticRepo(Number(values.commits));
  const specs: CorpusSpec[] = [{ name: values.repo ? basename(repo) : 'synthetic', repo, cutoffFraction: 0.7, ...(minedStore ? { store: minedStore } : {}) }];
  if (!values['skip-npm']) specs.push(...(await npmCorpora()));
  specs.push(...sharedCorpora(), ...ownHistoryCorpus());
  const storesDir = join(work, 'stores');
  mkdirSync(storesDir, { recursive: true });
  printLocalizationFigures(await gatherCorpora(specs, storesDir, { line, header }), { line, header });
}

/** The real histories in ../shared/repos (or --calibration-repos), cloned once from their bundles. */
function sharedCorpora(): CorpusSpec[] {
  const reposDir = values['calibration-repos'] ? resolve(values['calibration-repos']) : join(root, '..', 'shared', 'repos');
  const specs: CorpusSpec[] = [];
  for (const name of CALIBRATION_PROJECTS) {
    const bundle = join(reposDir, `${name}.bundle`);
    if (!existsSync(bundle)) {
      process.stdout.write(`  ${name}: skipped (no ${bundle})\n`);
      continue;
    }
    const clone = join(work, 'localization-repos', name);
    if (!existsSync(join(clone, '.git'))) {
      rmSync(clone, { recursive: true, force: true });
      execFileSync('git', ['clone', '-q', bundle, clone], { stdio: 'pipe' });
    }
    specs.push({ name, repo: clone, cutoffFraction: 0.7 });
  }
  return specs;
}

/**
 * This repository's own history: commit by commit, with real messages. Measured from a clone of
 * the checkout's HEAD (so local edits do not count), and only where the history is all there.
 */
function ownHistoryCorpus(): CorpusSpec[] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  let commits = 0;
  try {
    if (git('rev-parse', '--is-shallow-repository') === 'true') throw new Error('the checkout is shallow');
    commits = Number(git('rev-list', '--count', '--first-parent', 'HEAD'));
  } catch (error) {
    process.stdout.write(`  this repository's history: skipped (${error instanceof Error ? error.message.split('\n')[0] : String(error)})\n`);
    return [];
  }
  if (commits < 80) {
    process.stdout.write(`  this repository's history: skipped (${commits} commits; 80 or more make a measurement)\n`);
    return [];
  }
  const clone = join(work, 'own-history');
  rmSync(clone, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', '--no-local', root, clone], { stdio: 'pipe' });
  return [{ name: 'own history', repo: clone, cutoffFraction: 0.5 }];
}

/** The npm corpora: real histories rebuilt from npm releases (built once, then kept under .bench/npm). */
async function npmCorpora(): Promise<CorpusSpec[]> {
  const specs: CorpusSpec[] = [];
  for (const pkg of DEFAULT_NPM_CORPORA) {
    try {
      const dir = join(work, 'npm', pkg);
      if (!existsSync(join(dir, '.git'))) await buildNpmHistoryRepo(pkg, dir, { cacheDir: join(work, 'npm-cache') });
      specs.push({ name: pkg, repo: dir, cutoffFraction: 0.6 });
    } catch (error) {
      process.stdout.write(`  ${pkg}: skipped (${error instanceof Error ? error.message : String(error)})\n`);
    }
  }
  return specs;
}

function wholeNumber(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} expects a number, got ${value}`);
  return n;
}

/** The evaluator's calibration on the real histories (see bench/calibration.ts). */
async function calibration(): Promise<void> {
  if (values['skip-calibration']) return;
  await calibrationFigures(work, { line, header }, {
    n: wholeNumber('calibration-n', values['calibration-n']),
    seed: wholeNumber('calibration-seed', values['calibration-seed']),
    minutes: wholeNumber('calibration-minutes', values['calibration-minutes']),
    projects: (values['calibration-projects'] ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    reposDir: values['calibration-repos'] ? resolve(values['calibration-repos']) : join(root, '..', 'shared', 'repos'),
    checkTimeoutMs: 120_000,
  });
}

/** Checks one after another vs side by side on the real projects in ../shared/repos (see bench/checks.ts). */
async function checkFigures(): Promise<void> {
  await checkConcurrencyFigures(work, { line, header }, {
    reposDir: values['calibration-repos'] ? resolve(values['calibration-repos']) : join(root, '..', 'shared', 'repos'),
    projects: (values['checks-projects'] ?? '').split(',').map((p) => p.trim()).filter(Boolean),
    runs: Math.max(1, wholeNumber('checks-runs', values['checks-runs'])),
    rounds: !values['skip-check-rounds'],
  });
}

async function main(): Promise<void> {
  process.stdout.write(`Co-evolve benchmarks — ${new Date().toISOString()} — node ${process.version}, ${(await import('node:os')).cpus().length} cores\n`);
  if (values.only === undefined || values.only === 'extension') await extensionFigures();
  if (values.only === undefined || values.only === 'models') await modelAccess();
  if (values.only === undefined || values.only === 'team') await teamFigures();
  if (values.only === undefined || values.only === 'checks') await checkFigures();
  if (values.only === undefined || values.only === 'evolution') await evolutionFigures({ line, header });
  if (values.only === 'models' || values.only === 'team' || values.only === 'checks' || values.only === 'extension' || values.only === 'evolution') return;
  if (values.only === 'replay') {
    await replayBuilderFigures(values.repo ? resolve(values.repo) : await syntheticRepo(Number(values.commits)), work, { line, header });
    return calibration();
  }
  if (values.only === 'calibration') return calibration();
  if (values.only === 'mcp') return mcpRecallFigures(values.repo ? resolve(values.repo) : await syntheticRepo(Number(values.commits)), work, { line, header });
  if (values.only === 'localization') return localizationFigures();
  if (values.only === 'codeindex') return codeIndexFigures(work, [{ name: 'koa', repo: join(root, '..', 'shared', 'repos', 'koa.bundle') }, { name: '5k-files', repo: fiveThousandFileRepo(work) }, { name: 'co-evolve', repo: root }, { name: 'node_modules-8k', repo: nodeModulesCorpus(work, join(root, 'node_modules')) }], { line, header });
  if (values.only === 'scale') return scaleFigures(work, { line, header }, { commits: wholeNumber('scale-commits', values['scale-commits']), keepStore: values['scale-keep-store'] });
  if (values.only === 'embeddings') return embeddingFigures(values.repo ? resolve(values.repo) : await syntheticRepo(Number(values.commits)), work, { line, header });
  const repo = values.repo ? resolve(values.repo) : await syntheticRepo(Number(values.commits));
  const { storeDir } = await miningSpeed(repo);
  await incremental(repo, storeDir);
  await recallLatency(storeDir);
  await mcpRecallFigures(repo, work, { line, header }, storeDir);
  await replayBuilderFigures(repo, work, { line, header }, storeDir);
  await calibration();
  await localizationFigures(storeDir);
  await embeddingFigures(repo, work, { line, header }, storeDir);
  rmSync(storeDir, { recursive: true, force: true });
}

await main();
