import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFailures, parseKnownFailures } from '../../../src/core/verify/parsers/parseFailures.ts';

const cwd = '/home/dev/proj';

describe('parseFailures', () => {
  it('reads every tool in a chained script (tsc, then eslint)', () => {
    const output = `
> proj@1.0.0 check
> tsc --noEmit && eslint .

src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.

/home/dev/proj/src/b.js
  3:1  error  'foo' is not defined  no-undef

✖ 1 problem (1 error, 0 warnings)
`;
    const failures = parseFailures(output, { cwd });
    assert.deepEqual(
      failures.map((failure) => `${failure.file}:${failure.line}`),
      ['src/a.ts:1', 'src/b.js:3'],
    );
  });

  it('de-duplicates failures that a tool prints twice (Jest\u2019s summary)', () => {
    const block = `  ● Math › adds

    expect(received).toBe(expected)

      at Object.toBe (src/sum.test.js:5:23)
`;
    const output = ` FAIL  src/sum.test.js\n${block}\nSummary of all failing tests\n FAIL  src/sum.test.js\n${block}\nTest Suites: 1 failed, 1 total\n`;
    assert.equal(parseFailures(output, { cwd }).length, 1);
  });

  it('returns one unparsed failure with the output tail when nothing parses', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const [failure, ...rest] = parseFailures(`${lines.join('\n')}\nmake: *** [check] Error 1\n`, { cwd });
    assert.equal(rest.length, 0);
    assert.equal(failure!.unparsed, true);
    assert.match(failure!.message, /make: \*\*\* \[check\] Error 1$/);
    assert.doesNotMatch(failure!.message, /line 10\n/, 'only the tail');
    assert.deepEqual(parseKnownFailures('all good\n', { cwd }), []);
  });

  it('says so when a failing check printed nothing', () => {
    assert.equal(parseFailures('', { cwd })[0]!.message, 'The check failed without printing anything.');
  });
});
