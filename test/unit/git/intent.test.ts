import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyKind, parseIntent, revertTarget } from '../../../src/core/git/intent.ts';
import { categorizePath } from '../../../src/core/git/fileCategory.ts';
import type { FileChange } from '../../../src/core/memory/experience.ts';

const file = (path: string): FileChange => ({ path, status: 'modified', category: categorizePath(path), added: 1, deleted: 0 });

describe('intent', () => {
  it('reads conventional commits, breaking changes and issue references', () => {
    const intent = parseIntent('feat(api)!: drop v1 endpoints\n\nCloses #45, see PROJ-7 and https://github.com/o/r/issues/9\n\nBREAKING CHANGE: v1 is gone\nReviewed-by: X <x@y>\n');
    assert.equal(intent.type, 'feat');
    assert.equal(intent.scope, 'api');
    assert.equal(intent.breaking, true);
    assert.deepEqual(intent.issues, ['#45', 'PROJ-7', 'https://github.com/o/r/issues/9']);
    assert.ok(!intent.body.includes('Reviewed-by'), 'trailers are dropped');
  });

  it('does not mistake ordinary words for conventions or issues', () => {
    const intent = parseIntent('Update UTF-8 handling: see note\n\nUse color #fff, HTTP-2 and SHA-256 like ISO-8859-1');
    assert.equal(intent.type, undefined, '"Update UTF-8 handling" is not a conventional type');
    assert.deepEqual(intent.issues, []);
  });

  it('takes a pull request\'s title from its merge commit as the subject, with its number', () => {
    const github = parseIntent('Merge pull request #133 from zhugnou/zhugnou/issue-126\n\nRaise SignatureExpired error when age is in the future\n');
    assert.equal(github.subject, 'Raise SignatureExpired error when age is in the future (#133)');
    assert.equal(github.body, 'Merge pull request #133 from zhugnou/zhugnou/issue-126', 'where it came from ends the body');
    assert.deepEqual(github.issues, ['#133']);
    assert.equal(classifyKind(github, [file('src/itsdangerous/timed.py')], false), 'fix');

    const conventional = parseIntent('Merge pull request #5 from o/refuse-empty\n\nfix(auth): refuse empty passwords\n\nThe form sent an empty string.\n');
    assert.equal(conventional.subject, 'fix(auth): refuse empty passwords (#5)');
    assert.equal(conventional.type, 'fix');
    assert.equal(conventional.scope, 'auth');
    assert.equal(conventional.body, 'The form sent an empty string.\n\nMerge pull request #5 from o/refuse-empty');

    const gitlab = parseIntent("Merge branch 'export-button' into 'main'\n\nAdd the export button\n\nSee merge request group/project!12\n");
    assert.equal(gitlab.subject, 'Add the export button (!12)');
  });

  it('leaves other merges as they are: a sync, a merge without a title, a branch merge that names no request', () => {
    for (const message of ["Merge branch 'main' into feature", 'Merge pull request #7 from o/b', 'Merge pull request #7 from o/b\n\n', "Merge branch 'a' into 'b'\n\nSome text", "Merge branch 'a' into 'b'\n\nSee merge request g/p!3", 'Merge tag \'v4.11.1\'']) {
      const intent = parseIntent(message);
      assert.equal(intent.subject, message.split('\n')[0], message);
    }
  });

  it('finds the target of a revert', () => {
    const intent = parseIntent('Revert "feat: x"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n');
    assert.equal(revertTarget(intent), '0123456789abcdef0123456789abcdef01234567');
    assert.equal(classifyKind(intent, [], true), 'revert');
  });

  it('classifies kinds from convention, words, then the shape of the change', () => {
    assert.equal(classifyKind(parseIntent('perf: faster loop'), [file('src/a.ts')], false), 'refactor');
    assert.equal(classifyKind(parseIntent('Fix crash when config is missing'), [file('src/a.ts')], false), 'fix');
    assert.equal(classifyKind(parseIntent('Cover the parser'), [file('test/parser.test.ts')], false), 'test');
    assert.equal(classifyKind(parseIntent('Explain setup'), [file('docs/setup.md')], false), 'docs');
    assert.equal(classifyKind(parseIntent('Bump lodash to 4.17.21'), [file('package-lock.json')], false), 'chore');
    assert.equal(classifyKind(parseIntent('Implement CSV export'), [file('src/csv.ts')], false), 'feature');
    // The leading verb wins over words further on.
    assert.equal(classifyKind(parseIntent('Add tests and docs for the parser'), [file('src/p.ts')], false), 'feature');
    assert.equal(classifyKind(parseIntent('Rename the fix helper'), [file('src/p.ts')], false), 'refactor');
    assert.equal(classifyKind(parseIntent('Map symbols while history streams; reuse the cached version'), [file('src/p.ts')], false), 'feature');
  });

  it('categorizes paths', () => {
    assert.equal(categorizePath('src/foo_test.go'), 'test');
    assert.equal(categorizePath('tests/test_api.py'), 'test');
    assert.equal(categorizePath('src/test/java/com/x/FooTest.java'), 'test');
    assert.equal(categorizePath('node_modules/x/index.js'), 'vendored');
    assert.equal(categorizePath('api/service.pb.go'), 'generated');
    assert.equal(categorizePath('Cargo.lock'), 'lock');
    assert.equal(categorizePath('img/a.PNG'), 'binary');
    assert.equal(categorizePath('README.md'), 'docs');
    assert.equal(categorizePath('.github/workflows/ci.yml'), 'config');
    assert.equal(categorizePath('src/main.rs'), 'source');
  });
});
