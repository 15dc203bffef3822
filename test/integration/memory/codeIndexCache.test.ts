import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { codeIndexAt } from '../../../src/core/memory/contentCache.ts';
import { ContentIndex } from '../../../src/core/memory/contentIndex.ts';
import type { CodeIndexUpdate } from '../../../src/core/memory/contentIndex.ts';
import { loadCodeIndex } from '../../../src/core/memory/contentIndexCache.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { runCliAsync } from '../../helpers/cliProcess.ts';

const CHILD = join(import.meta.dirname, '../../helpers/codeIndexChild.ts');
const QUERY = 'quaternion slerp normalize parse header session token';

interface ChildAnswer {
  update: CodeIndexUpdate;
  notes: string[];
  size: number;
  top: Array<{ path: string; score: number; terms: string[] }>;
}

/** The index brought to `revision` by a process of its own (what a CLI call does): only the store's cache carries over. */
async function inChild(repo: GitRepo, store: string, revision: string): Promise<ChildAnswer> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CHILD, repo.dir, store, revision, QUERY], { cwd: join(import.meta.dirname, '../../..') });
  return JSON.parse(stdout) as ChildAnswer;
}

/** The same matches with the same scores as a fresh build (ties in any order; scores to rounding). */
async function assertSameAsFresh(repo: GitRepo, revision: string, top: ChildAnswer['top']): Promise<void> {
  const fresh = (await ContentIndex.build(repo.dir, revision)).query(QUERY, 20);
  const byPath = (rows: ChildAnswer['top']) => new Map(rows.map((r) => [r.path, r.score]));
  const want = byPath(fresh);
  const got = byPath(top);
  assert.ok(want.size > 2, 'the query matches several files');
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
  for (const [path, score] of want) assert.ok(Math.abs(got.get(path)! - score) < 1e-9 * Math.max(1, score), `${path}: ${got.get(path)} vs ${score}`);
}

const FILES: Record<string, string | Buffer> = {
  'src/quaternion.js': 'export function slerp(a, b, t) {\n  return normalize(a.map((x, i) => x + (b[i] - x) * t));\n}\n',
  'src/normalize.js': 'export function normalize(q) {\n  const n = Math.hypot(...q);\n  return q.map((x) => x / n);\n}\n',
  'src/header.js': 'export function parseHeader(line) {\n  return line.split(":");\n}\n',
  'src/session.js': 'export function sessionToken(session) {\n  return session.token;\n}\n',
  'src/unrelated.js': 'export const answer = 42;\n',
  'test/quaternion.test.js': "import { slerp } from '../src/quaternion.js';\nslerp([1, 0], [0, 1], 0.5);\n",
  'README.md': '# quaternion slerp, parse header\n',
  'src/blob.js': Buffer.from([0x63, 0x6f, 0, 0x64, 0x65]),
};

