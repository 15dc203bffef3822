// The memory browser's host-side paging and filtering over a real store of 12,345 experiences (13
// shards on disk), counting which shards each page reads. Plain Node: the module has no `vscode`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import type { CommitExperience, ExperienceKind } from '../../../src/core/memory/experience.ts';
import { MemoryStore, shardOf } from '../../../src/core/memory/store.ts';
import { WarmMemory } from '../../../src/core/memory/warmMemory.ts';
import { MemoryBrowser } from '../../../src/extension/memoryPanelQuery.ts';
import { fakeExperience } from '../../helpers/fakeExperience.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const TOTAL = 12_345;
const ADA = { name: 'Ada Lovelace', email: 'ada@example.com' };

// Every 10th a fix, every 3rd by Ada, every 5th touches a test file: the expected counts follow.
function experience(seq: number): CommitExperience {
  const kind: ExperienceKind = seq % 10 === 0 ? 'fix' : seq % 10 === 1 ? 'docs' : 'feature';
  const files: CommitExperience['files'] = [{ path: `src/f${seq % 7}.ts`, status: 'modified', category: 'source', added: 1, deleted: 0 }];
  if (seq % 5 === 0) files.push({ path: `test/unit/f${seq % 7}.test.ts`, status: 'modified', category: 'test', added: 1, deleted: 0 });
  return fakeExperience(seq, { kind, files, ...(seq % 3 === 0 ? { author: ADA } : {}), intent: { subject: `${kind}: change ${seq}`, body: '', issues: [] } });
}

/** The shards read through MemoryStore.loadShard or shardRows while `fn` runs (the recall index loads through loadShard too). */
async function shardsRead<T>(fn: () => Promise<T>): Promise<{ result: T; shards: number[] }> {
  const { loadShard, shardRows } = MemoryStore.prototype;
  const shards: number[] = [];
  MemoryStore.prototype.loadShard = function (this: MemoryStore, shard: number) {
    shards.push(shard);
    return loadShard.call(this, shard);
  };
  MemoryStore.prototype.shardRows = function (this: MemoryStore, shard: number) {
    shards.push(shard);
    return shardRows.call(this, shard);
  };
  try {
    return { result: await fn(), shards };
  } finally {
    Object.assign(MemoryStore.prototype, { loadShard, shardRows });
  }
}

function seqs(experiences: CommitExperience[]): number[] {
  return experiences.map((e) => e.seq);
}

