import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../src/core/mining/miner.ts';
import { recallInWorkspace } from '../../src/core/memory/recallService.ts';
import { CoevolveError } from '../../src/core/errors.ts';
import { GitRepo, tempDir } from '../helpers/gitRepo.ts';
import { Repository } from '../../src/core/git/repository.ts';
import { resolveWorkspace } from '../../src/core/workspace.ts';
import type { Workspace } from '../../src/core/workspace.ts';

const SESSION = (body: string) => `export class SessionStore {
  load(id: string) {
    return this.items.get(id);
  }

  refreshToken(token: string) {
${body}
  }

  private items = new Map<string, string>();
}
`;

const PARSER = (body: string) => `export class Parser {
  parseHeader(input: string): string[] {
${body}
  }
}
`;

describe('recall', () => {
  let repo: GitRepo;
  let workspace: Workspace;
  const shas: Record<string, string> = {};

  before(async () => {
    repo = GitRepo.create();
    repo.commit('feat(auth): add session store', {
      'src/auth/session.ts': SESSION('    return token;'),
      'src/auth/sessionCache.ts': 'export const cache = new Map();\n',
      'test/auth/session.test.ts': 'test("session", () => {});\n',
    });
    repo.commit('feat(parser): add header parser', { 'src/parser/header.ts': PARSER("    return input.split(':');") });
    repo.commit('feat(billing): add invoice totals', { 'src/billing/invoice.ts': 'export function total(lines: number[]) {\n  return lines.reduce((a, b) => a + b, 0);\n}\n' });
    shas.expiry = repo.commit('fix(auth): refresh expired session token before it is used', {
      'src/auth/session.ts': SESSION('    if (isExpired(token)) return renew(token);\n    return token;'),
      'src/auth/sessionCache.ts': 'export const cache = new Map();\nexport const ttl = 60;\n',
    });
    repo.commit('docs: describe billing', { 'docs/billing.md': '# Billing\n' });
    shas.logout = repo.commit('fix(auth): clear the session cache on logout', {
      'src/auth/session.ts': SESSION('    if (isExpired(token)) return renew(token);\n    return token.trim();'),
      'src/auth/sessionCache.ts': 'export const cache = new Map();\nexport const ttl = 120;\n',
    });
    shas.badParser = repo.commit('fix(parser): parseHeader returns empty list for empty input', {
      'src/parser/header.ts': PARSER("    if (!input) return [];\n    return input.split(':');"),
    });
    repo.git('revert', '--no-edit', 'HEAD');
    shas.goodParser = repo.commit('fix(parser): parseHeader handles empty input without throwing', {
      'src/parser/header.ts': PARSER("    if (input === '') return [];\n    return input.split(':');"),
    });
    repo.git('mv', 'src/billing/invoice.ts', 'src/billing/invoices.ts');
    shas.rename = repo.commit('refactor(billing): rename invoice module');
    repo.commit('chore: remove legacy module', { 'src/legacy.ts': 'export {};\n' });
    repo.commit('chore: drop legacy module', { 'src/legacy.ts': null });
    const storeDir = join(tempDir(), '.coevolve');
    await mineHistory(repo.dir, { storeDir });
    workspace = { root: repo.dir, storeDir, repository: await Repository.open(repo.dir) };
  });

  after(() => repo.remove());

  it('ranks the files that past changes with the same intent touched', async () => {
    const result = await recallInWorkspace(workspace, 'Login breaks when the session token has expired');
    assert.equal(result.files[0]?.path, 'src/auth/session.ts');
    assert.ok(result.files[0]!.why.some((w) => w.includes('refresh expired session token')), JSON.stringify(result.files[0]));
    assert.equal(result.experiences[0]?.sha, shas.expiry);
    assert.ok(result.experiences[0]!.why.length > 0);
    assert.ok(!result.files.slice(0, 3).some((f) => f.path.startsWith('src/billing')), 'billing is unrelated');
  });

  it('keeps names from the text exactly and finds the symbol they name', async () => {
    const result = await recallInWorkspace(workspace, 'TypeError in parseHeader at src/parser/header.ts:3:12');
    assert.ok(result.query.keywords.includes('parseHeader'), result.query.keywords.join(','));
    assert.ok(result.query.keywords.includes('src/parser/header.ts'));
    const symbol = result.symbols[0]!;
    assert.equal(symbol.name, 'parseHeader');
    assert.equal(symbol.container, 'Parser');
    assert.equal(symbol.path, 'src/parser/header.ts');
    assert.ok(symbol.why.includes('named in the query'));
    assert.equal(result.files[0]?.path, 'src/parser/header.ts');
    assert.ok(result.files[0]!.why.includes('its path is named in the query'));
  });

  it('down-weights a change that was reverted', async () => {
    const result = await recallInWorkspace(workspace, 'parseHeader empty input', { k: 20 });
    const good = result.experiences.findIndex((e) => e.sha === shas.goodParser);
    const bad = result.experiences.findIndex((e) => e.sha === shas.badParser);
    assert.ok(good !== -1 && bad !== -1);
    assert.ok(good < bad, `the reverted fix should rank below the kept one (${good} vs ${bad})`);
    assert.ok(result.experiences[bad]!.why.some((w) => w.includes('reverted')));
  });

  it('reports files by their current name and leaves out deleted ones', async () => {
    const result = await recallInWorkspace(workspace, 'invoice totals legacy module', { k: 20 });
    const paths = result.files.map((f) => f.path);
    assert.ok(paths.includes('src/billing/invoices.ts'), paths.join(','));
    assert.ok(!paths.includes('src/billing/invoice.ts'));
    assert.ok(!paths.includes('src/legacy.ts'));
  });

  it('adds files that change together with the strongest ones', async () => {
    const result = await recallInWorkspace(workspace, 'session token expired', { k: 10 });
    const cache = result.files.find((f) => f.path === 'src/auth/sessionCache.ts');
    assert.ok(cache, JSON.stringify(result.files));
    assert.ok(cache.why.some((w) => w.startsWith('changes together with src/auth/session.ts')), JSON.stringify(cache.why));
  });

  it('ignores everything from the --before point on', async () => {
    const all = await recallInWorkspace(workspace, 'clear the session cache on logout', { k: 20 });
    assert.ok(all.experiences.some((e) => e.sha === shas.logout));
    const cut = await recallInWorkspace(workspace, 'clear the session cache on logout', { k: 20, before: shas.logout! });
    const logoutTime = all.experiences.find((e) => e.sha === shas.logout)!.time;
    assert.ok(cut.experiences.length > 0);
    for (const e of cut.experiences) assert.ok(e.time < logoutTime, `${e.subject} is from after the cutoff`);
    const byDate = await recallInWorkspace(workspace, 'session', { k: 50, before: '2020-09-13' });
    assert.equal(byDate.experiences.length, 0, 'nothing was committed before that date');
    assert.equal(byDate.files.length, 0);
    await assert.rejects(recallInWorkspace(workspace, 'x', { before: 'not-a-ref-or-date' }), (e: unknown) => CoevolveError.is(e, 'bad-input'));
  });

  it('sees new commits after an incremental mine (the cached index refreshes)', async () => {
    await recallInWorkspace(workspace, 'warm the cache');
    repo.commit('feat(export): add CSV exporter for quarterly reports', { 'src/export/csv.ts': 'export function toCsv() {}\n' });
    await mineHistory(repo.dir, { storeDir: workspace.storeDir });
    const result = await recallInWorkspace(workspace, 'quarterly CSV reports');
    assert.equal(result.files[0]?.path, 'src/export/csv.ts');
  });

  it('with --content, also finds a file by what its code says, at the cutoff revision', async () => {
    const content = `export function slerpQuaternion(a: number[], b: number[]) {\n  return normalizeQuaternion(a.map((x, i) => x + b[i]!));\n}\n`;
    const added = repo.commit('chore: import vendor-neutral helpers', { 'src/misc/helpers3d.ts': content, 'src/misc/other.ts': 'export const other = 1;\n' });
    repo.commit('docs: mention the helpers', { 'docs/helpers.md': '# Helpers\n' });
    await mineHistory(repo.dir, { storeDir: workspace.storeDir });
    const query = 'slerp between two quaternion values returns NaN';
    const withContent = await recallInWorkspace(workspace, query, { content: true });
    assert.equal(withContent.files[0]?.path, 'src/misc/helpers3d.ts', JSON.stringify(withContent.files.slice(0, 3)));
    assert.ok(withContent.files[0]!.why.some((w) => w.startsWith('its current contents mention')));
    // Before the file existed, its contents cannot be used.
    const before = await recallInWorkspace(workspace, query, { content: true, before: added });
    assert.ok(!before.files.some((f) => f.path === 'src/misc/helpers3d.ts'));
  });

  it('says so when nothing was mined', async () => {
    const empty = await resolveWorkspace(repo.dir, join(tempDir(), 'none'));
    await assert.rejects(recallInWorkspace(empty, 'anything'), (e: unknown) => CoevolveError.is(e, 'store-empty'));
    // Outside a repository, "run coevolve mine" would be bad advice: mine refuses there.
    const nowhere: Workspace = { root: tempDir(), storeDir: join(tempDir(), 'none') };
    await assert.rejects(recallInWorkspace(nowhere, 'anything'), (e: unknown) => CoevolveError.is(e, 'not-a-git-repo'));
  });
});