describe('the code index kept in the store', () => {
  let repo: GitRepo;
  let store: string;
  let cacheFile: string;
  let first: string;
  before(() => {
    repo = GitRepo.create('coevolve-codeindex-');
    store = tempDir('coevolve-codeindex-store-');
    cacheFile = join(store, 'cache', 'code-index.json');
    first = repo.commit('init', FILES);
  });
  after(() => {
    repo.remove();
    rmSync(store, { recursive: true, force: true });
  });

  it('is built and saved by the first process, and a later one re-reads only the files whose blob changed', async () => {
    const built = await inChild(repo, store, 'HEAD');
    // Seven code files (README is docs); the one with a NUL byte is read but not indexed.
    assert.deepEqual({ read: built.update.read, reused: built.update.reused, files: built.update.files }, { read: 7, reused: 0, files: 7 });
    assert.equal(built.size, 6);
    assert.ok(existsSync(cacheFile), 'saved in <store>/cache');
    assert.match(readFileSync(join(store, '.gitignore'), 'utf8'), /^cache\/$/m, 'which git ignores');
    assert.deepEqual(built.notes, []);

    const again = await inChild(repo, store, 'HEAD');
    assert.deepEqual({ read: again.update.read, reused: again.update.reused }, { read: 0, reused: 7 }, 'an unchanged tree reads nothing');

    repo.commit('change one, add one, remove one', {
      'src/header.js': 'export function parseHeader(line) {\n  return line.trim().split(":").map((part) => part.trim());\n}\n',
      'src/token.js': 'export function refreshToken(session) {\n  return { ...session, token: "" };\n}\n',
      'src/unrelated.js': null,
    });
    const moved = await inChild(repo, store, 'HEAD');
    assert.deepEqual({ read: moved.update.read, reused: moved.update.reused, dropped: moved.update.dropped }, { read: 2, reused: 5, dropped: 2 });
    await assertSameAsFresh(repo, 'HEAD', moved.top);
  });

  it('answers at an older revision by moving a copy, and leaves HEAD’s cache as it was', async () => {
    const saved = readFileSync(cacheFile);
    const past = await inChild(repo, store, first);
    // header.js differs, token.js is not there yet, unrelated.js comes back: two reads, not seven.
    assert.deepEqual({ read: past.update.read, dropped: past.update.dropped }, { read: 2, dropped: 2 });
    await assertSameAsFresh(repo, first, past.top);
    assert.ok(readFileSync(cacheFile).equals(saved), 'the cache still holds HEAD');
    assert.equal((await inChild(repo, store, 'HEAD')).update.read, 0, 'and HEAD reads nothing afterwards');
  });

  it('keeps one index per process that follows HEAD', async () => {
    const place = { root: repo.dir, storeDir: store };
    const kept = await codeIndexAt(place, 'HEAD');
    assert.equal(kept.lastUpdate?.read, 0, 'loaded from the cache');
    assert.equal(await codeIndexAt(place, 'HEAD'), kept, 'the same index on the next call');
    const past = await codeIndexAt(place, first);
    assert.notEqual(past, kept);
    assert.ok(kept.filesWithTerm('refreshtoken').includes('src/token.js'), 'the kept index still is HEAD’s after a call about the past');
    assert.ok(!past.filesWithTerm('refreshtoken').includes('src/token.js'));
    repo.commit('one more', { 'src/more.js': 'export const quaternionIdentity = [1, 0, 0, 0];\n' });
    assert.equal(await codeIndexAt(place, 'HEAD'), kept);
    assert.equal(kept.lastUpdate?.read, 1, 'HEAD moved: one file read');
    assert.deepEqual(kept.filesWithTerm('quaternionidentity'), ['src/more.js']);
    for (const bad of ['no-such-branch', '--output=/tmp/x']) await assert.rejects(codeIndexAt(place, bad), (e: unknown) => CoevolveError.is(e, 'bad-input'), bad);
  });

  it('leaves no store behind in a repository without one, and still answers', async () => {
    const none = join(tempDir('coevolve-codeindex-none-'), '.coevolve');
    const index = await codeIndexAt({ root: repo.dir, storeDir: none }, 'HEAD');
    assert.ok(index.filesWithTerm('slerp').includes('src/quaternion.js'));
    assert.ok(!existsSync(none), 'no store folder made for the cache');
  });

  it('rebuilds a damaged cache with a note, and a foreign version without one', async () => {
    writeFileSync(cacheFile, '{"version":1,"limits":');
    const cut = await inChild(repo, store, 'HEAD');
    assert.equal(cut.update.read, cut.update.files, 'everything read again');
    assert.ok(cut.notes.some((n) => n.includes('could not be used (it is not valid JSON')), JSON.stringify(cut.notes));
    assert.equal((await loadCodeIndex(store)).problem, undefined, 'and saved whole again');

    // Whole JSON that lies: an indexed file the file list lacks would never be re-read when it changes.
    const lying = JSON.parse(readFileSync(cacheFile, 'utf8')) as { blobs: Record<string, string> };
    delete lying.blobs['src/header.js'];
    writeFileSync(cacheFile, JSON.stringify(lying));
    const caught = await inChild(repo, store, 'HEAD');
    assert.ok(caught.notes.some((n) => n.includes('which its file list lacks')), JSON.stringify(caught.notes));
    assert.equal(caught.update.read, caught.update.files);
    await assertSameAsFresh(repo, 'HEAD', caught.top);

    const tampered = JSON.parse(readFileSync(cacheFile, 'utf8')) as { index: { index: Array<[string, Record<string, Record<string, unknown>>]> } };
    const posting = tampered.index.index[0]![1];
    posting[Object.keys(posting)[0]!] = { 0: 'many' };
    writeFileSync(cacheFile, JSON.stringify(tampered));
    assert.ok((await inChild(repo, store, 'HEAD')).notes.some((n) => n.includes('not a serialized search index')));

    writeFileSync(cacheFile, JSON.stringify({ version: 999, whatever: true }));
    const foreign = await inChild(repo, store, 'HEAD');
    assert.deepEqual(foreign.notes, []);
    assert.equal(foreign.update.read, foreign.update.files);
  });

  it('refuses a cache file or folder that is a symbolic link, and writes nothing through it', async () => {
    const outside = tempDir('coevolve-codeindex-outside-');
    const target = join(outside, 'elsewhere.json');
    writeFileSync(target, 'keep me');
    unlinkSync(cacheFile);
    symlinkSync(target, cacheFile);
    await assert.rejects(inChild(repo, store, 'HEAD'), /symbolic link/);
    const loaded = loadCodeIndex(store);
    await assert.rejects(loaded, (e: unknown) => CoevolveError.is(e, 'store-corrupt'));
    assert.equal(readFileSync(target, 'utf8'), 'keep me');

    const linkedStore = tempDir('coevolve-codeindex-linked-');
    mkdirSync(join(outside, 'cache'));
    symlinkSync(join(outside, 'cache'), join(linkedStore, 'cache'));
    await assert.rejects(codeIndexAt({ root: repo.dir, storeDir: linkedStore }, 'HEAD'), (e: unknown) => CoevolveError.is(e, 'store-corrupt'));
    assert.ok(!existsSync(join(outside, 'cache', 'code-index.json')), 'nothing written through the link');
    unlinkSync(cacheFile);
    rmSync(outside, { recursive: true, force: true });
    rmSync(linkedStore, { recursive: true, force: true });
  });

  it('survives two processes updating it at once: one whole cache, the last writer’s', async () => {
    repo.commit('a change for both', { 'src/normalize.js': 'export function normalize(q) {\n  return q;\n}\n' });
    const [a, b] = await Promise.all([inChild(repo, store, 'HEAD'), inChild(repo, store, 'HEAD')]);
    assert.equal(a.update.tree, b.update.tree);
    const loaded = await loadCodeIndex(store);
    assert.equal(loaded.problem, undefined);
    assert.equal(loaded.index?.tree, a.update.tree);
    assert.equal((await inChild(repo, store, 'HEAD')).update.read, 0);
  });

  it('keeps no secret value in the saved index, and no key file', async () => {
    const secret = 'AKIAQWERTYUIOPASDFGH';
    const password = 'Zq8!vR2#pL9$wX4m';
    repo.commit('config', {
      'src/aws.js': `export const accessKeyId = '${secret}';\nexport const password = '${password}';\nexport function connect() {}\n`,
      'src/deploy.pem': '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n',
    });
    const saved = await inChild(repo, store, 'HEAD');
    assert.ok(saved.update.read >= 1);
    const text = readFileSync(cacheFile, 'utf8');
    assert.ok(text.includes('src/aws.js') && text.includes('"connect"'), 'the file is indexed');
    for (const value of [secret.toLowerCase(), password.toLowerCase(), 'miievqibadanbgkqhkig9w0baqefaasc', 'deploy.pem']) assert.ok(!text.includes(value), `${value} is in the cache`);
  });
});

