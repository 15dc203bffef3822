import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fuseSemantic, reciprocalRankFusion } from '../../../src/core/embeddings/rankFusion.ts';
import type { ExperienceDigest } from '../../../src/core/memory/experienceDigest.ts';
import { presentDigest } from '../../../src/core/memory/recall.ts';
import type { RecallResult } from '../../../src/core/memory/recall.ts';

test('reciprocal rank fusion: an item both lists rank well beats one only a single list ranks first', () => {
  const fused = reciprocalRankFusion([{ ids: ['a', 'b', 'c'] }, { ids: ['b', 'd', 'a'] }]);
  assert.deepEqual(fused.map((f) => f.id), ['b', 'a', 'd', 'c']);
  assert.ok(Math.abs(fused[0]!.score - (1 / 62 + 1 / 61)) < 1e-12);
  // A weight of 0 leaves the other ranking's order alone.
  assert.deepEqual(reciprocalRankFusion([{ ids: ['x', 'y'] }, { ids: ['y', 'z'], weight: 0 }]).map((f) => f.id), ['x', 'y', 'z']);
});

const digest = (sha: string, extra: Partial<ExperienceDigest> = {}): ExperienceDigest => ({ sha, seq: 1, time: 1_700_000_000, kind: 'fix', subject: `subject ${sha}`, files: [{ path: `${sha}.ts`, category: 'source' }], symbols: [], reverted: false, isRevert: false, q: 0, ...extra });

const lexical: RecallResult = {
  query: { text: 'q', keywords: [] },
  experiences: [
    { id: 'commit:a', sha: 'a', kind: 'fix', subject: 'A', time: 't', score: 3, why: ['lexical'], files: [], symbols: [] },
    { id: 'commit:b', sha: 'b', kind: 'fix', subject: 'B', time: 't', score: 2, why: ['lexical'], files: [], symbols: [] },
  ],
  files: [{ path: 'x.ts', score: 1, why: ['lexical'] }],
  symbols: [],
};

test('fusion keeps lexical reasons, adds what only the semantic channel found, and never a quarantined experience', () => {
  const digests = new Map([['c', digest('c')], ['q', digest('q', { quarantined: true })]]);
  const fused = fuseSemantic(lexical, { experiences: [{ sha: 'q', score: 0.99 }, { sha: 'b', score: 0.9 }, { sha: 'c', score: 0.8 }], files: [{ path: 'y.ts', score: 0.7, closest: 'Y.run' }], symbols: [{ path: 'y.ts', name: 'run', container: 'Y', kind: 'method', score: 0.7 }], notes: [] }, { k: 3, digest: (sha) => digests.get(sha), present: presentDigest });
  assert.deepEqual(fused.experiences.map((e) => e.sha), ['b', 'a', 'c']);
  assert.deepEqual(fused.experiences[0]!.why, ['lexical', 'also close in meaning to the query (cosine 0.90)']);
  assert.equal(fused.experiences[2]!.id, 'commit:c');
  assert.match(fused.experiences[2]!.why[0]!, /close in meaning/);
  assert.ok(fused.experiences[0]!.score > fused.experiences[1]!.score && fused.experiences[1]!.score > fused.experiences[2]!.score);
  assert.deepEqual(fused.files.map((f) => f.path).sort(), ['x.ts', 'y.ts']);
  assert.match(fused.files.find((f) => f.path === 'y.ts')!.why[0]!, /closest: Y\.run, cosine 0\.70/);
  assert.deepEqual(fused.symbols.map((s) => `${s.container}.${s.name}`), ['Y.run']);
});

test('a lexical list longer than k (a pool of symbols to check) keeps its length', () => {
  const pool: RecallResult = { ...lexical, symbols: Array.from({ length: 6 }, (_, i) => ({ path: 'p.ts', name: `s${i}`, kind: 'function', score: 6 - i, why: ['lexical'] })) };
  const fused = fuseSemantic(pool, { experiences: [], files: [], symbols: [{ path: 'q.ts', name: 'new', kind: 'function', score: 0.9 }], notes: [] }, { k: 2, digest: () => undefined, present: presentDigest });
  assert.equal(fused.symbols.length, 6);
  assert.ok(fused.symbols.some((s) => s.name === 'new'));
  assert.equal(fused.experiences.length, 2);
});

test('with no semantic hits, recall is returned as it was', () => {
  const same = fuseSemantic(lexical, { experiences: [], files: [], symbols: [], notes: ['down'] }, { k: 3, digest: () => undefined, present: presentDigest });
  assert.deepEqual(same, lexical);
});
