import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { creditExperiences, setPinned, setQuarantine } from '../../../src/core/learning/utility.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';

// What a person decided about a memory (a pin, a quarantine) and what runs taught it (credits)
// survive the commit being mined again: after a repair, a cancelled mine resumed, two mines at once.

const space = scratchSpace(after);

describe('mining a stored commit again', () => {
  it('keeps its pin, quarantine and credited utility, and renews only what was mined', async () => {
    const repo = space.repoWith('coevolve-remine-', { 'src/a.js': 'export const a = 1;\n' });
    const [pinned, quarantined] = [repo.commit('fix: a is 2', { 'src/a.js': 'export const a = 2;\n' }), repo.commit('feat: b', { 'src/b.js': 'export const b = 1;\n' })];
    const storeDir = space.scratch('coevolve-remine-store-');
    await mineHistory(repo.dir, { storeDir, symbols: false });
    await setPinned(storeDir, pinned, true);
    await setQuarantine(storeDir, quarantined, true);
    await creditExperiences(storeDir, [`commit:${pinned}`, `commit:${quarantined}`], 1);
    const before = new Map((await (await MemoryStore.open(storeDir)).loadAll()).map((e) => [e.sha, e.utility]));

    // The whole history marked to be mined again, as `store repair` marks a lost range.
    const store = await MemoryStore.open(storeDir);
    await store.transaction((tx) => void tx.meta.mining.holes.push({ from: 1, to: 3 }));
    await mineHistory(repo.dir, { storeDir, symbols: false });

    const after = new Map((await (await MemoryStore.open(storeDir)).loadAll()).map((e) => [e.sha, e]));
    assert.equal(after.size, 3);
    assert.deepEqual(after.get(pinned)!.utility, before.get(pinned));
    assert.equal(after.get(pinned)!.utility.pinned, true);
    assert.equal(after.get(quarantined)!.utility.quarantined, 'manual');
    assert.equal(after.get(pinned)!.utility.uses, 1, 'the credit is still counted');
    assert.equal(after.get(pinned)!.intent.subject, 'fix: a is 2', 'the mined fields are there');
  });
});

describe('a store mined under older redaction rules', () => {
  it('is mined again on the next mine, keeping every decision, and then only once', async () => {
    const repo = space.repoWith('coevolve-redaction-', { 'src/a.js': 'export const a = 1;\n' });
    const pinned = repo.commit('fix: a is 2', { 'src/a.js': 'export const a = 2;\n' });
    repo.commit('feat: b', { 'src/b.js': 'export const b = 1;\n' });
    const storeDir = space.scratch('coevolve-redaction-store-');
    await mineHistory(repo.dir, { storeDir, symbols: false });
    await setPinned(storeDir, pinned, true);
    // What a store from before the stricter rules looks like: no redaction version recorded.
    const store = await MemoryStore.open(storeDir);
    await store.transaction((tx) => void delete tx.meta.mining.redaction);

    const again = await mineHistory(repo.dir, { storeDir, symbols: false });
    assert.equal(again.mined, 3, 'every stored commit is mined again');
    assert.match(again.notices.join('\n'), /Secret redaction is stricter/);
    assert.equal(again.complete, true);
    const bySha = new Map((await (await MemoryStore.open(storeDir)).loadAll()).map((e) => [e.sha, e]));
    assert.equal(bySha.size, 3);
    assert.equal(bySha.get(pinned)!.utility.pinned, true, 'the pin is kept');
    assert.equal((await mineHistory(repo.dir, { storeDir, symbols: false })).mined, 0, 'and not again');
  });
});
