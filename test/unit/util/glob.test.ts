import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { globMatcher, isGlob } from '../../../src/core/util/glob.ts';

function matches(pattern: string, path: string): boolean {
  return globMatcher(pattern)(path);
}

describe('globMatcher (one set of rules for file tools, skill triggers and the Memory tab)', () => {
  it('lets ** cross folders, and match no folder at all', () => {
    // The proposer's own example trigger: it used to need a folder between src/ and the file.
    assert.equal(matches('src/**/*.js', 'src/math.js'), true);
    assert.equal(matches('src/**/*.js', 'src/a/b.js'), true);
    assert.equal(matches('src/**/*.js', 'src/a/b/c.js'), true);
    assert.equal(matches('src/**/*.js', 'srcx/a.js'), false);
    assert.equal(matches('src/**/*.js', 'test/src/a.js'), false);
    assert.equal(matches('db/migrations/**', 'db/migrations/2024/add_col.sql'), true);
    assert.equal(matches('a/**/b', 'a/b'), true);
  });

  it('keeps * and ? within a folder', () => {
    assert.equal(matches('src/*.ts', 'src/a.ts'), true);
    assert.equal(matches('src/*.ts', 'src/core/a.ts'), false);
    assert.equal(matches('src/?.ts', 'src/a.ts'), true);
    assert.equal(matches('src/?.ts', 'src/ab.ts'), false);
  });

  it('matches a pattern without / against file names at any depth, one with / from the root', () => {
    assert.equal(matches('*.test.ts', 'test/unit/a/b.test.ts'), true);
    assert.equal(matches('*.test.ts', 'src/b.ts'), false);
    assert.equal(matches('*.md', 'README.md'), true);
    assert.equal(matches('/*.md', 'README.md'), true);
    assert.equal(matches('/*.md', 'docs/guide.md'), false, 'a leading / anchors to the root');
    assert.equal(matches('docs/*.md', 'site/docs/guide.md'), false);
  });

  it('has classes, braces and extglobs, and takes other parentheses and | literally', () => {
    assert.equal(matches('src/util.[jt]s', 'src/util.js'), true);
    assert.equal(matches('src/[!u]*.ts', 'src/util.ts'), false);
    assert.equal(matches('src/[!u]*.ts', 'src/app.ts'), true);
    assert.equal(matches('**/*.{js,md}', 'README.md'), true);
    assert.equal(matches('**/*.{js,md}', 'src/a.ts'), false);
    assert.equal(matches('src/@(a|b).ts', 'src/b.ts'), true);
    assert.equal(matches('app/(shop)/*.tsx', 'app/(shop)/page.tsx'), true, 'a Next.js route group is a folder name');
    assert.equal(matches('app/(shop)/*.tsx', 'app/shop/page.tsx'), false);
    assert.equal(matches('src/a|b.ts', 'src/a|b.ts'), true);
    assert.equal(matches('src/a|b.ts', 'src/a'), false);
    assert.equal(matches('app/[id]/*.tsx', 'app/[id]/page.tsx'), true, 'a class that is also a folder name');
  });

  it('matches dot files, is case-sensitive, and negates with a leading !', () => {
    assert.equal(matches('*.ts', '.eslintrc.ts'), true);
    assert.equal(matches('**/*.yml', '.github/workflows/ci.yml'), true);
    assert.equal(matches('SRC/*.ts', 'src/a.ts'), false);
    assert.equal(matches('*.MD', 'README.md'), false);
    assert.equal(matches('!*.md', 'src/a.ts'), true);
    assert.equal(matches('!*.md', 'docs/guide.md'), false);
  });

  it('reads backslashes as folder separators and drops a leading ./', () => {
    assert.equal(matches('src\\*.ts', 'src/a.ts'), true);
    assert.equal(matches('./docs/*.md', 'docs/intro.md'), true);
    assert.equal(matches('src/*.ts', 'src\\a.ts'), true);
  });

  it('refuses a pattern that cannot be compiled, rather than matching nothing', () => {
    for (const pattern of ['src/[z-a]*.ts', 'src/{a,b', '', './']) {
      assert.throws(() => globMatcher(pattern), (error: unknown) => CoevolveError.is(error, 'bad-input'), pattern);
    }
  });

  it('tells globs from plain paths', () => {
    for (const glob of ['*.md', 'src/**', 'a?.ts', 'src/[ab].ts', '{a,b}', 'src/@(a|b).ts']) assert.equal(isGlob(glob), true, glob);
    for (const plain of ['src', 'src/app.ts', 'app/(shop)', 'docs/']) assert.equal(isGlob(plain), false, plain);
  });
});
