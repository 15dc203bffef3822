import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import type { CommitExperience } from '../../../src/core/memory/experience.ts';
import { DEFAULT_EXPLORATION, recall } from '../../../src/core/memory/recall.ts';
import type { RecallOptions } from '../../../src/core/memory/recall.ts';
import { RecallIndex } from '../../../src/core/memory/recallIndex.ts';
import { hashString, seededRandom } from '../../../src/core/memory/seededRandom.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { fakeExperience } from '../../helpers/fakeExperience.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

// A real store on disk and its real index: 16 experiences that all match the query, in a known
// order (more shared words rank higher), plus two quarantined ones that match it best of all.
const QUERY = 'parser crash empty header input token';
const WORDS = ['parser', 'crash', 'empty', 'header', 'input', 'token'];
const K = 4;
let dir: string;
let index: RecallIndex;
const quarantined = new Set<string>();

before(async () => {
  dir = tempDir('coevolve-explore-');
  const experiences: CommitExperience[] = [];
  for (let seq = 1; seq <= 16; seq++) {
    const shared = WORDS.slice(0, 1 + (seq % WORDS.length)).join(' ');
    experiences.push(fakeExperience(seq, { intent: { subject: `fix: ${shared} case ${seq}`, body: '', issues: [] } }));
  }
  for (const seq of [17, 18]) {
    const experience = fakeExperience(seq, { intent: { subject: `fix: ${WORDS.join(' ')} quarantined ${seq}`, body: '', issues: [] } });
    experience.utility = { ...experience.utility, quarantined: 'manual' };
    quarantined.add(experience.sha);
    experiences.push(experience);
  }
  const store = await MemoryStore.open(dir);
  await store.transaction(async (tx) => void (await tx.upsert(experiences)));
  index = await RecallIndex.load(store);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const shas = (options: RecallOptions = {}) => recall(index, QUERY, { k: K, ...options }).experiences.map((e) => e.sha);
/** The plain ranking, deep enough to see ranks k..2k−1. */
const deep = () => shas({ k: 2 * K });

describe('seeded exploration in recall', () => {
  it('changes nothing at rate 0 or when not asked for', () => {
    const plain = shas();
    assert.equal(plain.length, K);
    assert.deepEqual(shas({ explore: { rate: 0 } }), plain);
    assert.deepEqual(shas({ explore: { rate: 0, seed: 7 } }), plain);
    assert.deepEqual(
      recall(index, QUERY, { k: K, explore: { rate: 0 } }).experiences.map((e) => e.why),
      recall(index, QUERY, { k: K }).experiences.map((e) => e.why),
    );
  });

  it('at rate 1 gives the last slot to one from ranks k..2k−1, says so, and keeps the rest in order', () => {
    const plain = deep();
    const beyond = plain.slice(K, 2 * K);
    const result = recall(index, QUERY, { k: K, explore: { rate: 1, seed: 'fixed' } }).experiences;
    assert.equal(result.length, K);
    assert.deepEqual(
      result.slice(0, K - 1).map((e) => e.sha),
      plain.slice(0, K - 1),
      'the first k−1 keep their places',
    );
    const last = result[K - 1]!;
    assert.ok(beyond.includes(last.sha), `${last.sha} comes from ranks ${K}..${2 * K - 1}`);
    assert.ok(
      last.why.some((w) => /^explored: ranked \d+/.test(w)),
      last.why.join('; '),
    );
    assert.ok(result.slice(0, K - 1).every((e) => !e.why.some((w) => w.startsWith('explored'))));
  });

  it('is reproducible: the same seed, or the same query without one, gives the same ranking', () => {
    for (const seed of ['a', 'b', 3, 99]) assert.deepEqual(shas({ explore: { rate: 0.5, seed } }), shas({ explore: { rate: 0.5, seed } }));
    assert.deepEqual(shas({ explore: { rate: 1 } }), shas({ explore: { rate: 1 } }));
    // Without a seed the query text seeds the draw.
    assert.deepEqual(shas({ explore: { rate: 1 } }), shas({ explore: { rate: 1, seed: QUERY } }));
  });

  it('explores different memories for different seeds, and at a partial rate only sometimes', () => {
    const picked = new Set<string>();
    let exploredCount = 0;
    const plainTop = shas();
    for (let seed = 0; seed < 40; seed++) {
      picked.add(shas({ explore: { rate: 1, seed } })[K - 1]!);
      if (shas({ explore: { rate: 0.3, seed } })[K - 1] !== plainTop[K - 1]) exploredCount++;
    }
    assert.ok(picked.size >= 3, `40 seeds explored ${picked.size} distinct memories`);
    assert.ok(exploredCount > 0 && exploredCount < 40, `rate 0.3 explored on ${exploredCount} of 40 seeds`);
  });

  it('never explores a quarantined memory in', () => {
    // They match the query best, yet neither the plain ranking nor any explored one shows them.
    assert.ok(deep().every((sha) => !quarantined.has(sha)));
    for (let seed = 0; seed < 60; seed++) {
      for (const sha of shas({ explore: { rate: 1, seed } })) assert.ok(!quarantined.has(sha), `seed ${seed} surfaced a quarantined memory`);
    }
  });

  it('leaves a short ranking alone (nothing beyond k to explore)', () => {
    const all = shas({ k: 40 });
    assert.deepEqual(shas({ k: all.length, explore: { rate: 1 } }), all);
  });

  it('refuses a rate outside 0..1 or a non-finite seed with a clear error', () => {
    for (const rate of [-0.1, 1.5, Number.NaN]) {
      assert.throws(() => shas({ explore: { rate } }), (error: unknown) => CoevolveError.is(error, 'bad-input') && /exploration rate/.test(error.message));
    }
    assert.throws(() => shas({ explore: { rate: 0.5, seed: Number.POSITIVE_INFINITY } }), (error: unknown) => CoevolveError.is(error, 'bad-input'));
  });

  it('offers a small default for tasks', () => {
    assert.ok(DEFAULT_EXPLORATION.rate > 0 && DEFAULT_EXPLORATION.rate <= 0.2);
    assert.equal(DEFAULT_EXPLORATION.seed, undefined, 'the query seeds it, so a task is reproducible');
    const options: RecallOptions = { explore: DEFAULT_EXPLORATION };
    assert.deepEqual(shas(options), shas(options));
  });
});

describe('seededRandom', () => {
  it('repeats for a seed, differs across seeds, and stays in [0, 1)', () => {
    const draw = (seed: string | number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    assert.deepEqual(draw('x'), draw('x'));
    assert.deepEqual(draw('x'), draw(hashString('x')));
    assert.notDeepEqual(draw(1), draw(2));
    const values = draw(42);
    assert.ok(values.every((v) => v >= 0 && v < 1));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  });
});
