// Forgetting a mined commit: a real repository is mined, one commit is forgotten (core, the CLI
// bundle, the memory browser's handler), and nothing of it is left on disk, in recall, or in what
// the browser shows — also after its shard is damaged, repaired and the commit mined again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { creditExperiences, setPinned, setQuarantine } from '../../../src/core/learning/utility.ts';
import { forgetExperience } from '../../../src/core/memory/forgetExperience.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import { MemoryStore, repairStore } from '../../../src/core/memory/store.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { memoryPanelHandlers } from '../../../src/extension/memoryPanelHandlers.ts';
import { parseResult } from '../../../src/protocol/memoryPanel.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

const CLI = join(import.meta.dirname, '../../../dist/cli.cjs');
const SECRET_SUBJECT = 'fix(billing): round invoice totals for the Acme Corp contract';

async function minedRepo(): Promise<{ repo: GitRepo; storeDir: string; sha: Record<string, string> }> {
  const repo = GitRepo.create('coevolve-forget-');
  const sha: Record<string, string> = {};
  sha.first = repo.commit('feat(billing): invoices', { 'src/billing/invoice.ts': 'export function total(lines: number[]) {\n  return lines.reduce((a, b) => a + b, 0);\n}\n' });
  sha.secret = repo.commit(SECRET_SUBJECT, { 'src/billing/acmeContract.ts': 'export function acmeTotal(lines: number[]) {\n  return Math.round(lines.reduce((a, b) => a + b, 0));\n}\n' });
  sha.last = repo.commit('docs: billing readme', { 'docs/billing.md': '# Billing\n' });
  const storeDir = join(tempDir('coevolve-forget-store-'), '.coevolve');
  await mineHistory(repo.dir, { storeDir });
  return { repo, storeDir, sha };
}

