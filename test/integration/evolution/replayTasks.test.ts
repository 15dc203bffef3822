import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildReplayTask, findReplayCandidates } from '../../../src/core/evolution/replayTasks.ts';
import { mergedBranchCandidates } from '../../../src/core/evolution/mergeCandidates.ts';
import { replayRoot } from '../../../src/core/evolution/replayWorktree.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { buildReplayFixture } from './replayFixture.ts';
import type { ReplayFixture } from './replayFixture.ts';

function worktreeCount(fixture: ReplayFixture): number {
  return fixture.repo.git('worktree', 'list', '--porcelain').split('\n').filter((line) => line.startsWith('worktree ')).length;
}

describe('replay tasks from a fixture repository', () => {
  let fixture: ReplayFixture;
  before(async () => {
    fixture = await buildReplayFixture();
  });
  after(() => {
    fixture.repo.remove();
    rmSync(fixture.storeDir, { recursive: true, force: true });
  });

  it('selects exactly the fix and the feature that changed source and tests', async () => {
    const candidates = await findReplayCandidates(fixture.storeDir);
    assert.deepEqual(candidates.map((c) => c.sha), [fixture.shas.feature, fixture.shas.fix]);
    const fix = candidates[1];
    assert.deepEqual(fix?.testFiles, ['test/x.test.js']);
    assert.deepEqual(fix?.sourceFiles, ['src/x.js']);
    assert.equal(fix?.cutoff.seq, 4);
    assert.equal(typeof fix?.cutoff.time, 'number');
    assert.deepEqual((await findReplayCandidates(fixture.storeDir, { n: 1 })).map((c) => c.sha), [fixture.shas.feature]);
  });

  it('finds commits inside merged branches too, with their merge as the memory cutoff', async () => {
    const candidates = await findReplayCandidates(fixture.storeDir, { repoRoot: fixture.repo.dir });
    assert.deepEqual(candidates.map((c) => c.sha), [fixture.shas.feature, fixture.shas.multiply, fixture.shas.fix]);
    const multiply = candidates[1]!;
    const merge = (await MemoryStore.open(fixture.storeDir).then((store) => store.loadAll())).find((e) => e.sha === fixture.shas.merge)!;
    assert.equal(multiply.merge, fixture.shas.merge);
    assert.equal(multiply.kind, 'feature');
    assert.deepEqual(multiply.testFiles, ['test/mul.test.js']);
    assert.deepEqual(multiply.sourceFiles, ['src/mul.js']);
    assert.equal(multiply.seq, merge.seq);
    assert.deepEqual(multiply.cutoff, { seq: merge.seq, time: Number(fixture.repo.git('log', '-1', '--format=%ct', fixture.shas.multiply).trim()) });
    // A branch over the bound is a long-lived line of its own, not a change: none of its commits.
    assert.deepEqual(await mergedBranchCandidates(fixture.repo.dir, [merge], { maxBranchCommits: 0 }), []);
    assert.equal((await mergedBranchCandidates(fixture.repo.dir, [merge], { maxBranchCommits: 1 })).length, 1);
    const task = await buildReplayTask(fixture.repo.dir, multiply);
    try {
      assert.equal(task.parent, fixture.repo.git('rev-parse', `${fixture.shas.multiply}^1`).trim());
      assert.equal(task.valid, true, JSON.stringify(task.invalid));
      assert.deepEqual(task.cutoff, multiply.cutoff);
    } finally {
      await task.dispose();
    }
  });

  it('builds tasks that fail before the fix and pass after it, then removes the worktree', async () => {
    for (const candidate of await findReplayCandidates(fixture.storeDir)) {
      const task = await buildReplayTask(fixture.repo.dir, candidate);
      try {
        assert.equal(task.commit, candidate.sha);
        assert.equal(task.parent, fixture.repo.git('rev-parse', `${candidate.sha}^1`).trim());
        assert.deepEqual(task.verification, [`node --test ${candidate.testFiles.join(' ')}`]);
        assert.deepEqual({ failsBefore: task.validated?.failsBefore, passesAfter: task.validated?.passesAfter }, { failsBefore: true, passesAfter: true });
        assert.equal(task.valid, true);
        assert.equal(worktreeCount(fixture), 2);
        // Left ready to solve: the commit's tests, the parent's source.
        for (const file of candidate.testFiles) assert.equal(readFileSync(join(task.worktree, file), 'utf8'), fixture.repo.git('show', `${candidate.sha}:${file}`));
        if (candidate.sha === fixture.shas.fix) {
          assert.equal(readFileSync(join(task.worktree, 'src/x.js'), 'utf8'), fixture.repo.git('show', `${task.parent}:src/x.js`));
          assert.match(task.text, /^Add\(\) ignores the sign of negative numbers\n\nadd\(-1, 2\) returned 3\.$/);
        } else {
          assert.equal(existsSync(join(task.worktree, 'src/square.js')), false);
        }
      } finally {
        await task.dispose();
      }
      assert.equal(existsSync(task.worktree), false);
      assert.equal(worktreeCount(fixture), 1);
    }
  });

  it('builds without validating when asked, for throughput', async () => {
    const [candidate] = await findReplayCandidates(fixture.storeDir, { n: 1 });
    assert.ok(candidate);
    const task = await buildReplayTask(fixture.repo.dir, candidate, { validate: false });
    assert.equal(task.validated, undefined);
    assert.equal(task.valid, false);
    await task.dispose();
    await task.dispose();
    assert.equal(worktreeCount(fixture), 1);
  });

  it('leaves nothing behind when cancelled mid-build', async () => {
    const candidates = await findReplayCandidates(fixture.storeDir);
    const candidate = candidates[1]!;
    // Only this task's folders: other processes (a bench, a parallel test) may use the same root.
    const ours = (): number => (existsSync(replayRoot()) ? readdirSync(replayRoot()).filter((name) => name.startsWith(candidate.sha.slice(0, 12))).length : 0);
    const before = ours();
    // At several points: before start, during git work, and during the test runs.
    for (const delay of [0, 5, 20, 120, 300]) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), delay);
      try {
        const task = await buildReplayTask(fixture.repo.dir, candidate, { signal: controller.signal });
        // Finished before the abort landed: an ordinary task, disposed as usual.
        await task.dispose();
      } catch (error) {
        assert.ok(CoevolveError.is(error, 'cancelled'), String(error));
      } finally {
        clearTimeout(timer);
      }
      assert.equal(worktreeCount(fixture), 1, `after cancelling at ${delay} ms`);
      assert.equal(ours(), before, `after cancelling at ${delay} ms`);
    }
  });
});