describe('recall --content through the service', () => {
  it('saves the index on the first call and moves it on later ones; --before leaves it alone', async () => {
    const repo = GitRepo.create('coevolve-codeindex-recall-');
    const store = tempDir('coevolve-codeindex-recall-store-');
    try {
      repo.commit('feat: quaternion helpers', FILES);
      repo.commit('feat: session token refresh', { 'src/token.js': 'export function refreshToken(session) {\n  return session;\n}\n' });
      await mineHistory(repo.dir, { storeDir: store });
      const workspace = await resolveWorkspace(repo.dir, store);
      const result = await recallInWorkspace(workspace, 'where is refreshToken', { content: true });
      assert.ok(result.files.some((f) => f.path === 'src/token.js'));
      const saved = await loadCodeIndex(store);
      assert.equal(saved.index?.tree, repo.git('rev-parse', 'HEAD^{tree}').trim(), 'HEAD’s index saved');
      const bytes = readFileSync(join(store, 'cache', 'code-index.json'));
      const past = await recallInWorkspace(workspace, 'where is refreshToken', { content: true, before: repo.head() });
      assert.ok(!past.files.some((f) => f.path === 'src/token.js'), 'the file did not exist before');
      assert.ok(readFileSync(join(store, 'cache', 'code-index.json')).equals(bytes), '--before did not overwrite HEAD’s cache');
    } finally {
      repo.remove();
      rmSync(store, { recursive: true, force: true });
    }
  });
});

