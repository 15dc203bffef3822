import assert from 'node:assert/strict';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { readOutcomes } from '../../../src/core/memory/outcomeLog.ts';
import { saveSkillVersion, setSkillStatus } from '../../../src/core/skills/skillLibrary.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { call, startServer } from './mcpHarness.ts';

const PARSER = (body: string) => `export class Parser {
  parseHeader(input: string): string[] {
${body}
  }
}
`;

describe('coevolve mcp', () => {
  let repo: GitRepo;
  let storeDir: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: Client;
  const shas: Record<string, string> = {};

  before(async () => {
    repo = GitRepo.create();
    repo.commit('feat(auth): add session store', { 'src/auth/session.ts': 'export function refreshToken(token: string) {\n  return token;\n}\n' });
    repo.commit('feat(parser): add header parser', { 'src/parser/header.ts': PARSER("    return input.split(':');") });
    shas.invoice = repo.commit('feat(billing): add invoice totals', { 'src/billing/invoice.ts': 'export function total(lines: number[]) {\n  return lines.reduce((a, b) => a + b, 0);\n}\n' });
    shas.expiry = repo.commit('fix(auth): refresh expired session token before it is used\n\nLogin failed after an hour because the token was used after expiry.', {
      'src/auth/session.ts': 'export function refreshToken(token: string) {\n  if (isExpired(token)) return renew(token);\n  return token;\n}\n',
    });
    shas.badParser = repo.commit('fix(parser): parseHeader returns empty list for empty input', { 'src/parser/header.ts': PARSER("    if (!input) return [];\n    return input.split(':');") });
    repo.git('revert', '--no-edit', 'HEAD');
    shas.goodParser = repo.commit('fix(parser): parseHeader handles empty input without throwing', { 'src/parser/header.ts': PARSER("    if (input === '') return [];\n    return input.split(':');") });
    repo.git('mv', 'src/billing/invoice.ts', 'src/billing/invoices.ts');
    shas.rename = repo.commit('refactor(billing): rename invoice module');
    storeDir = join(repo.dir, '.coevolve');
    await mineHistory(repo.dir, { storeDir });
    await saveSkillVersion(storeDir, { name: 'empty-input-guards', description: 'Guard parsers against empty input' }, '# Guard empty input\n\nCheck `input === \'\'` first.\n');
    await setSkillStatus(storeDir, 'empty-input-guards', 'active', 'test');
    await saveSkillVersion(storeDir, { name: 'skip-tests', kind: 'mistake', description: 'Skipping tests hid a bug' }, '# Never skip\n');
    await setSkillStatus(storeDir, 'skip-tests', 'quarantined', 'test');
    server = await startServer(['--workspace', repo.dir]);
    client = server.client;
  });

  after(async () => {
    await server?.close();
    repo.remove();
  });

  it('lists its tools with input schemas and descriptions', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['file_history', 'recall', 'record_outcome', 'similar_fixes', 'skills']);
    const recall = tools.find((t) => t.name === 'recall')!;
    assert.deepEqual(recall.inputSchema.required, ['text']);
    assert.ok(recall.description!.length > 80);
    assert.deepEqual(tools.find((t) => t.name === 'record_outcome')!.inputSchema.required?.sort(), ['itemIds', 'outcome']);
  });

  it('recalls experiences, files and symbols, marked as untrusted data', async () => {
    const first = await call(client, 'recall', { text: 'Login breaks when the session token has expired' });
    assert.equal(first.isError, false, first.text);
    assert.match(first.text, /<untrusted-data source="coevolve memory: recall">/);
    assert.ok(first.text.includes(`commit:${shas.expiry}`), first.text);
    assert.ok(first.text.includes('src/auth/session.ts'));
    assert.ok(first.text.length <= 8000);
    // That the index stays loaded between calls is tested on WarmMemory itself, not timed here.
    const second = await call(client, 'recall', { text: 'TypeError in parseHeader at src/parser/header.ts:3:12', k: 3 });
    assert.match(second.text, /parseHeader \(method\) in src\/parser\/header\.ts/);
  });

  it('recalls with a temporal cutoff', async () => {
    const result = await call(client, 'recall', { text: 'parseHeader empty input', before: shas.badParser });
    assert.equal(result.isError, false, result.text);
    assert.ok(!result.text.includes(shas.goodParser!), 'nothing from after the cutoff');
  });

  it('finds similar fixes, preferring ones that touched the file, and flags reverted ones', async () => {
    const result = await call(client, 'similar_fixes', { message: "TypeError: Cannot read properties of undefined (reading 'split') in parseHeader", file: 'src/parser/header.ts' });
    assert.equal(result.isError, false, result.text);
    const good = result.text.indexOf(`commit:${shas.goodParser}`);
    const bad = result.text.indexOf(`commit:${shas.badParser}`);
    assert.ok(good !== -1 && bad !== -1, result.text);
    assert.ok(good < bad, 'the kept fix ranks above the reverted one');
    assert.match(result.text, /touched the file/);
    assert.match(result.text, /reverted later by/);
    assert.ok(!result.text.includes(shas.invoice!), 'only fixes and reverts');
  });

  it('tells the history of a file across a rename, and of one symbol', async () => {
    const file = await call(client, 'file_history', { path: 'src/billing/invoices.ts' });
    assert.equal(file.isError, false, file.text);
    assert.ok(file.text.indexOf(shas.rename!) < file.text.indexOf(shas.invoice!), 'newest first');
    assert.match(file.text, /renamed from src\/billing\/invoice\.ts/);
    // Former names are repository text: inside the data block, never in the tool's own line.
    const [own, data] = [file.text.slice(0, file.text.indexOf('<untrusted-data')), file.text.slice(file.text.indexOf('<untrusted-data'))];
    assert.match(own, /also under 1 former name, listed below/);
    assert.doesNotMatch(own, /invoice\.ts/);
    assert.match(data, /former names: src\/billing\/invoice\.ts/);
    assert.match(file.text, /\[feature\] "feat\(billing\): add invoice totals"/);
    const byOldName = await call(client, 'file_history', { path: './src/billing/invoice.ts' });
    assert.ok(byOldName.text.includes(shas.rename!), 'a former name leads to the same history');
    const symbol = await call(client, 'file_history', { path: join(repo.dir, 'src/parser/header.ts'), symbol: 'Parser.parseHeader' });
    assert.match(symbol.text, /reverted by/);
    assert.match(symbol.text, /symbol: Parser\.parseHeader/);
    const auth = await call(client, 'file_history', { path: 'src/auth/session.ts' });
    assert.match(auth.text, /Login failed after an hour/, 'the newest changes carry their message body');
  });

  it('lists skills with their status and returns a SKILL.md, also as a resource', async () => {
    const list = await call(client, 'skills', {});
    assert.match(list.text, /empty-input-guards \[skill, v1, active\]/);
    assert.match(list.text, /skip-tests \[mistake, v1, quarantined\]/);
    const one = await call(client, 'skills', { name: 'empty-input-guards' });
    assert.match(one.text, /^SKILL\.md of empty-input-guards/);
    assert.match(one.text, /name: empty-input-guards/);
    const quarantined = await call(client, 'skills', { name: 'skip-tests', version: 1 });
    assert.match(quarantined.text, /do not follow it/);
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => [r.uri, r.mimeType]), [['skill://empty-input-guards', 'text/markdown'], ['skill://skip-tests', 'text/markdown']]);
    const read = await client.readResource({ uri: 'skill://empty-input-guards' });
    // The SKILL.md whole, as data: inside one untrusted-data block.
    assert.match(String((read.contents[0] as { text: string }).text), /^<untrusted-data source="SKILL\.md of empty-input-guards">\n---\nname: empty-input-guards[\s\S]*\n<\/untrusted-data>$/);
  });

  it('records outcomes with the client name', async () => {
    const result = await call(client, 'record_outcome', { itemIds: [`commit:${shas.goodParser}`], outcome: 'helped', runId: 'run-1', note: 'it was the same bug' });
    assert.equal(result.isError, false, result.text);
    const records = await readOutcomes(storeDir);
    assert.equal(records.length, 1);
    assert.deepEqual({ ...records[0], at: undefined }, { at: undefined, runId: 'run-1', itemIds: [`commit:${shas.goodParser}`], outcome: 'helped', note: 'it was the same bug', client: 'coevolve-test' });
    assert.match(result.text, /learned utility updated for 1/);
    const experience = (await (await MemoryStore.open(storeDir)).loadAll()).find((e) => e.sha === shas.goodParser);
    assert.deepEqual([experience?.utility.q, experience?.utility.helpful, experience?.utility.uses], [0.3, 1, 1]);
  });

  it('answers bad input with errors and keeps serving', async () => {
    const unknown = await client.callTool({ name: 'delete_everything', arguments: {} }).then(
      (r) => ({ isError: r.isError === true, text: JSON.stringify(r.content) }),
      (e: unknown) => ({ isError: true, text: String(e) }),
    );
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /delete_everything/);
    const missing = await call(client, 'recall', {});
    assert.equal(missing.isError, true);
    assert.match(missing.text, /text/);
    const wrongType = await call(client, 'recall', { text: 'x', k: 'ten' });
    assert.equal(wrongType.isError, true);
    const huge = await call(client, 'recall', { text: 'a'.repeat(25_000) });
    assert.equal(huge.isError, true);
    assert.match(huge.text, /20000|too_big|Too big/i);
    const blank = await call(client, 'recall', { text: '   ' });
    assert.equal(blank.isError, true);
    const badOutcome = await call(client, 'record_outcome', { itemIds: [], outcome: 'great' });
    assert.equal(badOutcome.isError, true);
    const outside = await call(client, 'file_history', { path: '/etc/passwd' });
    assert.equal(outside.isError, true);
    assert.match(outside.text, /outside the repository/);
    const noSkill = await call(client, 'skills', { name: 'no-such-skill' });
    assert.equal(noSkill.isError, true);
    assert.match(noSkill.text, /no skill "no-such-skill"/);
    const badName = await call(client, 'skills', { name: '../../etc' });
    assert.equal(badName.isError, true);
    const badCutoff = await call(client, 'recall', { text: 'session', before: 'not-a-commit-or-date' });
    assert.equal(badCutoff.isError, true);
    assert.match(badCutoff.text, /neither a commit/);
    assert.equal((await readOutcomes(storeDir)).length, 1, 'nothing invalid was recorded');
    const still = await call(client, 'recall', { text: 'session token' });
    assert.equal(still.isError, false, 'the server still answers');
  });

  it('sees newly mined commits without a restart', async () => {
    const sha = repo.commit('fix(billing): round invoice totals to cents', { 'src/billing/invoices.ts': 'export function total(lines: number[]) {\n  return Math.round(lines.reduce((a, b) => a + b, 0) * 100) / 100;\n}\n' });
    await mineHistory(repo.dir, { storeDir });
    const result = await call(client, 'recall', { text: 'invoice totals rounding cents' });
    assert.ok(result.text.includes(`commit:${sha}`), result.text);
  });

  it('without --no-record offers no writing tool', async () => {
    const readOnly = await startServer(['--workspace', repo.dir, '--no-record']);
    try {
      const { tools } = await readOnly.client.listTools();
      assert.ok(!tools.some((t) => t.name === 'record_outcome'));
      const attempt = await call(readOnly.client, 'record_outcome', { itemIds: ['commit:x'], outcome: 'helped' }).catch((e: unknown) => ({ isError: true, text: String(e) }));
      assert.equal(attempt.isError, true);
      assert.match(readOnly.stderr(), /read only/);
    } finally {
      await readOnly.close();
    }
  });

  it('explains a workspace never mined, and a corrupt store, and recovers', async () => {
    const fresh = GitRepo.create();
    fresh.commit('first', { 'a.ts': 'export {};\n' });
    const empty = await startServer(['--workspace', fresh.dir]);
    try {
      const result = await call(empty.client, 'recall', { text: 'anything' });
      assert.equal(result.isError, true);
      assert.match(result.text, /coevolve mine/);
      assert.match((await call(empty.client, 'skills', {})).text, /no skills/);
    } finally {
      await empty.close();
      fresh.remove();
    }
    const copy = join(tempDir(), 'store');
    cpSync(storeDir, copy, { recursive: true });
    const broken = await startServer(['--workspace', repo.dir, '--store', copy]);
    try {
      assert.equal((await call(broken.client, 'recall', { text: 'session' })).isError, false);
      const meta = join(copy, 'memory', 'meta.json');
      const good = readFileSync(meta, 'utf8');
      writeFileSync(meta, good.slice(0, 20));
      const result = await call(broken.client, 'recall', { text: 'session' });
      assert.equal(result.isError, true);
      assert.match(result.text, /coevolve store repair/);
      writeFileSync(meta, good);
      assert.equal((await call(broken.client, 'recall', { text: 'session' })).isError, false, 'recovers once the store is whole');
    } finally {
      await broken.close();
    }
  });
});
