// The language-model tools VS Code offers (package.json languageModelTools, served by
// src/extension/lm/lmTools.ts) are the MCP server's own tools called in process: the same answers as
// `coevolve mcp` gives over stdio, and the same input schemas as MCP lists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { InProcessMemoryTools, MEMORY_TOOLS, RECORD_TOOL } from '../../../src/mcp/inProcessTools.ts';
import { readOutcomes } from '../../../src/core/memory/outcomeLog.ts';
import { LM_TOOLS } from '../../../src/extension/lm/lmToolNames.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';
import { call, startServer } from './mcpHarness.ts';

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  contributes: { languageModelTools: { name: string; inputSchema: { properties: Record<string, { type: string }>; required?: string[] } }[] };
};

describe('memory tools in process (the language-model tools)', () => {
  let repo: GitRepo;
  let tools: InProcessMemoryTools;
  let server: Awaited<ReturnType<typeof startServer>>;
  const shas: Record<string, string> = {};

  before(async () => {
    repo = GitRepo.create();
    shas.feat = repo.commit('feat(parser): add header parser', { 'src/parser/header.ts': "export function parseHeader(input: string) {\n  return input.split(':');\n}\n" });
    shas.fix = repo.commit('fix(parser): parseHeader returns an empty list for empty input', { 'src/parser/header.ts': "export function parseHeader(input: string) {\n  if (input === '') return [];\n  return input.split(':');\n}\n" });
    await mineHistory(repo.dir, { storeDir: join(repo.dir, '.coevolve') });
    tools = new InProcessMemoryTools(await resolveWorkspace(repo.dir));
    server = await startServer(['--workspace', repo.dir]);
  });

  after(async () => {
    await tools?.close();
    await server?.close();
    repo.remove();
  });

  it('answers each read-only tool exactly as the MCP server does over stdio', async () => {
    const inputs: Record<string, Record<string, unknown>> = {
      recall: { text: 'parseHeader empty input', k: 5 },
      similar_fixes: { message: "TypeError: Cannot read properties of undefined (reading 'split')", file: 'src/parser/header.ts' },
      file_history: { path: 'src/parser/header.ts' },
      skills: {},
    };
    for (const name of MEMORY_TOOLS) {
      const here = await tools.call(name, inputs[name]!);
      const there = await call(server.client, name, inputs[name]!);
      assert.deepEqual(here, there, name);
      assert.equal(here.isError, false, name);
    }
    const recalled = await tools.call('recall', inputs.recall!);
    assert.ok(recalled.text.includes(`commit:${shas.fix}`), recalled.text);
    assert.match(recalled.text, /<untrusted-data/);
  });

  it('checks input as MCP does: a bad call is an error answer, not a crash', async () => {
    const bad = await tools.call('file_history', { limit: 3 });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /path/);
    const tooMany = await tools.call('recall', { text: 'x', k: 1000 });
    assert.equal(tooMany.isError, true);
    assert.match(tooMany.text, /k/);
  });

  it('records an outcome as MCP\'s record_outcome does, naming the editor as the client', async () => {
    const answer = await tools.call('record_outcome', { itemIds: [`commit:${shas.fix}`], outcome: 'helped', note: 'the guard was the fix' });
    assert.equal(answer.isError, false, answer.text);
    assert.match(answer.text, /^Recorded: 1 item\(s\) helped at /);
    const outcomes = await readOutcomes(join(repo.dir, '.coevolve'));
    assert.deepEqual(outcomes.map((o) => [o.itemIds, o.outcome, o.client]), [[[`commit:${shas.fix}`], 'helped', 'coevolve-vscode-lm-tools']]);
  });

  it('declares in package.json the tools and input schemas that MCP lists', async () => {
    const listed = await tools.schemas();
    assert.deepEqual(Object.keys(listed).sort(), [...MEMORY_TOOLS, RECORD_TOOL].sort());
    assert.deepEqual(manifest.contributes.languageModelTools.map((t) => t.name).sort(), LM_TOOLS.map((t) => t.name).sort());
    for (const { name, tool } of LM_TOOLS) {
      const declared = manifest.contributes.languageModelTools.find((t) => t.name === name)!.inputSchema;
      const mcp = listed[tool] as { properties: Record<string, { type: string }>; required?: string[] };
      assert.deepEqual(Object.keys(declared.properties).sort(), Object.keys(mcp.properties).sort(), name);
      for (const [key, schema] of Object.entries(declared.properties)) assert.equal(schema.type, mcp.properties[key]!.type, `${name}.${key}`);
      assert.deepEqual(declared.required ?? [], mcp.required ?? [], name);
    }
  });
});
