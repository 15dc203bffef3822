// MCP `similar_fixes` answers with the code of each fix: an excerpt of its patch, read from git,
// redacted like mined text, inside the untrusted-data block; a forgotten commit shows no code.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { forgetExperience } from '../../../src/core/memory/forgetExperience.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';
import { call, startServer } from './mcpHarness.ts';

const TOKEN = `ghp_${'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0'.slice(0, 36).padEnd(36, 'Q')}`;

describe('similar_fixes with the patch excerpt', () => {
  let repo: GitRepo;
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: Client;
  const shas: Record<string, string> = {};

  before(async () => {
    repo = GitRepo.create();
    repo.commit('feat(parser): add header parser', { 'src/parser/header.ts': "export function parseHeader(input: string): string[] {\n  return input.split(':');\n}\n" });
    shas.fix = repo.commit('fix(parser): parseHeader handles empty input without throwing', {
      'src/parser/header.ts': "export function parseHeader(input: string): string[] {\n  if (input === '') return [];\n  return input.split(':');\n}\n",
      'src/parser/client.ts': `export const headerToken = "${TOKEN}";\n`,
    });
    shas.forgotten = repo.commit('fix(parser): parseHeader trims the header name', { 'src/parser/header.ts': "export function parseHeader(input: string): string[] {\n  if (input === '') return [];\n  return input.split(':').map((part) => part.trimStart());\n}\n" });
    const storeDir = join(repo.dir, '.coevolve');
    await mineHistory(repo.dir, { storeDir });
    await forgetExperience(storeDir, shas.forgotten);
    server = await startServer(['--workspace', repo.dir]);
    client = server.client;
  });

  after(async () => {
    await server?.close();
    repo.remove();
  });

  it('shows each fix\'s hunks around the file in question, redacted, and none for a forgotten commit', async () => {
    const result = await call(client, 'similar_fixes', { message: "TypeError: Cannot read properties of undefined (reading 'split') in parseHeader", file: 'src/parser/header.ts' });
    assert.equal(result.isError, false, result.text);
    const data = result.text.slice(result.text.indexOf('<untrusted-data'));
    const entry = data.slice(data.indexOf(`commit:${shas.fix}`));
    assert.match(entry, /\n {4}patch excerpt:\n {6}--- src\/parser\/header\.ts\n {6}@@ -1,3 \+1,4 @@[^\n]*\n {6} export function parseHeader\(input: string\): string\[\] \{\n {6}\+ {2}if \(input === ''\) return \[\];/);
    assert.ok(!result.text.includes(TOKEN.slice(4, 20)), 'the secret in the patch never reaches the answer');
    assert.ok(!result.text.includes('trimStart'), 'a forgotten commit\'s code is not read');
    assert.ok(result.text.length <= 8000);
  });
});
