import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CoevolveError } from '../../src/core/errors.ts';
import { mineHistory } from '../../src/core/mining/miner.ts';
import { MemoryStore, repairStore, SHARD_SIZE } from '../../src/core/memory/store.ts';
import { fakeExperience } from '../helpers/fakeExperience.ts';
import { GitRepo, tempDir } from '../helpers/gitRepo.ts';

function runWriter(dir: string, first: number, count: number): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/storeWriter.ts'), dir, String(first), String(count)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child.once('close', resolve));
}

describe('memory store', () => {
  it('shards by position so one new experience rewrites only the newest shard', async () => {
    const dir = tempDir();
    const store = await MemoryStore.open(dir);
    await store.transaction((tx) => tx.upsert(Array.from({ length: 2500 }, (_, i) => fakeExperience(i + 1))));
    const shardDir = join(dir, 'memory', 'experiences');
    assert.deepEqual(readdirSync(shardDir).sort(), ['shard-000000.json', 'shard-000001.json', 'shard-000002.json']);
    const before = Object.fromEntries(readdirSync(shardDir).map((f) => [f, readFileSync(join(shardDir, f), 'utf8')]));
    await store.transaction((tx) => tx.upsert([fakeExperience(2501)]));
    const changed = readdirSync(shardDir).filter((f) => readFileSync(join(shardDir, f), 'utf8') !== before[f]);
    assert.deepEqual(changed, ['shard-000002.json']);
    assert.equal(store.state.counts.experiences, 2501);
    assert.equal((await store.loadAll()).length, 2501);
    assert.ok(SHARD_SIZE === 1000);
  });

  it('upserts by sha instead of duplicating', async () => {
    const dir = tempDir();
    const store = await MemoryStore.open(dir);
    await store.transaction((tx) => tx.upsert([fakeExperience(1), fakeExperience(2)]));
    await store.transaction((tx) => tx.upsert([fakeExperience(2, { kind: 'fix' })]));
    const all = await store.loadAll();
    assert.equal(all.length, 2);
    assert.equal(all.find((e) => e.seq === 2)!.kind, 'fix');
    assert.equal(store.state.counts.experiences, 2);
  });

  it('loses no writes when several processes write at once', async () => {
    const dir = tempDir();
    const perWriter = 15;
    const codes = await Promise.all([runWriter(dir, 1, perWriter), runWriter(dir, 1001, perWriter), runWriter(dir, 2001, perWriter)]);
    assert.deepEqual(codes, [0, 0, 0]);
    const store = await MemoryStore.open(dir);
    const seqs = (await store.loadAll()).map((e) => e.seq).sort((a, b) => a - b);
    const expected = [1, 1001, 2001].flatMap((first) => Array.from({ length: perWriter }, (_, i) => first + i));
    assert.deepEqual(seqs, expected);
    assert.equal(store.state.counts.experiences, 3 * perWriter);
    // Every writer's meta update survived too.
    assert.deepEqual(Object.keys(store.state.mining.pendingReverts).sort(), ['writer-1', 'writer-1001', 'writer-2001']);
  });

  it('takes over a lock left by a crashed process', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'write.lock'), { recursive: true });
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, 'write.lock'), old, old);
    const store = await MemoryStore.open(dir);
    await store.transaction((tx) => tx.upsert([fakeExperience(1)]));
    assert.equal(store.state.counts.experiences, 1);
  });

  it('refuses a truncated shard without touching it, and repairs by moving it aside and mining again', async () => {
    const repo = GitRepo.create();
    for (let i = 1; i <= 6; i++) repo.commit(`feat: step ${i}`, { 'src/a.ts': `export const a = ${i};\n` });
    const storeDir = join(tempDir(), '.coevolve');
    await mineHistory(repo.dir, { storeDir });
    const shard = join(storeDir, 'memory', 'experiences', 'shard-000000.json');
    const text = readFileSync(shard, 'utf8');
    const truncated = text.slice(0, Math.floor(text.length / 2));
    writeFileSync(shard, truncated);
    repo.commit('feat: step 7', { 'src/a.ts': 'export const a = 7;\n' });
    await assert.rejects(mineHistory(repo.dir, { storeDir }), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'store-corrupt'));
      assert.match(error.message, /shard-000000\.json is not valid JSON/);
      assert.match(error.hint ?? '', /coevolve store repair/);
      return true;
    });
    assert.equal(readFileSync(shard, 'utf8'), truncated, 'the corrupt file is left exactly as it was');
    // Noticed on open (the file is not the one meta.json recorded), before anything answers from a cache.
    await assert.rejects(MemoryStore.open(storeDir), (error: unknown) => CoevolveError.is(error, 'store-corrupt'));

    const report = await repairStore(storeDir);
    assert.equal(report.movedAside.length, 1);
    assert.ok(existsSync(report.movedAside[0]!));
    assert.equal(readFileSync(report.movedAside[0]!, 'utf8'), truncated, 'the backup keeps the damaged bytes');
    assert.deepEqual(report.holes, [{ from: 1, to: SHARD_SIZE - 1 }]);
    const result = await mineHistory(repo.dir, { storeDir });
    assert.equal(result.complete, true);
    const all = await (await MemoryStore.open(storeDir)).loadAll();
    assert.deepEqual(all.map((e) => e.seq).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
    repo.remove();
  });

  it('rebuilds a corrupt meta.json from the shards', async () => {
    const dir = tempDir();
    const store = await MemoryStore.open(dir);
    await store.transaction((tx) => tx.upsert([fakeExperience(1), fakeExperience(2)]));
    writeFileSync(join(dir, 'memory', 'meta.json'), '{"schema": 1, "gener');
    await assert.rejects(MemoryStore.open(dir), (error: unknown) => CoevolveError.is(error, 'store-corrupt'));
    const report = await repairStore(dir);
    assert.equal(report.metaRebuilt, true);
    const repaired = await MemoryStore.open(dir);
    assert.equal(repaired.state.counts.experiences, 2);
    assert.equal(repaired.state.mining.headSeq, 2);
    assert.equal(repaired.state.mining.complete, true);
  });

  it('refuses a store written by a newer version', async () => {
    const dir = tempDir();
    const store = await MemoryStore.open(dir);
    await store.transaction((tx) => tx.upsert([fakeExperience(1)]));
    const meta = JSON.parse(readFileSync(join(dir, 'memory', 'meta.json'), 'utf8'));
    meta.schema = 99;
    writeFileSync(join(dir, 'memory', 'meta.json'), JSON.stringify(meta));
    await assert.rejects(MemoryStore.open(dir), (error: unknown) => CoevolveError.is(error, 'store-newer-schema'));
  });
});