/** Every file of the store: shards, meta, the search index cache, the credit log. */
function storeText(storeDir: string): string {
  return readdirSync(storeDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('forgetting a mined commit', () => {
  it('erases what the commit said and touched from the store, recall and the browser, and keeps it forgotten when mined again', async () => {
    const { repo, storeDir, sha } = await minedRepo();
    const workspace = await resolveWorkspace(repo.dir, storeDir);
    assert.equal((await recallInWorkspace(workspace, 'round invoice totals acme contract')).experiences[0]?.sha, sha.secret, 'recalled before');
    await creditExperiences(storeDir, [`commit:${sha.secret}`], 1);

    const forgotten = await forgetExperience(storeDir, sha.secret!.slice(0, 8));
    assert.equal(forgotten?.was.intent.subject, SECRET_SUBJECT);
    assert.equal(forgotten?.tombstone.intent.subject, '');
    const text = storeText(storeDir);
    assert.ok(!text.includes('Acme') && !text.includes('acmeContract') && !text.includes('acmeTotal'), 'nothing of the commit is left in the shards');
    const tombstone = (await (await MemoryStore.open(storeDir)).loadAll()).find((e) => e.sha === sha.secret)!;
    assert.ok(tombstone.forgotten);
    assert.deepEqual({ subject: tombstone.intent.subject, files: tombstone.files, symbols: tombstone.symbols, author: tombstone.author.name, q: tombstone.utility.q, uses: tombstone.utility.uses }, { subject: '', files: [], symbols: [], author: '', q: 0, uses: 0 });
    assert.ok(!(await recallInWorkspace(workspace, 'round invoice totals acme contract')).experiences.some((e) => e.sha === sha.secret));
    assert.ok(!storeText(storeDir).includes('Acme'), 'nor in the search index cache recall wrote again');

    // Nothing can bring it back or rank it.
    for (const attempt of [() => setQuarantine(storeDir, sha.secret!, false), () => setPinned(storeDir, sha.secret!, true)]) {
      await assert.rejects(attempt(), (error: unknown) => CoevolveError.is(error, 'bad-input') && /was forgotten/.test((error as Error).message));
    }
    assert.deepEqual((await creditExperiences(storeDir, [`commit:${sha.secret}`], 1)).missing, [sha.secret]);
    await assert.rejects(forgetExperience(storeDir, sha.secret!), /already forgotten/);
    assert.equal(await forgetExperience(storeDir, 'f'.repeat(40)), undefined);

    // The shard is damaged, moved aside by a repair, and the commits mined again: still a tombstone.
    const shard = join(storeDir, 'memory', 'experiences', 'shard-000000.json');
    writeFileSync(shard, readFileSync(shard, 'utf8').slice(0, 40));
    await repairStore(storeDir);
    await mineHistory(repo.dir, { storeDir });
    const again = await (await MemoryStore.open(storeDir)).loadAll();
    assert.equal(again.length, 3);
    assert.ok(again.find((e) => e.sha === sha.secret)?.forgotten, 'mined again, it stays forgotten');
    assert.equal(again.find((e) => e.sha === sha.first)?.intent.subject, 'feat(billing): invoices');
    assert.ok(!storeText(storeDir).includes('Acme'));
    repo.remove();
  });

  it('from the CLI', async () => {
    const { repo, storeDir, sha } = await minedRepo();
    const result = spawnSync(process.execPath, [CLI, 'memory', 'forget', sha.secret!.slice(0, 10), '--store', storeDir], { cwd: repo.dir, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${sha.secret!.slice(0, 10)} forgotten: "${SECRET_SUBJECT}" is no longer in memory (the commit is still in git).\n`);
    const shown = spawnSync(process.execPath, [CLI, 'memory', 'show', sha.secret!.slice(0, 10), '--store', storeDir], { cwd: repo.dir, encoding: 'utf8' });
    assert.match(shown.stdout, /QUARANTINED \(manual\)\s+\(forgotten \d{4}-\d{2}-\d{2}\)/);
    const twice = spawnSync(process.execPath, [CLI, 'memory', 'forget', sha.secret!.slice(0, 10), '--store', storeDir], { cwd: repo.dir, encoding: 'utf8' });
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /already forgotten/);
    repo.remove();
  });

  it('from the memory browser, only once the user confirmed it in the host', async () => {
    const { repo, storeDir, sha } = await minedRepo();
    const workspace = await resolveWorkspace(repo.dir, storeDir);
    let answer = false;
    const asked: string[] = [];
    const handlers = memoryPanelHandlers(async () => workspace, {
      runs: { live: () => new Set(), confirmFeedback: async () => false },
      skills: { approver: 'tester', confirmSkill: async () => false },
      confirmForget: async ({ subject }) => (asked.push(subject), answer),
    });
    await assert.rejects(handlers.memoryAction({ sha: sha.secret!, action: 'forget' }), (error: unknown) => CoevolveError.is(error, 'cancelled'));
    assert.deepEqual(asked, [SECRET_SUBJECT]);
    assert.ok(storeText(storeDir).includes('Acme'), 'declined: nothing changed');

    answer = true;
    const done = await handlers.memoryAction({ sha: sha.secret!, action: 'forget' });
    assert.ok(parseResult('memoryAction', done).ok);
    assert.match(done.forgotten ?? '', /^\d{4}-\d{2}-\d{2}T/);
    assert.ok(!storeText(storeDir).includes('Acme'));
    const page = await handlers.browse({ filter: {}, offset: 0, limit: 50 });
    const row = page.experiences.find((e) => e.sha === sha.secret)!;
    assert.deepEqual({ subject: row.subject, files: row.files, forgotten: Boolean(row.forgotten) }, { subject: '', files: [], forgotten: true });
    assert.ok(parseResult('browse', page).ok);
    assert.deepEqual((await handlers.listQuarantined({})).experiences.map((e) => e.sha), [], 'a forgotten commit is not offered for restore');
    repo.remove();
  });
});
