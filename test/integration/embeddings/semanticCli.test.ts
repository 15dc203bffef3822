import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliAsync } from '../../helpers/cliProcess.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { ScriptedEmbeddingServer } from '../../helpers/scriptedEmbeddingServer.ts';

// The front doors wired to the semantic channel: `mine` embeds what it mined and the code at HEAD,
// `recall` fuses the channel in, and with the embedder down recall still answers, with a note.
let server: ScriptedEmbeddingServer;
let repo: GitRepo;
let store: string;

const models = (baseURL: string) => ({ providers: { embed: { preset: 'openai-compatible', baseURL } }, roles: { embedder: { provider: 'embed', model: 'hash-embed' } } });

before(async () => {
  server = await ScriptedEmbeddingServer.start();
  repo = GitRepo.create();
  repo.commit('feat: add the invoice exporter', { 'src/invoice.ts': 'export function exportInvoice(id: string) {\n  return `invoice ${id}`;\n}\n' });
  repo.commit('feat: add the session store', { 'src/session.ts': 'export class SessionStore {\n  expire(token: string) { return token; }\n}\n' });
  repo.commit('fix: keep expired tokens out of the session store', { 'src/session.ts': 'export class SessionStore {\n  expire(token: string) { return token.trim(); }\n}\n' });
  store = tempDir('coevolve-semantic-cli-');
  mkdirSync(store, { recursive: true });
});
after(async () => {
  await server.close();
  repo.remove();
  rmSync(store, { recursive: true, force: true });
});

test('without an embedder nothing is embedded and recall gives no semantic reason', async () => {
  const bare = tempDir('coevolve-semantic-bare-');
  try {
    const mined = await runCliAsync(['mine', repo.dir, '--store', bare], repo.dir);
    assert.equal(mined.code, 0, mined.stderr);
    assert.doesNotMatch(mined.stderr, /Embedded/);
    assert.equal(existsSync(join(bare, 'cache', 'embeddings')), false);
    const recalled = await runCliAsync(['recall', 'session token expiry', '--json', '--store', bare, '--path', repo.dir], repo.dir);
    assert.equal(recalled.code, 0, recalled.stderr);
    assert.doesNotMatch(recalled.stdout, /close in meaning/);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

test('mine embeds what it mined and the code at HEAD; recall fuses the channel; with the server down recall answers with a note', async () => {
  writeFileSync(join(store, 'models.json'), JSON.stringify(models(server.baseURL)));
  const mined = await runCliAsync(['mine', repo.dir, '--store', store], repo.dir);
  assert.equal(mined.code, 0, mined.stderr);
  assert.match(mined.stderr, /Embedded 3 experience\(s\) and [1-9]\d* code chunk\(s\) from 2 changed file\(s\) with hash-embed/);
  assert.ok(readdirSync(join(store, 'cache', 'embeddings', 'experiences')).length > 0, 'experience vectors on disk');
  const sent = server.requests.length;
  assert.ok(sent > 0);

  const again = await runCliAsync(['mine', repo.dir, '--store', store], repo.dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /Embedded 0 experience\(s\) and 0 code chunk\(s\) from 0 changed file\(s\)/, 'nothing new: nothing embedded again');

  const recalled = await runCliAsync(['recall', 'session token expiry', '--json', '--store', store, '--path', repo.dir], repo.dir);
  assert.equal(recalled.code, 0, recalled.stderr);
  assert.match(recalled.stdout, /close in meaning to the query/);
  assert.ok(server.requests.length > sent, 'the query itself was embedded');

  writeFileSync(join(store, 'models.json'), JSON.stringify(models('http://127.0.0.1:9/v1')));
  const down = await runCliAsync(['recall', 'session token expiry', '--json', '--store', store, '--path', repo.dir], repo.dir);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stderr, /note: .*semantic|note: .*embed/i);
  const result = JSON.parse(down.stdout) as { experiences: { subject?: string; intent?: { subject: string } }[] };
  assert.ok(result.experiences.length > 0, 'lexical recall still answered');
  assert.doesNotMatch(down.stdout, /close in meaning/);
});
