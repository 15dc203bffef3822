// Following the user's commits (mineHistory with onlyNew, what the editor runs when HEAD moves): only
// commits on top of the mined head are mined; a HEAD anywhere else changes nothing, where a full mine
// would forget what is not on it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mineHistory } from '../../src/core/mining/miner.ts';
import { MemoryStore } from '../../src/core/memory/store.ts';
import { GitRepo, tempDir } from '../helpers/gitRepo.ts';

function history(commits: number): GitRepo {
  const repo = GitRepo.create();
  for (let i = 1; i <= commits; i++) repo.commit(`feat: step ${i}`, { [`src/f${i % 3}.ts`]: `export const v${i} = ${i};\n` });
  return repo;
}

async function shas(storeDir: string): Promise<string[]> {
  return (await (await MemoryStore.open(storeDir)).loadAll()).map((e) => e.sha).sort();
}

const follow = (repo: GitRepo, storeDir: string) => mineHistory(repo.dir, { storeDir, onlyNew: true });

describe('following new commits', () => {
  it('does nothing for a repository never mined (no first mine behind the user\'s back)', async () => {
    const repo = history(3);
    const storeDir = join(tempDir(), 'store');
    const result = await follow(repo, storeDir);
    assert.equal(result.followed, 'not-mined');
    assert.equal(result.mined, 0);
    assert.equal(existsSync(join(storeDir, 'memory', 'meta.json')), false, 'no store was written');
    repo.remove();
  });

  it('mines the commits on top of the mined head, and only those (older history left for an explicit mine)', async () => {
    const repo = history(8);
    const storeDir = join(tempDir(), 'store');
    await mineHistory(repo.dir, { storeDir, maxCommits: 3 });
    assert.equal((await follow(repo, storeDir)).followed, 'up-to-date');
    const first = repo.commit('fix: one', { 'src/a.ts': 'export const a = 1;\n' });
    const second = repo.commit('fix: two', { 'src/a.ts': 'export const a = 2;\n' });
    const result = await follow(repo, storeDir);
    assert.equal(result.followed, 'new-commits');
    assert.equal(result.mined, 2, 'the two new commits, not the five older ones');
    assert.equal(result.complete, false);
    const stored = await shas(storeDir);
    assert.equal(stored.length, 5);
    assert.ok(stored.includes(first) && stored.includes(second));
    const seqs = (await (await MemoryStore.open(storeDir)).loadAll()).map((e) => e.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, [6, 7, 8, 9, 10], 'numbered as a full mine numbers them');
    assert.equal((await follow(repo, storeDir)).followed, 'up-to-date');
    repo.remove();
  });

  it('follows a merge on the first-parent line', async () => {
    const repo = history(3);
    const storeDir = join(tempDir(), 'store');
    await mineHistory(repo.dir, { storeDir });
    repo.git('checkout', '-q', '-b', 'topic');
    repo.commit('feat: on the topic', { 'src/topic.ts': 'export const t = 1;\n' });
    repo.git('checkout', '-q', 'main');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge branch topic', 'topic');
    const result = await follow(repo, storeDir);
    assert.equal(result.followed, 'new-commits');
    assert.equal(result.mined, 1, 'the merge, read against its first parent');
    repo.remove();
  });

  for (const [name, move] of [
    ['another branch checked out', (repo: GitRepo) => {
      repo.git('checkout', '-q', '-b', 'old', 'HEAD~2');
      repo.commit('feat: elsewhere', { 'src/other.ts': 'export const o = 1;\n' });
    }],
    ['the last commit amended', (repo: GitRepo) => void repo.git('commit', '-q', '--amend', '-m', 'feat: step 5, reworded')],
    ['an older commit checked out', (repo: GitRepo) => void repo.git('checkout', '-q', '--detach', 'HEAD~1')],
  ] as const) {
    it(`changes nothing when HEAD moved off the mined line: ${name}`, async () => {
      const repo = history(5);
      const storeDir = join(tempDir(), 'store');
      await mineHistory(repo.dir, { storeDir });
      const before = await shas(storeDir);
      move(repo);
      const result = await follow(repo, storeDir);
      assert.equal(result.followed, 'elsewhere');
      assert.equal(result.mined, 0);
      assert.equal(result.removed, 0);
      assert.deepEqual(await shas(storeDir), before, 'nothing forgotten');
      // What following spares the user: an explicit mine here forgets what is not on this line.
      const explicit = await mineHistory(repo.dir, { storeDir });
      assert.ok(explicit.removed > 0, 'a full mine forgets the commits off this line');
      repo.remove();
    });
  }
});
