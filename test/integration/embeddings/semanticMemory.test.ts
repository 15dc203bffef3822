import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { SemanticMemory, semanticScores } from '../../../src/core/embeddings/semanticMemory.ts';
import { EMBEDDINGS_CACHE } from '../../../src/core/embeddings/vectorIndex.ts';
import { WarmSemanticMemory } from '../../../src/core/embeddings/warmSemanticMemory.ts';
import { SymbolParser } from '../../../src/core/code/symbolParser.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { EmbeddingClient } from '../../../src/core/llm/embeddingClient.ts';
import type { ResolvedModel } from '../../../src/core/llm/providers.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { fakeExperience } from '../../helpers/fakeExperience.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { ScriptedEmbeddingServer } from '../../helpers/scriptedEmbeddingServer.ts';

let server: ScriptedEmbeddingServer;
const cleanup: Array<() => void> = [];

const SUBJECTS = [
  'fix: session token expiry crashes the login handler',
  'feat: stream large uploads to disk instead of memory',
  'fix: parse quoted commas in the csv importer',
  'refactor: split the router into method tables',
  'feat: retry flaky webhook deliveries with backoff',
];

function client(name = 'hash-embed', baseURL = server.baseURL): EmbeddingClient {
  const model: ResolvedModel = { role: 'embedder', model: name, providerName: 'local', preset: 'ollama', baseURL, apiKey: undefined };
  return new EmbeddingClient(model, { maxRetries: 0, batchSize: 16 });
}

/** A store with experiences 1..count (subjects from SUBJECTS, then generic), spread over two shards. */
async function storeWith(count: number): Promise<{ dir: string; store: MemoryStore }> {
  const dir = tempDir('coevolve-embed-store-');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const store = await MemoryStore.open(dir);
  await store.transaction((tx) => tx.upsert(Array.from({ length: count }, (_, i) => experience(i === count - 1 ? 1500 : i + 1))));
  return { dir, store };
}

function experience(seq: number) {
  const subject = SUBJECTS[(seq - 1) % SUBJECTS.length]!;
  return fakeExperience(seq, { intent: { subject: `${subject} (${seq})`, body: '', issues: [] } });
}

before(async () => {
  server = await ScriptedEmbeddingServer.start();
});
after(async () => {
  await server.close();
  for (const fn of cleanup) fn();
});
beforeEach(() => {
  server.delayMs = 0;
  server.rawAnswers = [];
  server.requests.length = 0;
  server.dimensions = 64;
  server.modelDimensions.clear();
});

test('experiences are embedded once, then only what is new; the closest one to a query ranks first', async () => {
  const { dir, store } = await storeWith(12);
  const memory = await SemanticMemory.open(dir, client());
  const first = await memory.syncExperiences(store);
  assert.equal(first.embedded, 12);
  assert.equal(server.embeddedTexts.length, 12);
  // Nothing changed: no shard is read again, nothing is sent.
  server.requests.length = 0;
  const again = await memory.syncExperiences(store);
  assert.deepEqual([again.embedded, again.changed], [0, 0]);
  assert.equal(server.requests.length, 0);
  // One new commit: exactly its text is embedded, by a fresh process's view of the cache too.
  await store.transaction((tx) => tx.upsert([fakeExperience(13, { intent: { subject: 'feat: export invoices as pdf files', body: '', issues: [] } })]));
  const reopened = await SemanticMemory.open(dir, client());
  assert.equal(reopened.experiences.size, 12);
  const update = await reopened.syncExperiences(store);
  assert.equal(update.embedded, 1);
  assert.equal(server.embeddedTexts.length, 1);
  assert.match(server.embeddedTexts[0]!, /^feat: export invoices as pdf files/);
  const scores = await reopened.scores('export the invoices to a pdf', { k: 3 });
  assert.equal(scores.experiences[0]!.sha, fakeExperience(13).sha);
  assert.ok(scores.experiences[0]!.score > scores.experiences[1]!.score);
  // The cutoff hides what came at or after it.
  const before13 = await reopened.scores('export the invoices to a pdf', { k: 3, before: { seq: 13 } });
  assert.ok(before13.experiences.every((e) => e.sha !== fakeExperience(13).sha));
  // The vectors live in the cache with the model recorded, never in memory/.
  const files = readdirSync(join(dir, ...EMBEDDINGS_CACHE, 'experiences'));
  assert.deepEqual(files.sort(), ['e0.vec', 'e1.vec']);
  assert.match(readFileSync(join(dir, ...EMBEDDINGS_CACHE, 'experiences', 'e0.vec')).subarray(0, 200).toString('latin1'), /"model":"hash-embed","dimensions":64/);
});

