// Following the user's commits (mineHistory with onlyNew, what the editor runs when HEAD moves): only
// commits on top of the mined head are mined; a HEAD anywhere else changes nothing, where a full mine
// would forget what is not on it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** A history of `commits` commits, mined whole into a store of its own. */
async function minedHistory(commits: number): Promise<{ repo: GitRepo; storeDir: string }> {
  const repo = history(commits);
  const storeDir = join(tempDir(), 'store');
  await mineHistory(repo.dir, { storeDir });
  return { repo, storeDir };
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

  it('mines at most maxCommits per follow, says what is left, and goes on with it at the next follow', async () => {
    const { repo, storeDir } = await minedHistory(3);
    const pulled = Array.from({ length: 5 }, (_, i) => repo.commit(`fix: pulled ${i + 1}`, { 'src/pulled.ts': `export const p = ${i + 1};\n` }));
    const first = await mineHistory(repo.dir, { storeDir, onlyNew: true, maxCommits: 2 });
    assert.equal(first.mined, 2);
    assert.deepEqual((await shas(storeDir)).filter((sha) => pulled.includes(sha)), [pulled[3], pulled[4]].sort(), 'the newest two');
    assert.match(first.notices.join('\n'), /3 commit\(s\) below the newest are not mined yet \(at most 2 per run\)/);
    const next = repo.commit('fix: one more', { 'src/a.ts': 'export const a = 1;\n' });
    const second = await mineHistory(repo.dir, { storeDir, onlyNew: true, maxCommits: 2 });
    assert.equal(second.mined, 2, 'the new commit, then the newest of what was left');
    assert.deepEqual((await shas(storeDir)).filter((sha) => [...pulled, next].includes(sha)), [pulled[2], pulled[3], pulled[4], next].sort());
    assert.match(second.notices.join('\n'), /2 commit\(s\) below the newest are not mined yet/);
    for (let round = 1; round <= 2; round++) {
      repo.commit(`fix: round ${round}`, { 'src/a.ts': `export const a = ${round + 1};\n` });
      const later = await mineHistory(repo.dir, { storeDir, onlyNew: true, maxCommits: 2 });
      assert.equal(later.mined, 2);
      assert.equal(later.complete, round === 2, `round ${round}: ${later.notices.join(' ')}`);
    }
    const all = (await (await MemoryStore.open(storeDir)).loadAll()).map((e) => e.seq).sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 11 }, (_, i) => i + 1), 'every position once, as a full mine numbers them');
    repo.remove();
  });

  it('follows a merge on the first-parent line', async () => {
    const { repo, storeDir } = await minedHistory(3);
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
    ['an older commit checked out', (repo: GitRepo) => void repo.git('checkout', '-q', '--detach', 'HEAD~1')],
  ] as const) {
    it(`changes nothing when HEAD moved off the mined branch: ${name}`, async () => {
      const { repo, storeDir } = await minedHistory(5);
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

  it('follows the branch it was mined from: work on a topic branch waits for its merge', async () => {
    const { repo, storeDir } = await minedHistory(3);
    assert.equal((await MemoryStore.open(storeDir)).state.mining.branch, 'refs/heads/main');
    repo.git('checkout', '-q', '-b', 'topic');
    const topic = repo.commit('feat: on the topic', { 'src/topic.ts': 'export const t = 1;\n' });
    const onTopic = await follow(repo, storeDir);
    assert.equal(onTopic.followed, 'elsewhere', 'a commit on another branch is not followed, even on top');
    assert.ok(!(await shas(storeDir)).includes(topic));
    repo.git('checkout', '-q', 'main');
    assert.equal((await follow(repo, storeDir)).followed, 'up-to-date');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge branch topic', 'topic');
    const merged = await follow(repo, storeDir);
    assert.equal(merged.followed, 'new-commits');
    assert.equal(merged.mined, 1);
    repo.remove();
  });

  it('follows an amend or a short rebase of the mined branch: the old commits forgotten, the new ones mined', async () => {
    const { repo, storeDir } = await minedHistory(5);
    const old = repo.head();
    repo.git('commit', '-q', '--amend', '-m', 'feat: step 5, reworded');
    const amended = repo.head();
    const result = await follow(repo, storeDir);
    assert.equal(result.followed, 'rewritten');
    assert.equal(result.removed, 1);
    assert.equal(result.mined, 1);
    const stored = await shas(storeDir);
    assert.ok(stored.includes(amended) && !stored.includes(old));
    assert.equal(stored.length, 5);
    repo.remove();
  });

  it('leaves a long rewrite of the mined branch to an explicit mine', async () => {
    const { repo, storeDir } = await minedHistory(30);
    const before = await shas(storeDir);
    repo.git('reset', '-q', '--hard', 'HEAD~25');
    repo.commit('feat: a new start', { 'src/new.ts': 'export const n = 1;\n' });
    const result = await follow(repo, storeDir);
    assert.equal(result.followed, 'elsewhere', 'following would forget 25 mined commits');
    assert.equal(result.removed, 0);
    assert.deepEqual(await shas(storeDir), before);
    repo.remove();
  });

  it('follows only commits on top for a store mined before the branch was recorded', async () => {
    const { repo, storeDir } = await minedHistory(5);
    const meta = join(storeDir, 'memory', 'meta.json');
    const stored = JSON.parse(readFileSync(meta, 'utf8')) as { mining: { branch?: string } };
    delete stored.mining.branch;
    writeFileSync(meta, JSON.stringify(stored));
    repo.commit('feat: six', { 'src/six.ts': 'export const six = 6;\n' });
    assert.equal((await follow(repo, storeDir)).followed, 'new-commits', 'commits on top are followed as before');
    const before = await shas(storeDir);
    repo.git('commit', '-q', '--amend', '-m', 'feat: six, reworded');
    assert.equal((await follow(repo, storeDir)).followed, 'elsewhere', 'a rewrite cannot be told from a checkout');
    assert.deepEqual(await shas(storeDir), before);
    repo.remove();
  });
});
