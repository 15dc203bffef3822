import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { pathFilter } from '../../../src/core/sandbox/tools/pathFilter.ts';

const FILES = ['README.md', 'src/app.ts', 'src/math.js', 'src/app.test.ts', 'src/lib/util.ts', 'src/lib/util.js', 'docs/guide.md', 'srcx/other.ts'];

function pick(pattern: string | undefined): string[] {
  return FILES.filter(pathFilter(pattern));
}

describe('pathFilter', () => {
  it('takes everything when no path is given', () => {
    assert.deepEqual(pick(undefined), FILES);
    assert.deepEqual(pick('.'), FILES);
    assert.deepEqual(pick('./'), FILES);
  });

  it('treats a plain path as a folder or file prefix on whole segments', () => {
    assert.deepEqual(pick('src'), ['src/app.ts', 'src/math.js', 'src/app.test.ts', 'src/lib/util.ts', 'src/lib/util.js']);
    assert.deepEqual(pick('./src/lib/'), ['src/lib/util.ts', 'src/lib/util.js']);
    assert.deepEqual(pick('src/app.ts'), ['src/app.ts']);
  });

  it('matches globs: ** crosses folders, * does not, a bare name glob matches at any depth', () => {
    assert.deepEqual(pick('src/*.ts'), ['src/app.ts', 'src/app.test.ts']);
    assert.deepEqual(pick('src/**/*.ts'), ['src/app.ts', 'src/app.test.ts', 'src/lib/util.ts']);
    assert.deepEqual(pick('*.md'), ['README.md', 'docs/guide.md']);
    assert.deepEqual(pick('src/**/*.js'), ['src/math.js', 'src/lib/util.js']);
    assert.deepEqual(pick('**/*.{js,md}'), ['README.md', 'src/math.js', 'src/lib/util.js', 'docs/guide.md']);
    assert.deepEqual(pick('src/lib/util.[jt]s'), ['src/lib/util.ts', 'src/lib/util.js']);
    assert.deepEqual(pick('*.test.?s'), ['src/app.test.ts']);
  });

  it('answers a glob that cannot be compiled with bad-input, which the tool loop shows the model', () => {
    assert.throws(() => pathFilter('src/[z-a]*.ts'), (error: unknown) => CoevolveError.is(error, 'bad-input'));
    assert.throws(() => pathFilter('src/{a,b'), (error: unknown) => CoevolveError.is(error, 'bad-input'));
  });
});