test('a sync with a limit leaves whole shards for later, and the next sync finishes them', async () => {
  const { dir, store } = await storeWith(6);
  const memory = await SemanticMemory.open(dir, client());
  // Shard 0 holds five experiences, shard 1 one: only the second fits under the limit.
  const report = await memory.syncExperiences(store, { maxEmbed: 3 });
  assert.deepEqual([report.embedded, report.deferred], [1, 1]);
  assert.equal(memory.experiences.size, 1);
  const rest = await memory.syncExperiences(store);
  assert.deepEqual([rest.embedded, rest.deferred], [5, 0]);
});

test('a changed text is embedded again; a forgotten experience loses its vector', async () => {
  const { dir, store } = await storeWith(4);
  const memory = await SemanticMemory.open(dir, client());
  await memory.syncExperiences(store);
  server.requests.length = 0;
  await store.transaction((tx) => tx.upsert([fakeExperience(2, { intent: { subject: 'docs: new words entirely', body: '', issues: [] } }), fakeExperience(3, { forgotten: { at: '2024-01-01' } })]));
  const report = await memory.syncExperiences(store);
  assert.deepEqual([report.embedded, report.removed], [1, 1]);
  assert.equal(memory.experiences.size, 3);
});

test('changing the embedder model rebuilds every vector, with a note', async () => {
  const { dir, store } = await storeWith(6);
  await (await SemanticMemory.open(dir, client('hash-embed'))).syncExperiences(store);
  server.requests.length = 0;
  const other = await SemanticMemory.open(dir, client('other-embed'));
  assert.equal(other.experiences.size, 0);
  assert.ok(other.notes.some((n) => /another embedder \(hash-embed, 64 dimensions\).*rebuilt for other-embed/.test(n)), other.notes.join('\n'));
  const report = await other.syncExperiences(store);
  assert.equal(report.embedded, 6);
  assert.ok(server.requests.every((r) => r.model === 'other-embed'));
  // And the rebuilt cache is the other model's: reopening it finds everything.
  assert.equal((await SemanticMemory.open(dir, client('other-embed'))).experiences.size, 6);
});

test('the same model answering with another dimension rebuilds too', async () => {
  const { dir, store } = await storeWith(3);
  await (await SemanticMemory.open(dir, client())).syncExperiences(store);
  server.dimensions = 32;
  await store.transaction((tx) => tx.upsert([experience(4)]));
  const memory = await SemanticMemory.open(dir, client());
  const report = await memory.syncExperiences(store);
  assert.equal(report.embedded, 4);
  assert.equal(memory.experiences.dimensions, 32);
  assert.ok(report.notes.some((n) => /now returns 32 dimensions instead of 64/.test(n)));
});

test('a corrupt vectors file is rebuilt with a note; a link in the cache is refused, and recall gets a note', async () => {
  const { dir, store } = await storeWith(6);
  await (await SemanticMemory.open(dir, client())).syncExperiences(store);
  const file = join(dir, ...EMBEDDINGS_CACHE, 'experiences', 'e0.vec');
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, bytes.length - 10));
  server.requests.length = 0;
  const memory = await SemanticMemory.open(dir, client());
  assert.ok(memory.notes.some((n) => /e0\.vec could not be read \(.*\); they are embedded again/.test(n)), memory.notes.join('\n'));
  const report = await memory.syncExperiences(store);
  assert.equal(report.embedded, 5, 'only the damaged shard (5 of 6 experiences) is embedded again');
  assert.equal((await SemanticMemory.open(dir, client())).notes.length, 0, 'the rewritten file reads cleanly');
  // A symbolic link where a segment was: never followed.
  rmSync(file);
  symlinkSync('/etc/passwd', file);
  await assert.rejects(SemanticMemory.open(dir, client()), (e: unknown) => CoevolveError.is(e, 'store-corrupt'));
  const scores = await semanticScores('anything', { storeDir: dir, embedder: client() });
  assert.deepEqual(scores?.experiences, []);
  assert.match(scores!.notes[0]!, /lexical recall answered alone: .*symbolic link/);
});

