import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { HISTORY_INDEX } from '../../../src/core/memory/engine/historyIndex.ts';
import { loadSqlite, SqliteFile } from '../../../src/core/memory/engine/sqliteFile.ts';
import { ftsText } from '../../../src/core/memory/engine/ftsText.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { hasLinksOrTags, withoutLinksAndTags } from '../../../src/core/memory/messageMarkup.ts';
import { indexedKeywords } from '../../../src/core/memory/keywords.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// A bot's dependency bump links every release note through redirect.github.com, in HTML: a query for
// "redirect" matched it (seen on koa: 7 of the 10 past changes for "redirect back to referrer").

const BOT_BODY = [
  'Bumps [statuses](https://github.com/jshttp/statuses) from 2.0.1 to 2.0.2.',
  '<details>',
  '<summary>Release notes</summary>',
  '<li>Ci/add missing node versions by <a href="https://github.com/carpasse"><code>@carpasse</code></a> in <a',
  'href="https://redirect.github.com/jshttp/statuses/pull/32">jshttp/statuses#32</a></li>',
  'See www.example.com/redirect/notes for the rest.',
  '</details>',
].join('\n');

describe('links and formatting tags in commit messages are not evidence', () => {
  const repo = GitRepo.create('coevolve-links-');
  const stores: string[] = [];
  let botSha = '';
  before(() => {
    repo.commit('feat: respond with a body', { 'lib/response.js': 'module.exports.body = 1;\n' });
    repo.commit('fix: redirect back to the referrer', { 'lib/response.js': 'module.exports.body = 1;\nmodule.exports.back = () => 2;\n' });
    botSha = repo.commit(`build(deps): bump statuses from 2.0.1 to 2.0.2\n\n${BOT_BODY}`, { 'package.json': '{"dependencies":{"statuses":"2.0.2"}}\n' });
    repo.commit('docs: explain the status codes', { 'docs/status.md': 'codes\n' });
  });
  after(() => {
    repo.remove();
    for (const store of stores) rmSync(store, { recursive: true, force: true });
    delete process.env.COEVOLVE_MEMORY_ENGINE;
  });

  it('drops links and formatting tags, keeps their text and paths that are not links', () => {
    const cleaned = withoutLinksAndTags(BOT_BODY);
    assert.doesNotMatch(cleaned, /redirect|github\.com|example\.com|summary>|href/);
    assert.match(cleaned, /Release notes/);
    assert.match(cleaned, /jshttp\/statuses#32/);
    assert.equal(withoutLinksAndTags('see lib/response.js and redirect() in <Button>'), 'see lib/response.js and redirect() in <Button>');
    assert.ok(hasLinksOrTags(BOT_BODY));
    assert.ok(!hasLinksOrTags('see lib/response.js and redirect() in <Button>, socket.io'));
  });

  for (const engine of ['json', 'sqlite'] as const) {
    it(`with the ${engine} engine, recall for "redirect" does not offer the bump, and its keywords hold no link`, async () => {
      process.env.COEVOLVE_MEMORY_ENGINE = engine;
      const store = tempDir(`coevolve-links-${engine}-`);
      stores.push(store);
      await mineHistory(repo.dir, { storeDir: store });
      const bump = (await (await MemoryStore.open(store)).loadAll()).find((e) => e.sha === botSha)!;
      assert.deepEqual(bump.keywords.filter((k) => /github|redirect|summary|details|href/.test(k)), []);
      const workspace = await resolveWorkspace(repo.dir, store);
      const recalled = await recallInWorkspace(workspace, 'redirect back to referrer');
      const shas = recalled.experiences.map((e) => e.sha);
      assert.ok(shas.length > 0 && !shas.includes(botSha), `the bump is not offered (got ${recalled.experiences.map((e) => e.subject).join(' | ')})`);
      assert.equal(recalled.experiences[0]!.subject, 'fix: redirect back to the referrer');
      // Its own words still find it.
      const bumped = await recallInWorkspace(workspace, 'bump statuses');
      assert.equal(bumped.experiences[0]?.sha, botSha);
    });
  }

  it('an index made before (format 10) has its text rows written again, nothing else rebuilt', async () => {
    process.env.COEVOLVE_MEMORY_ENGINE = 'sqlite';
    const store = tempDir('coevolve-links-migrate-');
    stores.push(store);
    await mineHistory(repo.dir, { storeDir: store });
    const workspace = await resolveWorkspace(repo.dir, store);
    const offered = async () => (await recallInWorkspace(workspace, 'redirect back to referrer')).experiences.map((e) => e.sha);
    assert.ok(!(await offered()).includes(botSha));
    // The bump's row as format 10 wrote it: its body's links in the text index.
    await loadSqlite();
    const path = join(store, ...HISTORY_INDEX);
    const db = SqliteFile.open(path);
    const seq = db.get<{ seq: number }>('SELECT seq FROM exp WHERE sha = ?', [botSha])!.seq;
    db.run('DELETE FROM exp_fts WHERE rowid = ?', [seq]);
    db.run('INSERT INTO exp_fts(rowid, subject, keywords, body, code) VALUES (?, ?, ?, ?, ?)', [seq, ftsText('build(deps): bump statuses'), '', ftsText(BOT_BODY), ftsText('package.json')]);
    db.run("UPDATE exp SET thash = 'format-10' WHERE seq = ?", [seq]);
    const rows = db.get<{ n: number }>('SELECT count(*) AS n FROM exp')!.n;
    db.close();
    assert.ok((await offered()).includes(botSha), 'the old row is what matched');
    const old = SqliteFile.open(path);
    old.run("UPDATE state SET value = '10' WHERE key = 'version'");
    old.close();
    const notes: string[] = [];
    // Said before the index catches up (18 s at 500k commits), not after: no shard is indexed yet then.
    const revsWhenSaid: string[] = [];
    const sayNote = (note: string) => {
      notes.push(note);
      const look = SqliteFile.open(path);
      revsWhenSaid.push(look.get<{ value: string }>("SELECT value FROM state WHERE key = 'shardRevs'")!.value);
      look.close();
    };
    const migrated = await recallInWorkspace(workspace, 'redirect back to referrer', { onNote: sayNote });
    assert.deepEqual(revsWhenSaid, ['{}']);
    assert.ok(!migrated.experiences.map((e) => e.sha).includes(botSha), 'after the migration the bump is not offered');
    assert.match(notes.join('\n'), /earlier version of Co-evolve: every stored change is read once/);
    notes.length = 0;
    await recallInWorkspace(workspace, 'redirect back to referrer', { onNote: (note) => notes.push(note) });
    assert.deepEqual(notes, [], 'said once');
    // And what such a store's records hold: keywords taken from the links are not indexed.
    const stored = (await (await MemoryStore.open(store)).loadAll()).find((e) => e.sha === botSha)!;
    const indexed = indexedKeywords({ ...stored, keywords: ['redirect.github.com/jshttp/statuses/pull/32', 'redirect', 'summary', 'statuses'] });
    assert.ok(indexed.includes('statuses'));
    assert.deepEqual(indexed.filter((k) => /redirect|summary|github/.test(k)), []);
    const check = SqliteFile.open(path);
    assert.equal(check.get<{ value: string }>("SELECT value FROM state WHERE key = 'version'")?.value, '11');
    assert.equal(check.get<{ n: number }>('SELECT count(*) AS n FROM exp')!.n, rows);
    assert.notEqual(check.get<{ thash: string }>('SELECT thash FROM exp WHERE seq = ?', [seq])!.thash, 'format-10');
    check.close();
  });
});
