import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, runCli } from '../helpers/cliProcess.ts';
import { GitRepo, tempDir } from '../helpers/gitRepo.ts';

// The CLI is tested as users run it: the built bundle, in a child process. `npm test` builds first.
const run = runCli;

describe('coevolve CLI', () => {
  let repo: GitRepo;

  before(() => {
    assert.ok(existsSync(CLI), 'run `npm run build` first (npm test does)');
    repo = GitRepo.create();
    repo.commit('feat(auth): add login form', { 'src/auth/login.ts': 'export function login(user: string) {\n  return user;\n}\n' });
    repo.commit('fix(auth): reject empty user names in login', { 'src/auth/login.ts': 'export function login(user: string) {\n  if (!user) throw new Error("empty");\n  return user;\n}\n' });
    repo.commit('docs: usage', { 'README.md': '# App\n' });
  });

  after(() => repo.remove());

  it('exits 2 with a clear message outside a git repository', () => {
    const dir = tempDir();
    const result = run(['mine', dir], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /is not inside a git repository/);
    assert.match(result.stderr, /git init/);
    assert.equal(result.stdout, '');
  });

  it('mines with plain progress lines when not on a terminal, then reports', () => {
    const result = run(['mine'], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^mining: \d+\/3$/m);
    assert.match(result.stdout, /Mined 3 commit\(s\) in [\d.]+ s; 3 experiences in .*\.coevolve\./);
    assert.match(result.stdout, /History is fully mined\./);
    const again = run(['mine', repo.dir], tempDir());
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Memory is up to date: 3 experiences/);
  });

  it('prints stable recall JSON', () => {
    const result = run(['recall', 'login accepts an empty user name', '--json', '--k', '3'], repo.dir);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(json), ['query', 'experiences', 'files', 'symbols']);
    assert.deepEqual(Object.keys(json.files[0]), ['path', 'score', 'why']);
    assert.equal(json.files[0].path, 'src/auth/login.ts');
    assert.ok(json.experiences.length <= 3);
    assert.equal(json.experiences[0].subject, 'fix(auth): reject empty user names in login');
    assert.deepEqual(Object.keys(json.experiences[0]), ['id', 'sha', 'kind', 'subject', 'time', 'score', 'why', 'files', 'symbols']);
    assert.ok(json.symbols.some((s: { name: string }) => s.name === 'login'));
  });

  it('prints human-readable recall and stats', () => {
    const recall = run(['recall', 'login'], repo.dir);
    assert.equal(recall.code, 0);
    assert.match(recall.stdout, /Files:\n\s+[\d.]+\s+src\/auth\/login\.ts/);
    const stats = run(['stats'], repo.dir);
    assert.equal(stats.code, 0);
    assert.match(stats.stdout, /Experiences: 3/);
    assert.match(stats.stdout, /by kind: .*fix 1/);
    const json = JSON.parse(run(['stats', '--json'], repo.dir).stdout);
    assert.equal(json.experiences, 3);
  });

  it('rejects bad arguments with usage errors', () => {
    const badMax = run(['mine', '--max', 'lots'], repo.dir);
    assert.equal(badMax.code, 2);
    assert.match(badMax.stderr, /--max/);
    const unknown = run(['frobnicate'], repo.dir);
    assert.equal(unknown.code, 2);
    const noText = run(['recall'], repo.dir);
    assert.equal(noText.code, 2);
    const badBefore = run(['recall', 'login', '--before', 'no-such-thing'], repo.dir);
    assert.equal(badBefore.code, 2);
    assert.match(badBefore.stderr, /neither a commit of this repository nor a date/);
    const help = run(['recall', '--help'], repo.dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--before <sha\|date>/);
  });

  it('reports a corrupt store with exit 3 and repairs it', () => {
    const storeDir = join(tempDir(), 'store');
    assert.equal(run(['mine', '--store', storeDir], repo.dir).code, 0);
    writeFileSync(join(storeDir, 'memory', 'experiences', 'shard-000000.json'), '{"schema":1,"items":[{"sha');
    const broken = run(['recall', 'login', '--store', storeDir], repo.dir);
    assert.equal(broken.code, 3);
    assert.match(broken.stderr, /coevolve store repair/);
    const repair = run(['store', 'repair', '--store', storeDir], repo.dir);
    assert.equal(repair.code, 0);
    assert.match(repair.stdout, /Moved aside:/);
    const remine = run(['mine', '--store', storeDir], repo.dir);
    assert.equal(remine.code, 0, remine.stderr);
    assert.match(remine.stdout, /3 experiences/);
  });

  it('says nothing is mined yet with exit 2', () => {
    const result = run(['recall', 'login', '--store', join(tempDir(), 'never')], repo.dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Run `coevolve mine` first/);
  });
});

describe('coevolve mine, interrupted', () => {
  it('stops cleanly on Ctrl-C with exit 130, keeps what it mined, and resumes', async () => {
    const { createSyntheticRepo } = await import('../../bench/corpus/syntheticRepo.ts');
    const { spawn } = await import('node:child_process');
    const dir = join(tempDir(), 'repo');
    await createSyntheticRepo(dir, { commits: 3000, seed: 3 });
    const storeDir = join(tempDir(), 'store');
    const child = spawn(process.execPath, [CLI, 'mine', dir, '--store', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!interrupted && /mining: [1-9]\d*\/3000/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      child.once('close', resolve);
    });
    assert.equal(code, 130, `stdout: ${stdout}\nstderr: ${stderr}`);
    assert.match(stderr, /Mining was cancelled after \d+ commit\(s\)\./);
    assert.match(stderr, /run mine again to continue/);
    const stats = JSON.parse(run(['stats', '--json', '--store', storeDir], dir).stdout);
    assert.ok(stats.experiences > 0 && stats.experiences < 3000, `kept ${stats.experiences}`);
    const resumed = run(['mine', dir, '--store', storeDir], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(run(['stats', '--json', '--store', storeDir], dir).stdout).experiences, 3000);
  });
});