test('with the embedding server down, the hook answers empty rankings and a note; without an embedder it answers nothing', async () => {
  const { dir, store } = await storeWith(5);
  await (await SemanticMemory.open(dir, client())).syncExperiences(store);
  const down = await ScriptedEmbeddingServer.start();
  const url = down.baseURL;
  await down.close();
  const scores = await semanticScores('session token expiry', { storeDir: dir, embedder: client('hash-embed', url), source: store });
  assert.ok(scores);
  assert.deepEqual([scores.experiences, scores.files, scores.symbols], [[], [], []]);
  assert.match(scores.notes.join('\n'), /Semantic recall was skipped, lexical recall answered alone: Could not reach the embedder \(hash-embed at http:\/\/127\.0\.0\.1:\d+\/v1\)/);
  assert.equal(await semanticScores('session token expiry', { storeDir: dir, embedder: undefined }), undefined);
  // Up again: the same call ranks.
  const up = await semanticScores('session token expiry login', { storeDir: dir, embedder: client(), source: store, k: 2 });
  assert.equal(up?.experiences[0]?.sha, fakeExperience(1).sha);
  // A cancel is not swallowed into a note.
  await assert.rejects(semanticScores('x', { storeDir: dir, embedder: client(), signal: AbortSignal.abort() }), (e: unknown) => CoevolveError.is(e, 'cancelled'));
});

test('a cancelled sync stops, keeps the cache readable, and the next sync finishes the work', async () => {
  const { dir, store } = await storeWith(6);
  server.delayMs = 2_000;
  const controller = new AbortController();
  const poll = setInterval(() => {
    if (server.requests.length >= 1) controller.abort();
  }, 5);
  poll.unref();
  const memory = await SemanticMemory.open(dir, client());
  await assert.rejects(memory.syncExperiences(store, { signal: controller.signal }), (e: unknown) => CoevolveError.is(e, 'cancelled'));
  clearInterval(poll);
  server.delayMs = 0;
  const reopened = await SemanticMemory.open(dir, client());
  assert.deepEqual(reopened.notes, []);
  assert.equal((await reopened.syncExperiences(store)).embedded, 6);
});

test('an embedder answering nonsense is a note for recall too', async () => {
  const { dir, store } = await storeWith(3);
  await (await SemanticMemory.open(dir, client())).syncExperiences(store);
  server.rawAnswers = [{ data: [], model: 'hash-embed' }];
  const scores = await semanticScores('anything at all', { storeDir: dir, embedder: client() });
  assert.match(scores?.notes.join('\n') ?? '', /lexical recall answered alone: .*returned 0 embeddings for 1 texts/);
});

