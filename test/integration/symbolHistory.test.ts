import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSyntheticRepo } from '../../bench/corpus/syntheticRepo.ts';
import { mineHistory } from '../../src/core/mining/miner.ts';
import { MemoryStore } from '../../src/core/memory/store.ts';
import { tempDir } from '../helpers/gitRepo.ts';

describe('symbol mapping across a long history', () => {
  it('chaining parsed versions from commit to commit gives the same symbols as parsing every version afresh', async () => {
    const dir = join(tempDir(), 'repo');
    await createSyntheticRepo(dir, { commits: 160, seed: 7 });
    const chained = join(tempDir(), 'chained');
    const fresh = join(tempDir(), 'fresh');
    const a = await mineHistory(dir, { storeDir: chained });
    // No cache: every commit's post-image is read from git and parsed in full.
    const b = await mineHistory(dir, { storeDir: fresh, symbolLimits: { maxCachedFiles: 0 } });
    assert.ok(a.symbolStats!.incremental > 100, JSON.stringify(a.symbolStats));
    assert.ok(a.symbolStats!.blobReads < b.symbolStats!.blobReads, `${a.symbolStats!.blobReads} vs ${b.symbolStats!.blobReads} blob reads`);
    const left = (await (await MemoryStore.open(chained)).loadAll()).sort((x, y) => x.seq - y.seq);
    const right = (await (await MemoryStore.open(fresh)).loadAll()).sort((x, y) => x.seq - y.seq);
    assert.equal(left.length, right.length);
    let withSymbols = 0;
    for (let i = 0; i < left.length; i++) {
      assert.deepEqual(left[i]!.symbols, right[i]!.symbols, `commit ${left[i]!.sha.slice(0, 10)} "${left[i]!.intent.subject}"`);
      if (left[i]!.symbols.length > 0) withSymbols++;
    }
    assert.ok(withSymbols > left.length / 2, `only ${withSymbols} of ${left.length} commits mapped to symbols`);
  });
});
