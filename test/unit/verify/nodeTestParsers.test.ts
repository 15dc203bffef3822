import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodeSpec } from '../../../src/core/verify/parsers/nodeSpec.ts';
import { parseNodeTap } from '../../../src/core/verify/parsers/nodeTap.ts';

const cwd = '/home/dev/proj';

// Node 20's TAP reporter (the default when stdout is a pipe): a suite with one failing test, a
// file that failed to load, and a failing subtest inside a test.
const TAP = `TAP version 13
# Subtest: math
    # Subtest: adds
    ok 1 - adds
      ---
      duration_ms: 0.615576
      ...
    # Subtest: subtracts
    not ok 2 - subtracts
      ---
      duration_ms: 1.03401
      location: '/home/dev/proj/test/math.test.js:7:3'
      failureType: 'testCodeFailure'
      error: |-
        Expected values to be strictly equal:
        
        2 !== 1
        
      code: 'ERR_ASSERTION'
      name: 'AssertionError'
      expected: 1
      actual: 2
      operator: 'strictEqual'
      stack: |-
        TestContext.<anonymous> (/home/dev/proj/test/math.test.js:8:12)
        Test.runInAsyncScope (node:async_hooks:206:9)
        Test.run (node:internal/test_runner/test:796:25)
        async Suite.run (node:internal/test_runner/test:1135:7)
      ...
    1..2
not ok 1 - math
  ---
  duration_ms: 2.566903
  type: 'suite'
  location: '/home/dev/proj/test/math.test.js:3:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  code: 'ERR_TEST_FAILURE'
  ...
# /home/dev/proj/test/broken.test.js:1
# syntax error here(
#        ^^^^^
# SyntaxError: Unexpected identifier 'error'
#     at wrapSafe (node:internal/modules/cjs/loader:1464:18)
# Node.js v20.20.2
# Subtest: /home/dev/proj/test/broken.test.js
not ok 2 - /home/dev/proj/test/broken.test.js
  ---
  duration_ms: 70.600076
  location: '/home/dev/proj/test/broken.test.js:1:1'
  failureType: 'testCodeFailure'
  exitCode: 1
  signal: ~
  error: 'test failed'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: outer
    # Subtest: inner
    not ok 1 - inner
      ---
      duration_ms: 1.15477
      location: '/home/dev/proj/test/outer.test.mjs:2:38'
      failureType: 'testCodeFailure'
      error: "it's broken"
      code: 'ERR_TEST_FAILURE'
      name: 'TypeError'
      stack: |-
        assertShape (file:///home/dev/proj/lib/shape.mjs:4:9)
        TestContext.<anonymous> (file:///home/dev/proj/test/outer.test.mjs:2:66)
        Test.runInAsyncScope (node:async_hooks:206:9)
      ...
    1..1
not ok 3 - outer
  ---
  duration_ms: 2.340486
  location: '/home/dev/proj/test/outer.test.mjs:2:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: skipped one
ok 4 - skipped one # SKIP
  ---
  duration_ms: 0.1
  ...
1..4
# tests 5
# suites 1
# pass 1
# fail 3
# cancelled 0
# skipped 1
# todo 0
# duration_ms 268.435617
`;

// The spec reporter (a terminal, or Node 23+), with the `✖ failing tests:` summary.
const SPEC = `▶ math
  ✔ adds (0.650649ms)
  ✖ subtracts (0.986279ms)
    AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
    
    2 !== 1
    
        at TestContext.<anonymous> (/home/dev/proj/test/math.test.js:8:12)
        at Test.runInAsyncScope (node:async_hooks:206:9)
        at async Suite.run (node:internal/test_runner/test:1135:7) {
      generatedMessage: true,
      code: 'ERR_ASSERTION',
      actual: 2,
      expected: 1,
      operator: 'strictEqual'
    }

✖ math (2.799318ms)
/home/dev/proj/test/broken.test.js:1
syntax error here(
       ^^^^^

SyntaxError: Unexpected identifier 'error'

Node.js v20.20.2
✖ /home/dev/proj/test/broken.test.js (77.964523ms)
  'test failed'

▶ outer
  ✖ inner (0.761865ms)
    TypeError [Error]: it's broken
        at assertShape (file:///home/dev/proj/lib/shape.mjs:4:9)
        at TestContext.<anonymous> (file:///home/dev/proj/test/outer.test.mjs:2:66)

✖ outer (1.555536ms)
ℹ tests 4
ℹ suites 1
ℹ pass 1
ℹ fail 3
ℹ cancelled 0
ℹ skipped 0
ℹ todo 0
ℹ duration_ms 273.218614

✖ failing tests:

test at test/math.test.js:7:3
✖ subtracts (0.986279ms)
  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
  
  2 !== 1
  
      at TestContext.<anonymous> (/home/dev/proj/test/math.test.js:8:12)

test at test/broken.test.js:1:1
✖ /home/dev/proj/test/broken.test.js (77.964523ms)
  'test failed'

test at test/outer.test.mjs:2:38
✖ inner (0.761865ms)
  TypeError [Error]: it's broken
      at assertShape (file:///home/dev/proj/lib/shape.mjs:4:9)
      at TestContext.<anonymous> (file:///home/dev/proj/test/outer.test.mjs:2:66)
`;

