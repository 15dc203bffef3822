import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { ContentIndex } from '../../../src/core/memory/contentIndex.ts';
import type { CommitExperience } from '../../../src/core/memory/experience.ts';
import { DEFAULT_CODE_WEIGHTS, DEFAULT_RECALL_WEIGHTS, fuseFiles, recall, recallFileEvidence } from '../../../src/core/memory/recall.ts';
import type { RecallWeights } from '../../../src/core/memory/recall.ts';
import { RecallIndex } from '../../../src/core/memory/recallIndex.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { fakeExperience } from '../../helpers/fakeExperience.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// Memory says "cache" changes touch src/cache.ts; the code says the tokenizer overflow lives in
// src/parser.ts. Which file leads depends on how the two channels are weighed.
const QUERY = 'cache overflow when the tokenizer reads a long line';
let storeDir: string;
let repo: GitRepo;
let index: RecallIndex;
let code: ContentIndex;

before(async () => {
  storeDir = tempDir('coevolve-weights-');
  const experiences: CommitExperience[] = [];
  for (let seq = 1; seq <= 12; seq++) {
    const path = seq % 3 === 0 ? 'src/render.ts' : 'src/cache.ts';
    experiences.push(fakeExperience(seq, { intent: { subject: `fix: cache overflow case ${seq}`, body: '', issues: [] }, files: [{ path, status: 'modified', category: 'source', added: 1, deleted: 0 }] }));
  }
  experiences.push(fakeExperience(13, { intent: { subject: 'feat: first parser', body: '', issues: [] }, files: [{ path: 'src/parser.ts', status: 'modified', category: 'source', added: 1, deleted: 0 }] }));
  const store = await MemoryStore.open(storeDir);
  await store.transaction(async (tx) => void (await tx.upsert(experiences)));
  index = await RecallIndex.load(store);
  repo = GitRepo.create();
  repo.commit('init', {
    'src/cache.ts': 'export const entries = new Map<string, string>();\nexport function evict() { entries.clear(); }\n',
    'src/render.ts': 'export function render(view: string) { return `<p>${view}</p>`; }\n',
    'src/parser.ts': '// The tokenizer reads one line at a time; a long line used to overflow its buffer.\nexport function tokenizer(line: string) { return line.split(/\\s+/); }\n',
  });
  code = await ContentIndex.build(repo.dir);
});
after(() => {
  rmSync(storeDir, { recursive: true, force: true });
  rmSync(repo.dir, { recursive: true, force: true });
});

const top = (weights?: Partial<RecallWeights>) => recall(index, QUERY, { k: 5, content: code, ...(weights ? { weights } : {}) }).files.map((f) => f.path);

describe('recall fusion weights', () => {
  it('memory alone keeps the weights recall has always used', () => {
    assert.deepEqual({ ...DEFAULT_RECALL_WEIGHTS }, { evidence: 1, fileText: 0.6, content: 2, namedInCode: 0.5, symbol: 1, path: 0.5, coChange: 0.25 });
    assert.deepEqual(recall(index, QUERY, { k: 5 }), recall(index, QUERY, { k: 5, weights: { ...DEFAULT_RECALL_WEIGHTS } }));
    // Weights of the code channel change nothing when there is no code to read.
    assert.deepEqual(recall(index, QUERY, { k: 5 }), recall(index, QUERY, { k: 5, weights: { content: 9, namedInCode: 9 } }));
  });

  it('with the code channel, the default is the fitted set', () => {
    assert.deepEqual(recall(index, QUERY, { k: 5, content: code }), recall(index, QUERY, { k: 5, content: code, weights: { ...DEFAULT_CODE_WEIGHTS } }));
    assert.notDeepEqual({ ...DEFAULT_CODE_WEIGHTS }, { ...DEFAULT_RECALL_WEIGHTS });
  });

  it('changes the ranking: memory leads with the code channel off, the code leads when it weighs more', () => {
    const memoryLed = top({ content: 0, namedInCode: 0 });
    assert.equal(memoryLed[0], 'src/cache.ts');
    const codeLed = top({ content: 6, namedInCode: 3, evidence: 0.2, fileText: 0 });
    assert.equal(codeLed[0], 'src/parser.ts');
    assert.ok(codeLed.includes('src/cache.ts'), 'memory still counts, only for less');
  });

  it('re-fusing gathered evidence gives what recall gives, under any weights', () => {
    const evidence = recallFileEvidence(index, QUERY, { content: code });
    for (const weights of [DEFAULT_CODE_WEIGHTS, { ...DEFAULT_CODE_WEIGHTS, content: 6, namedInCode: 3, evidence: 0.2, fileText: 0 }, { ...DEFAULT_CODE_WEIGHTS, content: 0 }]) {
      assert.deepEqual(fuseFiles(evidence, weights, 5), recall(index, QUERY, { k: 5, content: code, weights }).files);
    }
  });

  it('says how recent a recalled change is, in words', () => {
    const why = (seq: number) => recall(index, QUERY, { k: 13 }).experiences.find((e) => e.subject === `fix: cache overflow case ${seq}`)?.why.find((w) => w.startsWith('recent'));
    assert.equal(why(12), 'recent (the commit before the newest)');
    assert.equal(why(11), 'recent (2 commits before the newest)');
  });

  it('rejects a weight that is not a finite number, zero or more, or that does not exist, with a typed error', () => {
    for (const weights of [{ content: -1 }, { content: Number.NaN }, { fileText: Number.POSITIVE_INFINITY }, { content: '2' }, { bogus: 1 }] as unknown as Array<Partial<RecallWeights>>) {
      assert.throws(() => recall(index, QUERY, { content: code, weights }), (error: unknown) => error instanceof CoevolveError && error.reason === 'bad-input', JSON.stringify(weights));
    }
  });
});
