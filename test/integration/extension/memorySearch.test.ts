// The memory browser's search runs the channels solves and MCP have: the code itself, and the
// configured embedder's semantic channel; an embedder that is down is a note above the results.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddingClient } from '../../../src/core/llm/embeddingClient.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import type { Workspace } from '../../../src/core/workspace.ts';
import { memoryPanelHandlers } from '../../../src/extension/memoryPanelHandlers.ts';
import type { EmbedderLookup } from '../../../src/extension/editorRecall.ts';
import { parseResult } from '../../../src/protocol/memoryPanel.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';
import { ScriptedEmbeddingServer } from '../../helpers/scriptedEmbeddingServer.ts';

let server: ScriptedEmbeddingServer;
let repo: GitRepo;
let workspace: Workspace;

const embedderAt = (baseURL: string): EmbedderLookup => async () => ({
  embedder: new EmbeddingClient({ role: 'embedder', model: 'hash-embed', providerName: 'local', preset: 'vllm', baseURL, apiKey: undefined }, { maxRetries: 0 }),
});

function search(embedderOf: EmbedderLookup | undefined, text: string) {
  const handlers = memoryPanelHandlers(async () => workspace, {
    runs: { live: () => new Set(), confirmFeedback: async () => false },
    skills: { approver: 'tester', confirmSkill: async () => false },
    confirmForget: async () => false,
    ...(embedderOf ? { embedderOf } : {}),
  });
  return handlers.search({ text });
}

before(async () => {
  server = await ScriptedEmbeddingServer.start();
  repo = GitRepo.create('coevolve-panel-search-');
  repo.commit('feat: add the invoice exporter', { 'src/invoice.ts': 'export function exportInvoice(id: string) {\n  return `invoice ${id}`;\n}\n' });
  repo.commit('feat: add the session store', { 'src/session.ts': 'export class SessionStore {\n  expire(token: string) { return token; }\n}\n' });
  repo.commit('docs: describe the release steps', { 'RELEASE.md': '# steps\n' });
  const storeDir = join(repo.dir, '.coevolve');
  await mineHistory(repo.dir, { storeDir });
  workspace = await resolveWorkspace(repo.dir, storeDir);
});
after(async () => {
  await server.close();
  repo.remove();
});

describe("the memory browser's search", () => {
  it('matches the code itself: a word found only in a file at HEAD ranks that file', async () => {
    // "token" is in no commit message, only in src/session.ts.
    const result = await search(undefined, 'token');
    assert.ok(parseResult('search', result).ok);
    assert.equal(result.files[0]?.path, 'src/session.ts', JSON.stringify(result.files));
    assert.equal(result.notes, undefined);
  });

  it('fuses the semantic channel when an embedder is configured, and says so when it is down', async () => {
    const fused = await search(embedderAt(server.baseURL), 'invoice exporter');
    assert.ok(parseResult('search', fused).ok);
    assert.equal(fused.experiences[0]?.subject, 'feat: add the invoice exporter');
    assert.ok(fused.experiences[0]!.why.some((w) => /close in meaning/.test(w)), fused.experiences[0]!.why.join('; '));
    assert.ok(server.embeddedTexts.some((t) => t.startsWith('feat: add the invoice exporter')), 'memory was embedded on the way');

    const down = await ScriptedEmbeddingServer.start();
    const url = down.baseURL;
    await down.close();
    const lexical = await search(embedderAt(url), 'invoice exporter');
    assert.ok(parseResult('search', lexical).ok);
    assert.equal(lexical.experiences[0]?.subject, 'feat: add the invoice exporter');
    assert.match((lexical.notes ?? []).join('\n'), /Semantic recall was skipped, lexical recall answered alone/);
  });
});
