import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayRejection, selectReplayCandidates, toCandidate } from '../../../src/core/evolution/replaySelection.ts';
import type { ReplayCandidate } from '../../../src/core/evolution/replaySelection.ts';
import { testRunnerFamily } from '../../../src/core/verify/testFiles/testRunners.ts';
import type { CommitExperience, FileChange } from '../../../src/core/memory/experience.ts';
import { fakeExperience } from '../../helpers/fakeExperience.ts';

const src = (path: string, status: FileChange['status'] = 'modified'): FileChange => ({ path, status, category: 'source', added: 1, deleted: 1 });
const test = (path: string, status: FileChange['status'] = 'modified'): FileChange => ({ path, status, category: 'test', added: 1, deleted: 0 });

function task(seq: number, overrides: Partial<CommitExperience> = {}): CommitExperience {
  return fakeExperience(seq, { kind: 'fix', files: [src('src/a.ts'), test('test/a.test.ts')], ...overrides });
}

describe('replay candidate selection', () => {
  it('keeps fixes and features that change source and add or modify runnable tests', () => {
    assert.equal(replayRejection(task(1)), undefined);
    assert.equal(replayRejection(task(2, { kind: 'feature', files: [src('lib/b.py'), test('tests/test_b.py', 'added')] })), undefined);
    assert.equal(replayRejection(task(3, { files: [src('pkg/c.go'), test('pkg/c_test.go')] })), undefined);
  });

  it('rejects everything else, saying why', () => {
    assert.equal(replayRejection(task(1, { kind: 'docs' })), 'kind docs');
    assert.equal(replayRejection(task(1, { kind: 'refactor' })), 'kind refactor');
    assert.equal(replayRejection(task(1, { parents: 2, flags: { merge: true } })), 'merge or root');
    assert.equal(replayRejection(task(1, { parents: 0 })), 'merge or root');
    assert.equal(replayRejection(task(1, { flags: { huge: true } })), 'huge');
    assert.equal(replayRejection(task(1, { revertedBy: 'f'.repeat(40) })), 'reverted');
    assert.equal(replayRejection(task(1, { filesOmitted: 3 })), 'files omitted');
    assert.equal(replayRejection(task(1, { files: [test('test/a.test.ts')] })), 'no source change');
    assert.equal(replayRejection(task(1, { files: [src('src/a.ts')] })), 'no runnable test added or modified');
    assert.equal(replayRejection(task(1, { files: [src('src/a.ts'), test('test/a.test.ts', 'deleted')] })), 'no runnable test added or modified');
    assert.equal(replayRejection(task(1, { files: [src('src/a.ts'), test('test/__snapshots__/a.snap')] })), 'no runnable test added or modified');
    assert.equal(replayRejection(task(1, { files: [src('src/a.ts'), test('tests/conftest.py')] })), 'no runnable test added or modified');
  });

  it('records the commit as the temporal cutoff', () => {
    const [candidate] = selectReplayCandidates([task(7)]);
    assert.deepEqual(candidate?.cutoff, { seq: 7, time: task(7).commitTime });
  });

  it('orders newest first, limits with n, and shuffles reproducibly with a seed', () => {
    const experiences = Array.from({ length: 40 }, (_, i) => task(i + 1, i % 3 === 0 ? { kind: 'docs' } : {}));
    const all = selectReplayCandidates([...experiences].reverse());
    assert.equal(all.length, 26);
    assert.deepEqual(all.map((c) => c.seq), [...all.map((c) => c.seq)].sort((a, b) => b - a));
    assert.deepEqual(selectReplayCandidates(experiences, { n: 3 }).map((c) => c.seq), all.slice(0, 3).map((c) => c.seq));
    const a = selectReplayCandidates(experiences, { seed: 7, n: 5 }).map((c) => c.seq);
    const b = selectReplayCandidates([...experiences].reverse(), { seed: 7, n: 5 }).map((c) => c.seq);
    const c = selectReplayCandidates(experiences, { seed: 8, n: 5 }).map((c) => c.seq);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(new Set(a).size, 5);
  });

  it('knows which test files a runner picks up', () => {
    assert.equal(testRunnerFamily('test/a.test.mjs'), 'js');
    assert.equal(testRunnerFamily('tests/test_x.py'), 'python');
    assert.equal(testRunnerFamily('tests/helpers.py'), undefined);
    assert.equal(testRunnerFamily('x/y_test.go'), 'go');
    assert.equal(testRunnerFamily('src/test/java/FooTest.java'), 'suite');
    assert.equal(testRunnerFamily('test/fixtures/data.json'), undefined);
  });

  it('mixes in commits from merged branches, ordered by their merge and time, reproducibly with a seed', () => {
    const experiences = Array.from({ length: 10 }, (_, i) => task(i + 1));
    const branch = (sha: string, seq: number, time: number): ReplayCandidate => ({
      ...toCandidate(task(seq)),
      sha: sha.repeat(40),
      time,
      cutoff: { seq, time },
      merge: 'm'.repeat(40),
    });
    // Two commits of the branch merged at #5 (older than the commit mined at #5); a copy of a mined commit is not counted twice.
    const extra = [branch('a', 5, 100), branch('b', 5, 200), { ...toCandidate(task(3)) }];
    const all = selectReplayCandidates(experiences, {}, extra);
    assert.equal(all.length, 12);
    assert.deepEqual(all.slice(5, 8).map((c) => `${c.seq}:${c.sha[0]}`), ['5:0', '5:b', '5:a']);
    const seeded = selectReplayCandidates([...experiences].reverse(), { seed: 3 }, [...extra].reverse()).map((c) => c.sha);
    assert.deepEqual(selectReplayCandidates(experiences, { seed: 3 }, extra).map((c) => c.sha), seeded);
  });
});