describe('parseNodeTap', () => {
  const failures = parseNodeTap(TAP, { cwd });

  it('reports failing tests, not the suites and parents that fail because of them, nor skips', () => {
    assert.deepEqual(
      failures.map((failure) => failure.testName),
      ['math > subtracts', 'test/broken.test.js', 'outer > inner'],
    );
  });

  it('takes the file from location and the line from the stack frame in that file', () => {
    const [subtracts] = failures;
    assert.equal(subtracts!.file, 'test/math.test.js');
    assert.equal(subtracts!.line, 8);
    assert.equal(subtracts!.column, 12);
    assert.equal(subtracts!.message, 'AssertionError: Expected values to be strictly equal:\n\n2 !== 1');
    assert.match(subtracts!.stackExcerpt ?? '', /math\.test\.js:8:12/);
    assert.doesNotMatch(subtracts!.stackExcerpt ?? '', /node:/);
  });

  it('reads the load error of a file that crashed from the diagnostics before it', () => {
    const broken = failures[1]!;
    assert.equal(broken.message, "SyntaxError: Unexpected identifier 'error'");
    assert.equal(broken.file, 'test/broken.test.js');
    assert.equal(broken.line, 1);
  });

  it('keeps the test file when the error was thrown in a helper, and unquotes double-quoted errors', () => {
    const inner = failures[2]!;
    assert.equal(inner.message, "TypeError: it's broken");
    assert.equal(inner.file, 'test/outer.test.mjs');
    assert.equal(inner.line, 2);
    assert.equal(inner.column, 66);
  });

  it('returns nothing for output that is not TAP', () => {
    assert.deepEqual(parseNodeTap(SPEC, { cwd }), []);
  });
});

describe('parseNodeSpec', () => {
  const failures = parseNodeSpec(SPEC, { cwd });

  it('reports each failing test once, with its suite path', () => {
    assert.deepEqual(
      failures.map((failure) => failure.testName),
      ['math > subtracts', 'test/broken.test.js', 'outer > inner'],
    );
  });

  it('finds the failing line and the message', () => {
    const subtracts = failures[0]!;
    assert.equal(subtracts.file, 'test/math.test.js');
    assert.equal(subtracts.line, 8);
    assert.equal(subtracts.column, 12);
    assert.equal(subtracts.message, 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n2 !== 1');
  });

  it('uses the crash output for a file that failed to load', () => {
    const broken = failures[1]!;
    assert.equal(broken.message, "SyntaxError: Unexpected identifier 'error'");
    assert.equal(broken.file, 'test/broken.test.js');
    assert.equal(broken.line, 1);
  });

  it('prefers the declaring test file from the summary over a helper frame', () => {
    const inner = failures[2]!;
    assert.equal(inner.file, 'test/outer.test.mjs');
    assert.equal(inner.line, 2);
    assert.equal(inner.column, 66);
    assert.match(inner.stackExcerpt ?? '', /lib\/shape\.mjs:4:9/);
  });

  it('works without the summary (older Node 20 releases)', () => {
    const tree = parseNodeSpec(SPEC.slice(0, SPEC.indexOf('✖ failing tests:')), { cwd });
    assert.equal(tree.length, 3);
    // Without the declaration, the first project frame is all there is.
    assert.equal(tree[2]!.file, 'lib/shape.mjs');
  });

  it('ignores other tools that print ✖ lines', () => {
    assert.deepEqual(parseNodeSpec('✖ 4 problems (3 errors, 1 warning)\n  0 errors and 1 warning potentially fixable\n', { cwd }), []);
  });
});
