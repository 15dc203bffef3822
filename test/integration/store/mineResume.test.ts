import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';

// `--max` and a resumed mine advance from a record of what was mined, never from "the newest N":
// each commit is mined once, and the history is reported complete only when it is.

const space = scratchSpace(after);

function commits(repo: GitRepo, from: number, to: number): string[] {
  const shas: string[] = [];
  for (let i = from; i <= to; i++) shas.push(repo.commit(`feat: step ${i}`, { [`src/f${i % 4}.ts`]: `export const v${i} = ${i};\n` }));
  return shas;
}

async function storedSeqs(storeDir: string): Promise<number[]> {
  return (await (await MemoryStore.open(storeDir)).loadAll()).map((e) => e.seq).sort((a, b) => a - b);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resuming a mine', () => {
  it('--max with new commits on top mines the next ones each run, and says complete only at the end', async () => {
    const repo = space.repoWith('coevolve-resume-max-', { 'README.md': 'x\n' });
    commits(repo, 2, 5);
    const storeDir = space.scratch('coevolve-resume-max-store-');
    const first = await mineHistory(repo.dir, { storeDir, symbols: false });
    assert.equal(first.complete, true);
    commits(repo, 6, 12); // seq 6..12 are new

    const runs: { mined: number; complete: boolean; seqs: number[] }[] = [];
    for (let run = 0; run < 4; run++) {
      const result = await mineHistory(repo.dir, { storeDir, symbols: false, maxCommits: 2 });
      runs.push({ mined: result.mined, complete: result.complete, seqs: await storedSeqs(storeDir) });
    }
    assert.deepEqual(
      runs.map((r) => r.mined),
      [2, 2, 2, 1],
    );
    assert.deepEqual(
      runs.map((r) => r.complete),
      [false, false, false, true],
      'complete only once the last new commit is mined',
    );
    assert.deepEqual(runs[0]!.seqs, [...range(1, 5), 11, 12], 'the newest two first');
    assert.deepEqual(runs[1]!.seqs, [...range(1, 5), 9, 10, 11, 12], 'then the next two, not the same two again');
    assert.deepEqual(runs[3]!.seqs, range(1, 12));
    const again = await mineHistory(repo.dir, { storeDir, symbols: false, maxCommits: 2 });
    assert.equal(again.mined, 0);
  });

  it('after a cancel, mines only the remainder of the new commits', async () => {
    const repo = space.repoWith('coevolve-resume-cancel-', { 'README.md': 'x\n' });
    const storeDir = space.scratch('coevolve-resume-cancel-store-');
    await mineHistory(repo.dir, { storeDir, symbols: false });
    commits(repo, 2, 21); // 20 new commits
    const controller = new AbortController();
    await assert.rejects(
      mineHistory(repo.dir, {
        storeDir,
        symbols: false,
        batchSize: 4,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done === 9) controller.abort();
        },
      }),
      (error: unknown) => CoevolveError.is(error, 'cancelled'),
    );
    const kept = await storedSeqs(storeDir);
    assert.ok(kept.length > 1, 'what was mined before the cancel is kept');
    const resumed = await mineHistory(repo.dir, { storeDir, symbols: false });
    assert.equal(resumed.mined, 21 - kept.length, `the resume mines the ${21 - kept.length} commit(s) left, not all 20 new ones`);
    assert.equal(resumed.complete, true);
    assert.deepEqual(await storedSeqs(storeDir), range(1, 21));
    const store = await MemoryStore.open(storeDir);
    assert.equal(store.state.counts.experiences, 21);
    assert.deepEqual(store.state.mining.holes, []);
  });

  it('new commits on top while an older part is still to mine: both are mined, each commit once', async () => {
    const repo = space.repoWith('coevolve-resume-both-', { 'README.md': 'x\n' });
    commits(repo, 2, 10);
    const storeDir = space.scratch('coevolve-resume-both-store-');
    await mineHistory(repo.dir, { storeDir, symbols: false, maxCommits: 3 }); // 8..10
    commits(repo, 11, 15);
    const mined: number[] = [];
    for (let run = 0; run < 6; run++) mined.push((await mineHistory(repo.dir, { storeDir, symbols: false, maxCommits: 3 })).mined);
    assert.equal(
      mined.reduce((a, b) => a + b, 0),
      12,
      `each of the 12 commits left is mined once (per run: ${mined.join(', ')})`,
    );
    assert.deepEqual(await storedSeqs(storeDir), range(1, 15));
  });
});