describe('memory browser paging over a store of 12,345 experiences', () => {
  let dir: string;
  let browser: MemoryBrowser;

  before(async () => {
    dir = tempDir('coevolve-panel-query-');
    const store = await MemoryStore.open(dir);
    await store.transaction((tx) => tx.upsert(Array.from({ length: TOTAL }, (_, i) => experience(i + 1))));
    assert.equal(Object.keys(store.state.shards).length, 13);
    browser = new MemoryBrowser(dir, new WarmMemory(dir));
    // The first unfiltered page opens the index in the background (next test): counted apart from the pages.
    await browser.page({}, 0, 1);
    await browser.warmedUp();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the index in the background after the first unfiltered page, once', async () => {
    class CountingWarm extends WarmMemory {
      gets = 0;
      override get(): ReturnType<WarmMemory['get']> {
        this.gets++;
        return super.get();
      }
    }
    const warm = new CountingWarm(dir);
    const fresh = new MemoryBrowser(dir, warm);
    await fresh.page({}, 0, 10);
    assert.equal(warm.gets, 1, 'the page asked for the index without waiting for it');
    await fresh.page({}, 10, 10);
    assert.equal(warm.gets, 1, 'once');
    await fresh.warmedUp();
    const filtered = await fresh.page({ kind: 'fix' }, 0, 10);
    assert.equal(filtered.total, Math.floor(TOTAL / 10));
  });

  it('unfiltered: a page, the total and newest first, reading only the shards that hold the page', async () => {
    const first = await shardsRead(() => browser.page({}, 0, 100));
    assert.equal(first.result.total, TOTAL);
    assert.equal(first.result.offset, 0);
    assert.deepEqual(seqs(first.result.experiences), Array.from({ length: 100 }, (_, i) => TOTAL - i));
    assert.deepEqual(first.shards, [], 'the newest shard, read for the page before, is kept while it is unchanged');

    // Shard 12 holds seq 12000..12345 (346 experiences): this page straddles it and shard 11.
    const straddling = await shardsRead(() => browser.page({}, 300, 100));
    assert.deepEqual(seqs(straddling.result.experiences), Array.from({ length: 100 }, (_, i) => TOTAL - 300 - i));
    assert.deepEqual(straddling.shards, [11], 'only the shard not read yet');

    const last = await shardsRead(() => browser.page({}, 12_300, 100));
    assert.deepEqual(seqs(last.result.experiences), Array.from({ length: 45 }, (_, i) => 45 - i));
    assert.deepEqual(last.shards, [0]);

    const beyond = await shardsRead(() => browser.page({}, 20_000, 100));
    assert.deepEqual([beyond.result.experiences.length, beyond.result.total, beyond.shards.length], [0, TOTAL, 0]);
  });

  it('unfiltered: a page shows what another process wrote since, reading again only the shard it changed', async () => {
    const before = await browser.page({}, 0, 3);
    assert.equal(before.experiences[1]!.intent.subject, experience(TOTAL - 1).intent.subject);
    const writer = await MemoryStore.open(dir);
    const changed = { ...experience(TOTAL - 1), intent: { subject: 'fix: renamed by another process', body: '', issues: [] } };
    await writer.transaction((tx) => tx.upsert([changed]));
    try {
      const after = await shardsRead(() => browser.page({}, 0, 3));
      assert.equal(after.result.experiences[1]!.intent.subject, 'fix: renamed by another process');
      assert.deepEqual(after.shards, [12]);
    } finally {
      await writer.transaction((tx) => tx.upsert([experience(TOTAL - 1)]));
    }
  });

  it('by kind: pages of the matching experiences only, which together are all of them, in order', async () => {
    const all: number[] = [];
    let total = -1;
    for (let offset = 0; ; offset += 200) {
      const page = await browser.page({ kind: 'fix' }, offset, 200);
      total = page.total;
      assert.ok(page.experiences.every((e) => e.kind === 'fix'));
      all.push(...seqs(page.experiences));
      if (page.experiences.length < 200) break;
    }
    assert.equal(total, Math.floor(TOTAL / 10));
    assert.deepEqual(all, Array.from({ length: total }, (_, i) => (total - i) * 10));

    // With the index loaded, a page reads the shards of its own rows at most (100 fixes span 1,000 positions).
    const page = await shardsRead(() => browser.page({ kind: 'fix' }, 500, 100));
    assert.deepEqual(seqs(page.result.experiences).slice(0, 2), [(total - 500) * 10, (total - 501) * 10]);
    assert.ok(page.shards.length <= 2, `read shards ${page.shards.join(', ')}`);
    assert.ok(page.shards.every((shard) => page.result.experiences.some((e) => shardOf(e.seq) === shard)));
  });

  it('by file: a substring in any case, or a glob', async () => {
    const substring = await browser.page({ file: 'SRC/F3.TS' }, 0, 10);
    assert.equal(substring.total, [...Array(TOTAL).keys()].filter((i) => (i + 1) % 7 === 3).length);
    assert.ok(substring.experiences.every((e) => e.files.some((f) => f.path === 'src/f3.ts')));

    const glob = await browser.page({ file: '*.test.ts' }, 0, 10);
    assert.equal(glob.total, Math.floor(TOTAL / 5));
    const deep = await browser.page({ file: 'test/**/f2.test.ts' }, 0, 10);
    assert.equal(deep.total, [...Array(TOTAL).keys()].map((i) => i + 1).filter((seq) => seq % 5 === 0 && seq % 7 === 2).length);
    assert.equal((await browser.page({ file: 'docs/**' }, 0, 10)).total, 0);
  });

  it('by author: every shard read once, then kept; combined with kind', async () => {
    const first = await shardsRead(() => browser.page({ author: 'ada' }, 0, 50));
    assert.equal(first.result.total, Math.floor(TOTAL / 3));
    assert.ok(first.result.experiences.every((e) => e.author.name === ADA.name));
    assert.deepEqual([...new Set(first.shards)].sort((a, b) => a - b), Array.from({ length: 13 }, (_, i) => i), 'digests have no author: every shard once');

    const again = await shardsRead(() => browser.page({ author: 'EXAMPLE.COM', kind: 'fix' }, 0, 50));
    assert.equal(again.result.total, Math.floor(TOTAL / 10), 'every author email is @example.com');
    const both = await shardsRead(() => browser.page({ author: 'Lovelace', kind: 'fix' }, 0, 50));
    assert.equal(both.result.total, Math.floor(TOTAL / 30));
    assert.ok([...again.shards, ...both.shards].length <= 2, 'the author index is kept: only the rows\' shards are read');
  });

  it('after a write, only the shard that changed is read again', async () => {
    await (await MemoryStore.open(dir)).transaction((tx) => tx.upsert([fakeExperience(TOTAL + 1, { kind: 'fix', author: ADA })]));
    const after = await shardsRead(() => browser.page({ author: 'ada', kind: 'fix' }, 0, 5));
    assert.equal(after.result.total, Math.floor(TOTAL / 30) + 1);
    assert.equal(after.result.experiences[0]!.seq, TOTAL + 1);
    assert.deepEqual([...new Set(after.shards)], [12]);
    assert.equal((await browser.page({}, 0, 1)).total, TOTAL + 1);
  });

  it('narrows ranked search hits by file and author, keeping their order', async () => {
    const memory = await new WarmMemory(dir).get();
    const hits = [3000, 10, 2999, 30, 60, 90].map((seq) => fakeExperience(seq).sha);
    const { shas, records } = await browser.narrow(memory, hits, { author: 'ada', kind: 'fix' }, 2);
    assert.deepEqual(shas.map((sha) => records.get(sha)!.seq), [3000, 30]);
    assert.deepEqual((await browser.narrow(memory, hits, undefined, 3)).shas, hits.slice(0, 3));
  });

  it('an empty store is an empty page, filtered or not', async () => {
    const empty = tempDir('coevolve-panel-empty-');
    try {
      const nothing = new MemoryBrowser(empty, new WarmMemory(empty));
      assert.deepEqual(await nothing.page({}, 0, 100), { experiences: [], total: 0, offset: 0 });
      assert.deepEqual(await nothing.page({ kind: 'fix' }, 0, 100), { experiences: [], total: 0, offset: 0 });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('memory browser: quarantined experiences', () => {
  it('are found in the digests and read from their own shards only', async () => {
    const dir = tempDir('coevolve-panel-quarantine-');
    try {
      const store = await MemoryStore.open(dir);
      await store.transaction((tx) =>
        tx.upsert(Array.from({ length: 3_000 }, (_, i) => fakeExperience(i + 1, i + 1 === 1_500 || i + 1 === 2_999 ? { utility: { q: -0.5, helpful: 0, harmful: 2, uses: 2, quarantined: i + 1 === 1_500 ? 'manual' : 'auto' } } : {}))),
      );
      const browser = new MemoryBrowser(dir, new WarmMemory(dir));
      await browser.page({ kind: 'fix' }, 0, 1); // loads the index, as opening the panel does
      const listed = await shardsRead(() => browser.quarantined(500));
      assert.deepEqual(seqs(listed.result.experiences), [2_999, 1_500]);
      assert.equal(listed.result.total, 2);
      assert.deepEqual(listed.shards.sort(), [1, 2]);
      assert.equal((await browser.record(fakeExperience(1_500).sha))?.utility.quarantined, 'manual');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
