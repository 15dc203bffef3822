import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ContentIndex } from '../../../src/core/memory/contentIndex.ts';
import { buildQuery, cleanQueryText } from '../../../src/core/memory/queryBuilder.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';

describe('cleanQueryText', () => {
  it('drops the conventional-commit type and keeps the scope', () => {
    assert.equal(cleanQueryText('fix(auth): handle expired token'), 'auth handle expired token');
    assert.equal(cleanQueryText('feat(api)!: drop the v1 routes'), 'api drop the v1 routes');
    assert.equal(cleanQueryText('refactor: split the parser'), ' split the parser');
    assert.equal(cleanQueryText('* perf(cache): avoid a copy'), '* cache avoid a copy');
    // Only a type at the start of a line, followed by a colon, is a type.
    assert.equal(cleanQueryText('a fix for the test: runner'), 'a fix for the test: runner');
  });

  it('drops trailers, issue references, URLs and revert boilerplate', () => {
    const text = [
      'auth: refresh the token (#2419)',
      '',
      'See https://example.com/issues/12 for details. Fixes #12, closes acme/web#7.',
      'This reverts commit 642d6a928b2a5b52c2c8ac880abb84354c43cd8e.',
      'Signed-off-by: Ann <ann@example.com>',
      'Co-authored-by: Bo <bo@example.com>',
    ].join('\n');
    const cleaned = cleanQueryText(text);
    for (const gone of ['#2419', 'https', 'example.com', '#12', '#7', '642d6a9', 'Signed-off-by', 'Ann', 'Co-authored-by']) {
      assert.ok(!cleaned.includes(gone), `${gone} should be gone: ${JSON.stringify(cleaned)}`);
    }
    for (const kept of ['auth', 'refresh the token', 'for details']) assert.ok(cleaned.includes(kept), `${kept} should stay: ${JSON.stringify(cleaned)}`);
  });

  it('keeps the branch name of a merge and drops the rest of its boilerplate', () => {
    assert.equal(cleanQueryText('Merge pull request #1448 from alice/handle-stale-session\nfix(auth): x'), 'handle-stale-session\nauth x');
    assert.equal(cleanQueryText("Merge branch 'feature/csv-export' into main"), 'feature/csv-export');
  });

  it('leaves a plain task untouched', () => {
    const task = 'TypeError in parseHeader at src/parser/header.ts:3:12 when the input is empty';
    assert.equal(cleanQueryText(task), task);
  });
});

describe('buildQuery on a commit message', () => {
  it('queries the words that mean something, and still sees a test commit as one', () => {
    const query = buildQuery('test(gateway): add missing tests for ResponseMapper\n\nCloses #2440\nSigned-off-by: Ann <ann@example.com>');
    assert.ok(query.terms.includes('gateway'));
    assert.ok(query.terms.includes('responsemapper'));
    assert.ok(query.identifiers.includes('ResponseMapper'));
    for (const noise of ['closes', 'signed', 'ann', 'example.com']) assert.ok(!query.terms.includes(noise), `${noise} in ${query.terms.join(',')}`);
    assert.equal(query.aboutTests, true);
  });
});

describe('ContentIndex.filesWithTerm', () => {
  let repo: GitRepo;
  let index: ContentIndex;
  before(async () => {
    repo = GitRepo.create();
    repo.commit('init', {
      'src/a.ts': 'export function checkDuplicateAvatar(x: number) {\n  return x;\n}\n',
      'src/b.ts': "import { checkDuplicateAvatar } from './a';\nexport const checkDuplicate = checkDuplicateAvatar(1);\n",
      'src/c.ts': 'export const avatar = 1;\n',
      'README.md': 'checkDuplicateAvatar is documented here\n',
    });
    index = await ContentIndex.build(repo.dir);
  });
  after(() => repo.remove());

  it('finds the code files holding the whole token, and no others', () => {
    assert.deepEqual(index.filesWithTerm('checkduplicateavatar').sort(), ['src/a.ts', 'src/b.ts']);
    // A whole token only: no prefix matches, no matches on the parts of a longer name.
    assert.deepEqual(index.filesWithTerm('checkduplicate'), ['src/b.ts']);
    assert.deepEqual(index.filesWithTerm('checkdup'), []);
    assert.deepEqual(index.filesWithTerm('nosuchname'), []);
  });
});
