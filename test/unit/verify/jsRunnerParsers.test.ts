import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseJest } from '../../../src/core/verify/parsers/jest.ts';
import { parseMocha } from '../../../src/core/verify/parsers/mocha.ts';
import { parseVitest } from '../../../src/core/verify/parsers/vitest.ts';

const cwd = '/home/dev/proj';

// Jest 29, default reporter, two failing suites; the failure repeats under the summary.
const JEST = ` FAIL  src/sum.test.js
  Math
    ✓ adds small numbers (2 ms)
    ✕ adds numbers (4 ms)

  ● Math › adds numbers

    expect(received).toBe(expected) // Object.is equality

    Expected: 4
    Received: 3

      3 | describe('Math', () => {
      4 |   test('adds numbers', () => {
    > 5 |     expect(sum(1, 2)).toBe(4);
        |                       ^
      6 |   });
      7 | });
      8 |

      at Object.toBe (src/sum.test.js:5:23)

  ● Console

    console.log
      debugging output

      at Object.log (src/sum.test.js:9:13)

 PASS  src/other.test.js
 FAIL  src/broken.test.js (5.123 s)
  ● Test suite failed to run

    Cannot find module './missing' from 'src/broken.test.js'

    > 1 | const missing = require('./missing');
        |                 ^

      at Resolver._throwModNotFoundError (node_modules/jest-resolve/build/resolver.js:427:11)
      at Object.<anonymous> (src/broken.test.js:1:17)

Summary of all failing tests
 FAIL  src/sum.test.js
  ● Math › adds numbers

    expect(received).toBe(expected) // Object.is equality

    Expected: 4
    Received: 3

      at Object.toBe (src/sum.test.js:5:23)

Test Suites: 2 failed, 1 passed, 3 total
Tests:       1 failed, 1 passed, 2 total
Snapshots:   0 total
Time:        0.512 s
Ran all test suites.
`;

// Vitest 2, default reporter.
const VITEST = ` ❯ test/sum.test.ts (2 tests | 1 failed) 6ms
   × Math > adds numbers 4ms
     → expected 3 to be 4 // Object.is equality

⎯⎯⎯⎯⎯⎯ Failed Suites 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  test/broken.test.ts [ test/broken.test.ts ]
Error: Failed to load url ./missing (resolved id: ./missing) in /home/dev/proj/test/broken.test.ts. Does the file exist?
 ❯ loadAndTransform node_modules/vite/dist/node/chunks/dep-CDnG8rE7.js:51968:17

⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯[1/2]⎯

⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯

 FAIL  test/sum.test.ts > Math > adds numbers
AssertionError: expected 3 to be 4 // Object.is equality

- Expected
+ Received

- 4
+ 3

 ❯ test/sum.test.ts:5:23
      3| describe('Math', () => {
      4|   it('adds numbers', () => {
      5|     expect(sum(1, 2)).toBe(4);
       |                       ^
      6|   });
      7| });

⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯[2/2]⎯

 Test Files  2 failed (2)
      Tests  1 failed | 1 passed (2)
   Start at  10:42:01
   Duration  312ms (transform 21ms, setup 0ms, collect 15ms, tests 6ms, environment 0ms, prepare 61ms)
`;

// Mocha 10, spec reporter: a nested failure with a diff, and one thrown from library code.
const MOCHA = `

  Math
    ✔ adds
    1) subtracts
    nested
      2) divides


  1 passing (6ms)
  2 failing

  1) Math
       subtracts:

      AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

2 !== 1

      + expected - actual

      -2
      +1
      
      at Context.<anonymous> (test/math.test.js:9:12)
      at process.processImmediate (node:internal/timers:478:21)

  2) Math
       nested
         divides:
     Error: division by zero
      at divide (/home/dev/proj/lib/math.js:4:11)
      at Context.<anonymous> (/home/dev/proj/test/math.test.js:15:5)
      at process.processImmediate (node:internal/timers:478:21)



`;

describe('parseJest', () => {
  const failures = parseJest(JEST, { cwd });

  it('reads each ● block, skipping console output', () => {
    assert.deepEqual(
      failures.map((failure) => failure.testName),
      ['Math › adds numbers', undefined, 'Math › adds numbers'],
    );
  });

  it('gives the message up to the code frame, and the failing line', () => {
    const adds = failures[0]!;
    assert.equal(adds.file, 'src/sum.test.js');
    assert.equal(adds.line, 5);
    assert.equal(adds.column, 23);
    assert.equal(adds.message, 'expect(received).toBe(expected) // Object.is equality\n\nExpected: 4\nReceived: 3');
  });

  it('reports a suite that failed to run against its file', () => {
    const broken = failures[1]!;
    assert.equal(broken.file, 'src/broken.test.js');
    assert.equal(broken.line, 1);
    assert.match(broken.message, /^Cannot find module '\.\/missing'/);
  });
});

describe('parseVitest', () => {
  const failures = parseVitest(VITEST, { cwd });

  it('reads the Failed Suites and Failed Tests sections, not the run list', () => {
    assert.equal(failures.length, 2);
    assert.equal(failures[0]!.testName, undefined);
    assert.equal(failures[0]!.file, 'test/broken.test.ts');
    assert.equal(failures[0]!.line, undefined, 'the only frame is in node_modules');
    assert.match(failures[0]!.message, /^Error: Failed to load url \.\/missing/);
  });

  it('gives the test path, message and location', () => {
    const adds = failures[1]!;
    assert.equal(adds.testName, 'Math > adds numbers');
    assert.equal(adds.file, 'test/sum.test.ts');
    assert.equal(adds.line, 5);
    assert.equal(adds.column, 23);
    assert.equal(adds.message, 'AssertionError: expected 3 to be 4 // Object.is equality');
  });

  it('leaves Jest output alone', () => {
    assert.deepEqual(parseVitest(JEST, { cwd }), []);
  });
});

describe('parseMocha', () => {
  const failures = parseMocha(MOCHA, { cwd });

  it('joins multi-line titles into the full title', () => {
    assert.deepEqual(
      failures.map((failure) => failure.testName),
      ['Math subtracts', 'Math nested divides'],
    );
  });

  it('stops the message at the diff and finds the first project frame', () => {
    const [subtracts, divides] = failures;
    assert.equal(subtracts!.message, 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n2 !== 1');
    assert.equal(subtracts!.file, 'test/math.test.js');
    assert.equal(subtracts!.line, 9);
    assert.equal(divides!.message, 'Error: division by zero');
    assert.equal(divides!.file, 'lib/math.js');
    assert.equal(divides!.line, 4);
    assert.match(divides!.stackExcerpt ?? '', /test\/math\.test\.js:15:5/);
  });

  it('needs the "N failing" section', () => {
    assert.deepEqual(parseMocha('  1) something:\n     Error: x\n', { cwd }), []);
  });
});