describe('coevolve recall --content', () => {
  it('builds the code index once, loads it on later calls, rebuilds a damaged one with a note', async () => {
    const repo = GitRepo.create('coevolve-codeindex-cli-');
    try {
      repo.commit('feat: quaternion helpers', FILES);
      const past = repo.commit('feat: session token refresh', { 'src/token.js': 'export function refreshToken(session) {\n  return session;\n}\n' });
      repo.commit('feat: more', { 'src/more.js': 'export const more = 1;\n' });
      const cacheFile = join(repo.dir, '.coevolve', 'cache', 'code-index.json');
      assert.equal((await runCliAsync(['mine'], repo.dir)).code, 0);
      const first = await runCliAsync(['recall', 'where is refreshToken', '--content', '--json'], repo.dir);
      assert.equal(first.code, 0, first.stderr);
      assert.ok((JSON.parse(first.stdout) as { files: Array<{ path: string }> }).files.some((f) => f.path === 'src/token.js'));
      const written = statSync(cacheFile).mtimeMs;
      const bytes = readFileSync(cacheFile);

      const second = await runCliAsync(['recall', 'where is refreshToken', '--content', '--json'], repo.dir);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, first.stdout, 'the same answer from the loaded index');
      assert.equal(statSync(cacheFile).mtimeMs, written, 'loaded as it was: nothing to write again');

      const before = await runCliAsync(['recall', 'where is refreshToken', '--content', '--json', '--before', past], repo.dir);
      assert.equal(before.code, 0, before.stderr);
      assert.ok(readFileSync(cacheFile).equals(bytes), '--before leaves HEAD’s cache alone');

      writeFileSync(cacheFile, '\0\0\0\0');
      const damaged = await runCliAsync(['recall', 'where is refreshToken', '--content', '--json'], repo.dir);
      assert.equal(damaged.code, 0, damaged.stderr);
      assert.match(damaged.stderr, /note: The code index cache .* could not be used \(it is not valid JSON/);
      assert.equal(damaged.stdout, first.stdout, 'the rebuilt index answers the same');
      assert.equal((await loadCodeIndex(join(repo.dir, '.coevolve'))).problem, undefined, 'and is saved whole again');
    } finally {
      repo.remove();
    }
  });
});
