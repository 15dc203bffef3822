import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { SemanticMemory } from '../../../src/core/embeddings/semanticMemory.ts';
import { withSemanticChannel } from '../../../src/core/embeddings/semanticRecall.ts';
import { SymbolParser } from '../../../src/core/code/symbolParser.ts';
import { EmbeddingClient } from '../../../src/core/llm/embeddingClient.ts';
import { presentDigest, recall } from '../../../src/core/memory/recall.ts';
import { RecallIndex } from '../../../src/core/memory/recallIndex.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { ScriptedEmbeddingServer } from '../../helpers/scriptedEmbeddingServer.ts';

let server: ScriptedEmbeddingServer;
let repo: GitRepo;
let storeDir: string;

const client = (baseURL = server.baseURL) => new EmbeddingClient({ role: 'embedder', model: 'hash-embed', providerName: 'local', preset: 'vllm', baseURL, apiKey: undefined }, { maxRetries: 0 });

before(async () => {
  server = await ScriptedEmbeddingServer.start();
  repo = GitRepo.create();
  repo.commit('feat: add the invoice exporter', { 'src/invoice.ts': 'export function exportInvoice(id: string) {\n  return `invoice ${id}`;\n}\n' });
  repo.commit('feat: add the session store', { 'src/session.ts': 'export class SessionStore {\n  expire(token: string) { return token; }\n}\n' });
  repo.commit('fix: keep expired tokens out of the session store', { 'src/session.ts': 'export class SessionStore {\n  expire(token: string) { return token.trim(); }\n}\n' });
  repo.commit('docs: describe the release steps', { 'RELEASE.md': '# steps\n' });
  storeDir = tempDir('coevolve-semantic-recall-');
  await mineHistory(repo.dir, { storeDir });
});
after(async () => {
  await server.close();
  repo.remove();
  rmSync(storeDir, { recursive: true, force: true });
});

test('the hook: without an embedder recall is untouched; with one the channel is fused in; with it down, lexical recall answers with a note', async () => {
  const store = await MemoryStore.open(storeDir);
  const index = await RecallIndex.load(store);
  const text = 'invoice exporter';
  const lexical = recall(index, text, { k: 5 });
  const untouched = await withSemanticChannel(lexical, text, { storeDir, embedder: undefined, index, present: presentDigest, k: 5 });
  assert.equal(untouched, lexical, 'no embedder: the very same result');

  const notes: string[] = [];
  const parser = await SymbolParser.create();
  try {
    const memory = await SemanticMemory.open(storeDir, client());
    await memory.syncCode(repo.dir, 'HEAD', parser);
  } finally {
    parser.dispose();
  }
  const fused = await withSemanticChannel(lexical, text, { storeDir, embedder: client(), index, present: presentDigest, k: 5, source: store, onNote: (n) => notes.push(n) });
  assert.deepEqual(notes, []);
  assert.equal(server.embeddedTexts.filter((t) => t.startsWith('feat: add the invoice exporter')).length, 1, 'the query synced memory first');
  assert.equal(fused.experiences[0]?.subject, 'feat: add the invoice exporter');
  assert.ok(fused.experiences[0]!.why.some((w) => /close in meaning/.test(w)));
  assert.equal(fused.files[0]?.path, 'src/invoice.ts');
  assert.ok(fused.symbols.some((s) => s.name === 'exportInvoice' && s.why.some((w) => /close in meaning/.test(w))));
  // Only what is close: with k larger than memory, the experiences sharing no word with the query (a
  // cosine of zero or below for this embedder) are not offered as close in meaning.
  const semantic = await (await SemanticMemory.open(storeDir, client())).scores('release steps', { k: 10 });
  assert.ok(semantic.experiences.length > 0 && semantic.experiences.every((e) => e.score > 0), JSON.stringify(semantic.experiences));
  assert.ok(semantic.experiences.length < 4, `not every experience is close to "release steps": ${JSON.stringify(semantic.experiences)}`);
  const closeOnes = fused.experiences.flatMap((e) => e.why.filter((w) => /close in meaning/.test(w)).map((w) => `${e.subject}: ${w}`));
  for (const reason of closeOnes) assert.doesNotMatch(reason, /cosine (0\.00|-)/, reason);

  const down = await ScriptedEmbeddingServer.start();
  const url = down.baseURL;
  await down.close();
  const downNotes: string[] = [];
  const lexicalOnly = await withSemanticChannel(lexical, text, { storeDir, embedder: client(url), index, present: presentDigest, k: 5, source: store, onNote: (n) => downNotes.push(n) });
  assert.deepEqual(lexicalOnly, lexical, 'the lexical answer, unchanged');
  assert.equal(downNotes.length, 1);
  assert.match(downNotes[0]!, /Semantic recall was skipped, lexical recall answered alone: Could not reach the embedder/);
});
