import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { shardName } from '../../../src/core/memory/storeFiles.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

const COMMITS = 24;
const repo = GitRepo.create('coevolve-shard-rows-');
const store = tempDir('coevolve-shard-rows-store-');
const shardPath = join(store, 'memory', 'experiences', shardName(0));
let written = '';

before(async () => {
  for (let i = 1; i <= COMMITS; i++) repo.commit(`feat: step ${i}`, { [`src/step${i % 5}.ts`]: `export const step${i} = ${i};\n` });
  await mineHistory(repo.dir, { storeDir: store });
  written = readFileSync(shardPath, 'utf8');
});
after(() => {
  repo.remove();
  rmSync(store, { recursive: true, force: true });
});

/** The shard's lines with one item line replaced (item 0 is the newest). */
function withItemLine(index: number, replace: (line: string) => string): string {
  const lines = written.split('\n');
  lines[index + 1] = replace(lines[index + 1]!);
  return lines.join('\n');
}

const isCorrupt = (pattern: RegExp) => (error: unknown) => CoevolveError.is(error, 'store-corrupt') && pattern.test((error as Error).message);

describe('reading a few experiences of a shard', () => {
  it('answers pages and positions exactly as the whole shard does', async () => {
    assert.match(written.split('\n')[0]!, /"newestFirst":true/, 'the writer says its order');
    const opened = await MemoryStore.open(store);
    const whole = [...(await opened.loadShard(0))].sort((a, b) => b.seq - a.seq);
    assert.equal(whole.length, COMMITS);
    const rows = await opened.shardRows(0);
    assert.equal(rows.count, COMMITS);
    assert.deepEqual(rows.newest(5, 10), whole.slice(5, 15));
    assert.deepEqual(rows.newest(20, 10), whole.slice(20), 'a page past the end is cut short');
    for (const experience of whole) assert.deepEqual(rows.bySeq(experience.seq), experience);
    assert.equal(rows.bySeq(COMMITS + 7), undefined);
    assert.deepEqual(rows.find(whole[17]!.sha), whole[17]);
  });

  it('finds positions around a hole (a commit not mined, or removed)', async () => {
    const opened = await MemoryStore.open(store);
    const whole = [...(await opened.loadShard(0))].sort((a, b) => b.seq - a.seq);
    const lines = written.split('\n');
    lines.splice(1 + 6, 1);
    lines[lines.length - 3] = lines[lines.length - 3]!.replace(/,$/, '');
    writeFileSync(shardPath, lines.join('\n'));
    try {
      const rows = await opened.shardRows(0);
      assert.equal(rows.count, COMMITS - 1);
      assert.equal(rows.bySeq(whole[6]!.seq), undefined);
      for (const experience of whole.filter((_, i) => i !== 6)) assert.deepEqual(rows.bySeq(experience.seq), experience);
    } finally {
      writeFileSync(shardPath, written);
    }
  });

  it('parses only the lines it is asked for, and says which file is damaged when it reaches a bad one', async () => {
    // Opened first: opening checks every shard that changed since meta.json recorded it.
    const opened = await MemoryStore.open(store);
    writeFileSync(shardPath, withItemLine(20, (line) => `{"sha": oops${line.endsWith(',') ? ',' : ''}`));
    try {
      await assert.rejects(opened.loadShard(0), isCorrupt(/not valid JSON/), 'the whole shard is refused');
      const rows = await opened.shardRows(0);
      assert.equal(rows.newest(0, 10).length, 10, 'the newest page does not reach the damaged line');
      assert.throws(() => rows.newest(15, 10), isCorrupt(new RegExp(`${shardName(0)} has a line that is not valid JSON \\(experience 21`)));
    } finally {
      writeFileSync(shardPath, written);
    }
  });

  it('refuses rows out of newest-first order instead of paging them wrongly', async () => {
    const lines = written.split('\n');
    const [third, fourth] = [lines[3]!, lines[4]!];
    [lines[3], lines[4]] = [fourth, third];
    const opened = await MemoryStore.open(store);
    writeFileSync(shardPath, lines.join('\n'));
    try {
      const rows = await opened.shardRows(0);
      assert.throws(() => rows.newest(0, 10), isCorrupt(/is not in newest-first order/));
    } finally {
      writeFileSync(shardPath, written);
    }
  });

  it('reads a shard of an older writer (no order promised) whole, in any order it was written', async () => {
    const opened = await MemoryStore.open(store);
    const whole = [...(await opened.loadShard(0))].sort((a, b) => b.seq - a.seq);
    const shuffled = [...whole].sort((a, b) => (a.sha < b.sha ? -1 : 1));
    writeFileSync(shardPath, `{"schema":${JSON.parse(written.split('\n')[0]! + ']}').schema},"shard":0,"items":[\n${shuffled.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`);
    try {
      const rows = await opened.shardRows(0);
      assert.deepEqual(rows.newest(0, COMMITS), whole);
      assert.deepEqual(rows.bySeq(whole[9]!.seq), whole[9]);
    } finally {
      writeFileSync(shardPath, written);
    }
  });

  it('leaves a cut-off shard to the whole parse, which says it was cut off', async () => {
    const opened = await MemoryStore.open(store);
    writeFileSync(shardPath, written.slice(0, Math.floor(written.length / 2)));
    try {
      await assert.rejects(opened.shardRows(0), isCorrupt(/cut off/));
    } finally {
      writeFileSync(shardPath, written);
    }
  });

  it('checks the header as the whole parse does: another shard number is damage', async () => {
    const opened = await MemoryStore.open(store);
    writeFileSync(shardPath, written.replace('"shard":0,', '"shard":3,'));
    try {
      await assert.rejects(opened.shardRows(0), isCorrupt(/holds shard 3, not 0/));
    } finally {
      writeFileSync(shardPath, written);
    }
  });
});