test('code: every declaration is embedded once, and after a commit only the changed file is', async () => {
  const repo = GitRepo.create();
  cleanup.push(() => repo.remove());
  repo.commit('init', {
    'src/config.ts': 'export function parseConfig(text: string) {\n  return JSON.parse(text);\n}\n\nexport class ConfigCache {\n  get(key: string) { return key; }\n}\n',
    'src/upload.ts': 'export async function streamUpload(body: ReadableStream) {\n  return body;\n}\n',
    'README.md': '# readme\n',
  });
  const dir = tempDir('coevolve-embed-code-');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const parser = await SymbolParser.create();
  try {
    const memory = await SemanticMemory.open(dir, client());
    const first = await memory.syncCode(repo.dir, 'HEAD', parser);
    assert.equal(first.files, 2, 'code files only (README.md is docs)');
    const names = [...memory.code.ids()].map((id) => memory.code.meta(id)!.name).sort();
    assert.deepEqual(names, ['', '', 'ConfigCache', 'get', 'parseConfig', 'streamUpload']);
    server.requests.length = 0;
    assert.equal((await memory.syncCode(repo.dir, 'HEAD', parser)).embedded, 0);
    assert.equal(server.requests.length, 0);
    repo.commit('change upload', { 'src/upload.ts': 'export async function streamUpload(body: ReadableStream) {\n  return body.pipeTo(disk());\n}\nexport function disk() { return null; }\n' });
    const update = await memory.syncCode(repo.dir, 'HEAD', parser);
    assert.deepEqual([update.changedFiles, update.embedded, update.removed], [1, 3, 2]);
    assert.ok(server.embeddedTexts.every((t) => t.startsWith('src/upload.ts')));
    assert.deepEqual((await memory.scores('parse config text json', { k: 2, withCode: false })).files, []);
    const scores = await memory.scores('parse config text json', { k: 2 });
    assert.equal(scores.files[0]?.path, 'src/config.ts');
    assert.deepEqual(scores.symbols[0] && [scores.symbols[0].name, scores.symbols[0].kind], ['parseConfig', 'function']);
    // A deleted file loses its vectors.
    repo.commit('drop upload', { 'src/upload.ts': null });
    const dropped = await memory.syncCode(repo.dir, 'HEAD', parser);
    assert.deepEqual([dropped.embedded, dropped.removed], [0, 3]);
    assert.ok([...memory.code.ids()].every((id) => memory.code.meta(id)!.path === 'src/config.ts'));
  } finally {
    parser.dispose();
  }
});

test('a kept semantic memory opens its vectors once, again only when another process saved some or the model changed, and tells its notes once', async () => {
  const { dir, store } = await storeWith(6);
  const warm = new WarmSemanticMemory(dir);
  const first = await warm.use(client(), async (memory) => {
    await memory.syncExperiences(store);
    return memory.experiences;
  });
  assert.equal(first.size, 6);
  // Its own save is not a change: the same vectors answer the next query, nothing is read again.
  const scores = await semanticScores('parse quoted commas in csv', { storeDir: dir, embedder: client(), warm, k: 3 });
  assert.equal(scores!.experiences.length, 3);
  assert.equal(await warm.use(client(), async (memory) => memory.experiences), first);
  // Another process (a mine) embeds a new experience and saves: the next use reads the files again.
  await store.transaction((tx) => tx.upsert([experience(7)]));
  await (await SemanticMemory.open(dir, client())).syncExperiences(store);
  const reread = await warm.use(client(), async (memory) => memory.experiences);
  assert.notEqual(reread, first);
  assert.equal(reread.size, 7);
  // Another model: opened afresh, and what that had to say is told on this use only.
  const notes = await warm.use(client('other-embed'), async (memory) => [...memory.notes]);
  assert.ok(notes.some((n) => /another embedder \(hash-embed, 64 dimensions\)/.test(n)), notes.join('\n'));
  assert.deepEqual(await warm.use(client('other-embed'), async (memory) => [...memory.notes]), []);
  // A cache refused as unsafe fails that use with a note in recall, and leaves nothing half-kept for the next.
  const folder = join(dir, ...EMBEDDINGS_CACHE, 'experiences');
  rmSync(folder, { recursive: true });
  const elsewhere = tempDir('coevolve-embed-elsewhere-');
  cleanup.push(() => rmSync(elsewhere, { recursive: true, force: true }));
  symlinkSync(elsewhere, folder);
  const refused = await semanticScores('parse quoted commas in csv', { storeDir: dir, embedder: client(), warm, k: 3 });
  assert.match(refused!.notes.join('\n'), /Semantic recall was skipped/);
  rmSync(folder);
  const rebuilt = await warm.use(client(), async (memory) => memory.experiences);
  assert.equal(rebuilt.size, 0);
});
