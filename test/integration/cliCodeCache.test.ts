import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { GitRepo, tempDir } from '../helpers/gitRepo.ts';
import { CLI, runCli, serveSidecarOnce } from '../helpers/cliProcess.ts';
import { writeTinyGguf } from '../helpers/tinyGguf.ts';

// The launcher's own V8 code cache (src/cli/codeCache.ts), used where Node has none built in (< 22.1).
// Each command runs the built CLI as a user does, with the OS temp folder pointed at a fresh one.
const builtIn = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const skip = builtIn && 'this Node has its own compile cache (module.enableCompileCache); the launcher uses it';
const uid = process.getuid?.();
const engine = join(import.meta.dirname, '../../.sidecar-engine');

function run(args: string[], cwd: string, tmp: string) {
  return runCli(args, cwd, { TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: '' }, 60_000);
}

function cacheFolder(tmp: string): string {
  return join(tmp, `coevolve-code-cache${uid === undefined ? '' : `-${uid}`}`);
}

/** The cache file of one command, with its inode: a rewrite goes through a rename, so a new inode. */
function cacheOf(tmp: string, command: string): { file: string; ino: number } | undefined {
  const folder = cacheFolder(tmp);
  if (!existsSync(folder)) return undefined;
  const name = readdirSync(folder).find((f) => f.endsWith(`-${command}.v8cache`));
  return name ? { file: join(folder, name), ino: statSync(join(folder, name)).ino } : undefined;
}

