import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { digestOf } from '../../../src/core/memory/experienceDigest.ts';
import { experiencePredicate, isEmptyFilter, pathMatcher } from '../../../src/extension/memoryPanelFilter.ts';
import { fakeExperience } from '../../helpers/fakeExperience.ts';

describe('memory panel filters', () => {
  it('matches a plain file filter as a path substring, in any case', () => {
    const match = pathMatcher('Parser');
    assert.equal(match('src/parser.ts'), true);
    assert.equal(match('lib/tokenParserUtil.js'), true);
    assert.equal(match('src/lexer.ts'), false);
  });

  it('matches globs as the agent tools do: ** crosses folders, a glob without / matches names at any depth', () => {
    assert.equal(pathMatcher('src/**/*.ts')('src/core/memory/store.ts'), true);
    assert.equal(pathMatcher('src/**/*.ts')('src/store.ts'), true, '**/ also matches no folder');
    assert.equal(pathMatcher('src/**/*.js')('src/math.js'), true);
    assert.equal(pathMatcher('src/**/*.ts')('test/store.ts'), false);
    assert.equal(pathMatcher('src/*.ts')('src/core/store.ts'), false, '* stays within a folder');
    assert.equal(pathMatcher('*.test.ts')('test/unit/a/b.test.ts'), true);
    assert.equal(pathMatcher('*.test.ts')('src/b.ts'), false);
    assert.equal(pathMatcher('./docs/*.md')('docs/intro.md'), true);
    assert.equal(pathMatcher('src\\*.ts')('src/a.ts'), true, 'backslashes are folder separators');
    assert.throws(() => pathMatcher('src/[z-a]*.ts'), (error: unknown) => CoevolveError.is(error, 'bad-input'));
  });

  it('combines kind, file (new or old name) and author', () => {
    const renamed = fakeExperience(5, {
      kind: 'fix',
      author: { name: 'Ada Lovelace', email: 'ada@example.com' },
      files: [{ path: 'src/tokens.ts', oldPath: 'src/lexer.ts', status: 'renamed', category: 'source', added: 1, deleted: 1 }],
    });
    const digest = digestOf(renamed);
    assert.equal(experiencePredicate({ kind: 'fix' }).digest(digest), true);
    assert.equal(experiencePredicate({ kind: 'feature' }).digest(digest), false);
    assert.equal(experiencePredicate({ file: 'lexer' }).digest(digest), true, 'the old name of a renamed file');
    assert.equal(experiencePredicate({ kind: 'fix', file: '*.md' }).digest(digest), false);
    assert.equal(experiencePredicate({ kind: 'fix' }).author, undefined, 'no author: no full record is needed');
    const byAuthor = experiencePredicate({ author: 'ADA@EXAMPLE' }).author!;
    assert.equal(byAuthor(renamed.author), true);
    assert.equal(byAuthor({ name: 'Writer', email: 'w@example.com' }), false);
    assert.equal(isEmptyFilter({}), true);
    assert.equal(isEmptyFilter({ author: 'x' }), false);
  });
});