describe('the CLI launcher runs its bundle from a V8 code cache', { skip }, () => {
  let repo: GitRepo;

  before(() => {
    assert.ok(existsSync(CLI), 'run `npm run build` first (npm test does)');
    repo = GitRepo.create();
    repo.commit('feat(parse): add the tokenizer', { 'src/parse.ts': 'export function tokenize(input: string) {\n  return input.split(" ");\n}\n' });
    repo.commit('fix(parse): empty input gives no tokens', { 'src/parse.ts': 'export function tokenize(input: string) {\n  if (!input) return [];\n  return input.split(" ");\n}\n' });
  });

  after(() => repo.remove());

  it('writes one cache per command, and the next start takes it as it is (a cache it rejected would be written again)', () => {
    const tmp = tempDir('coevolve-cc-');
    // A short mine sets V8's flags for WebAssembly on its way (quickWasm): the cache is written before.
    const first = run(['mine', '--json'], repo.dir, tmp);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /"mined": 2/);
    const mine = cacheOf(tmp, 'mine');
    assert.ok(mine, 'the mine command wrote its cache');
    assert.equal(statSync(cacheFolder(tmp)).mode & 0o077, 0, 'the folder is private');

    repo.commit('fix(parse): trim before splitting', { 'src/parse.ts': 'export function tokenize(input: string) {\n  if (!input) return [];\n  return input.trim().split(" ");\n}\n' });
    const second = run(['mine', '--json'], repo.dir, tmp);
    assert.equal(second.code, 0, second.stderr);
    // Symbols were mined from this run's new commit: tree-sitter loaded from the cached bundle.
    assert.match(second.stdout, /"mined": 1/);
    assert.match(second.stdout, /"incremental": [1-9]|"fullParses": [1-9]/);
    assert.equal(cacheOf(tmp, 'mine')?.ino, mine.ino, 'the second mine took the cache as written');

    // A one-shot command: its flags are set before compiling, so its cache matches them too.
    const recalls = [run(['recall', 'empty input tokens'], repo.dir, tmp), run(['recall', 'empty input tokens'], repo.dir, tmp)];
    for (const recall of recalls) {
      assert.equal(recall.code, 0, recall.stderr);
      assert.match(recall.stdout, /empty input gives no tokens/);
    }
    assert.equal(recalls[1]!.stdout, recalls[0]!.stdout);
    const recall = cacheOf(tmp, 'recall');
    assert.ok(recall, 'the recall command wrote its cache');
    run(['recall', 'trim'], repo.dir, tmp);
    assert.equal(cacheOf(tmp, 'recall')?.ino, recall.ino, 'a later recall took the cache as written');
  });

  it('the CLI bundle holds no import(): Node 20 loses its loader in code read from a cache', () => {
    const bundle = join(CLI, '..', 'cliMain.cjs');
    const source = ts.createSourceFile(bundle, readFileSync(bundle, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push(node.getText(source).slice(0, 80));
      ts.forEachChild(node, visit);
    };
    visit(source);
    assert.deepEqual(found, []);
  });

  it('replaces a damaged cache, and uses none in a folder others can write', () => {
    const tmp = tempDir('coevolve-cc-');
    assert.equal(run(['stats'], repo.dir, tmp).code, 0);
    const stats = cacheOf(tmp, 'stats');
    assert.ok(stats);
    writeFileSync(stats.file, 'not a code cache');
    const damaged = run(['stats'], repo.dir, tmp);
    assert.equal(damaged.code, 0, damaged.stderr);
    assert.equal(damaged.stderr, '');
    assert.ok(statSync(stats.file).size > 1000, 'written again whole');

    const open = tempDir('coevolve-cc-');
    mkdirSync(cacheFolder(open), { mode: 0o777 });
    chmodSync(cacheFolder(open), 0o777);
    const result = run(['stats'], repo.dir, open);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(cacheFolder(open)), [], 'nothing read from or written to a folder another user could plant a file in');
  });

  it('removes the caches of other builds left for over a week when it writes one, and keeps the rest', () => {
    const tmp = tempDir('coevolve-cc-');
    const folder = cacheFolder(tmp);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const eightDays = new Date(Date.now() - 8 * 24 * 3600_000);
    const plant = (name: string, when?: Date) => {
      writeFileSync(join(folder, name), 'x');
      if (when) utimesSync(join(folder, name), when, when);
    };
    plant('aaaaaaaaaaaaaaaaaaaaaaaa-mine.v8cache', eightDays);
    plant('aaaaaaaaaaaaaaaaaaaaaaaa-recall.v8cache.123.tmp', eightDays);
    plant('bbbbbbbbbbbbbbbbbbbbbbbb-mine.v8cache');
    plant('notes.txt', eightDays);
    assert.equal(run(['stats'], repo.dir, tmp).code, 0);
    const own = cacheOf(tmp, 'stats')!.file;
    // This build's own old file stays too: only other keys go.
    plant(`${own.slice(folder.length + 1, own.indexOf('-', folder.length))}-models.v8cache`, eightDays);
    assert.equal(run(['recall', 'tokens'], repo.dir, tmp).code, 0);
    const left = readdirSync(folder).sort();
    assert.ok(!left.some((name) => name.startsWith('aaaa')), `a week-old other build's files are gone: ${left.join(', ')}`);
    assert.ok(left.includes('bbbbbbbbbbbbbbbbbbbbbbbb-mine.v8cache'), 'a recent one of another install stays');
    assert.ok(left.includes('notes.txt'), 'files that are not caches are never touched');
    assert.ok(left.some((name) => name.endsWith('-models.v8cache')), 'this build\'s own files stay');
    assert.ok(left.some((name) => name.endsWith('-recall.v8cache')));
    // A mistyped command leaves no file of its own: it shares the one for anything else.
    assert.equal(run(['frobnicate'], repo.dir, tmp).code, 2);
    assert.ok(!readdirSync(folder).some((name) => name.includes('frobnicate')));
    assert.ok(cacheOf(tmp, 'other'), 'written under "other"');
  });

  it('serves the sidecar from the cached bundle: its engine, an ES module, is imported through the launcher', { skip: !existsSync(engine) && 'npm run setup:engine installs the engine' }, async () => {
    const tmp = tempDir('coevolve-cc-');
    const model = join(tmp, 'tiny.gguf');
    writeTinyGguf(model, { contextLength: 512 });
    for (let start = 0; start < 2; start++) {
      const served = await serveSidecarOnce(['sidecar', '--model', model, '--gpu', 'cpu', '--threads', '1', '--llama-module', engine, '--no-register'], repo.dir, { TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: '' });
      assert.match(served, /Serving http:\/\/127\.0\.0\.1:\d+\/v1/, served);
      assert.match(served, /Stopped\./, served);
    }
    assert.ok(cacheOf(tmp, 'sidecar'), 'the second start ran from the cache the first wrote');
  });
});

describe('a damaged CLI install', () => {
  it('a CLI whose parser runtime is missing says so and exits, without leaving git running', () => {
    // A damaged install: the bundles without web-tree-sitter.wasm beside them.
    const broken = tempDir('coevolve-broken-cli-');
    for (const name of ['cli.cjs', 'cliMain.cjs']) cpSync(join(CLI, '..', name), join(broken, name));
    const fresh = GitRepo.create();
    try {
      fresh.commit('feat: one', { 'a.ts': 'export const a = 1;\n' });
      const result = spawnSync(process.execPath, [join(broken, 'cli.cjs'), 'mine'], { cwd: fresh.dir, encoding: 'utf8', timeout: 30_000, env: { ...process.env, TMPDIR: tempDir('coevolve-cc-') } });
      assert.equal(result.signal, null, 'it exited by itself');
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /web-tree-sitter\.wasm/);
    } finally {
      fresh.remove();
    }
  });
});
