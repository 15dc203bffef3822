import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCargoTest } from '../../../src/core/verify/parsers/cargoTest.ts';
import { parseEslint } from '../../../src/core/verify/parsers/eslint.ts';
import { parseGoTest } from '../../../src/core/verify/parsers/goTest.ts';
import { parsePytest } from '../../../src/core/verify/parsers/pytest.ts';
import { parseTsc } from '../../../src/core/verify/parsers/tsc.ts';

const cwd = '/home/dev/proj';

// pytest 9, default options, with a captured-log line that must not read as a summary entry.
const PYTEST = `============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.0.3, pluggy-1.6.0
rootdir: /home/dev/proj
collected 5 items

tests/test_sample.py FFF.E                                               [100%]

==================================== ERRORS ====================================
_________________________ ERROR at setup of test_db ___________________________

    @pytest.fixture
    def db():
>       raise RuntimeError("no database")
E       RuntimeError: no database

tests/test_sample.py:20: RuntimeError
=================================== FAILURES ===================================
_________________________________ test_answer __________________________________

    def test_answer():
>       assert inc(3) == 5
E       assert 4 == 5
E        +  where 4 = inc(3)

tests/test_sample.py:7: AssertionError
------------------------------ Captured log call -------------------------------
ERROR    root:test_sample.py:6 something logged
____________________________ TestThing.test_method _____________________________

self = <test_sample.TestThing object at 0x7f71d4e3c890>

    def test_method(self):
>       helper()

tests/test_sample.py:11: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

    def helper():
>       raise ValueError("bad value")
E       ValueError: bad value

src/lib.py:3: ValueError
_______________________________ test_param[1-2] ________________________________

a = 1, b = 2

    @pytest.mark.parametrize("a,b", [(1, 2), (2, 2)])
    def test_param(a, b):
>       assert a == b
E       assert 1 == 2

tests/test_sample.py:15: AssertionError
=========================== short test summary info ============================
FAILED tests/test_sample.py::test_answer - assert 4 == 5
FAILED tests/test_sample.py::TestThing::test_method - ValueError: bad value
FAILED tests/test_sample.py::test_param[1-2] - assert 1 == 2
ERROR tests/test_sample.py::test_db - RuntimeError: no database
==================== 3 failed, 1 passed, 1 error in 0.69s =====================
`;

// go test ./... : a failure, a failing subtest, a panic, and a package that does not build.
const GO = `--- FAIL: TestAdd (0.00s)
    calc_test.go:12: Add(2, 2) = 5; want 4
--- FAIL: TestTable (0.00s)
    --- FAIL: TestTable/negative (0.00s)
        calc_test.go:27: Add(-1, -1) = 0; want -2
            (inputs from table row 3)
--- FAIL: TestPanics (0.00s)
panic: runtime error: index out of range [5] with length 3 [recovered]
	panic: runtime error: index out of range [5] with length 3

goroutine 8 [running]:
testing.tRunner.func1.2({0x5123a0, 0xc000018150})
	/usr/local/go/src/testing/testing.go:1631 +0x24a
panic({0x5123a0?, 0xc000018150?})
	/usr/local/go/src/runtime/panic.go:770 +0x132
example.com/calc.TestPanics(0xc0000a6b60?)
	/home/dev/proj/calc_test.go:35 +0x1d
testing.tRunner(0xc0000a6b60, 0x54f5d8)
	/usr/local/go/src/testing/testing.go:1689 +0xfb
exit status 2
FAIL	example.com/calc	0.004s
# example.com/calc/parse [example.com/calc/parse.test]
parse/parse.go:5:9: undefined: y
FAIL	example.com/calc/parse [build failed]
ok  	example.com/calc/format	0.002s
FAIL
`;

// cargo test on Rust 1.95 (thread ids in the panic line), plus the pre-1.73 panic form.
const CARGO = `   Compiling rs v0.1.0 (/home/dev/proj)
    Finished \`test\` profile [unoptimized + debuginfo] target(s) in 0.76s
     Running unittests src/lib.rs (target/debug/deps/rs-a35a48c092d3f767)

running 3 tests
test tests::it_fails ... FAILED
test tests::it_panics ... FAILED
test tests::it_works ... ok

failures:

---- tests::it_fails stdout ----

thread 'tests::it_fails' (28545) panicked at src/lib.rs:16:9:
assertion \`left == right\` failed
  left: 4
 right: 5
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace

---- tests::it_panics stdout ----
thread 'tests::it_panics' panicked at 'something went wrong', src/lib.rs:21:9
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace


failures:
    tests::it_fails
    tests::it_panics

test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.16s

error: test failed, to rerun pass \`--lib\`
`;

const CARGO_COMPILE = `   Compiling rs v0.1.0 (/home/dev/proj)
error[E0277]: cannot add \`&str\` to \`u64\`
 --> src/lib.rs:2:7
  |
2 |     a + "x"
  |       ^ no implementation for \`u64 + &str\`
  |
  = help: the trait \`Add<&str>\` is not implemented for \`u64\`

For more information about this error, try \`rustc --explain E0277\`.
error: could not compile \`rs\` (lib) due to 1 previous error
`;

describe('parsePytest', () => {
  const failures = parsePytest(PYTEST, { cwd });

  it('reads the short summary, by node id, and not captured log lines', () => {
    assert.deepEqual(
      failures.map((failure) => failure.testName),
      ['tests/test_sample.py::test_answer', 'tests/test_sample.py::TestThing::test_method', 'tests/test_sample.py::test_param[1-2]', 'tests/test_sample.py::test_db'],
    );
  });

  it('takes the line in the test file from the matching section', () => {
    const [answer, method, param, db] = failures;
    assert.deepEqual([answer!.file, answer!.line, answer!.message], ['tests/test_sample.py', 7, 'assert 4 == 5']);
    // Raised in src/lib.py; the test file's own frame is line 11.
    assert.deepEqual([method!.file, method!.line, method!.message], ['tests/test_sample.py', 11, 'ValueError: bad value']);
    assert.match(method!.stackExcerpt ?? '', /src\/lib\.py:3: ValueError/);
    assert.equal(param!.line, 15);
    assert.deepEqual([db!.line, db!.message], [20, 'RuntimeError: no database']);
  });

  it('falls back to the sections when there is no summary', () => {
    const sectionsOnly = parsePytest(PYTEST.slice(0, PYTEST.indexOf('=== short test summary')), { cwd });
    const answer = sectionsOnly.find((failure) => failure.testName === 'test_answer');
    assert.deepEqual([answer?.file, answer?.line, answer?.message], ['tests/test_sample.py', 7, 'assert 4 == 5\n +  where 4 = inc(3)']);
    assert.equal(sectionsOnly.length, 4);
  });
});

describe('parseGoTest', () => {
  const failures = parseGoTest(GO, { cwd });

  it('reports failing tests and subtests, not parents that only failed through a subtest', () => {
    assert.deepEqual(
      failures.map((failure) => failure.testName),
      ['TestAdd', 'TestTable/negative', 'TestPanics', undefined],
    );
  });

  it('reads t.Error lines with their continuation', () => {
    assert.deepEqual([failures[0]!.file, failures[0]!.line, failures[0]!.message], ['calc_test.go', 12, 'Add(2, 2) = 5; want 4']);
    assert.deepEqual([failures[1]!.line, failures[1]!.message], [27, 'Add(-1, -1) = 0; want -2\n(inputs from table row 3)']);
  });

  it('reads a panic and its first frame outside runtime and testing', () => {
    const panic = failures[2]!;
    assert.equal(panic.message, 'panic: runtime error: index out of range [5] with length 3');
    assert.deepEqual([panic.file, panic.line], ['calc_test.go', 35]);
  });

  it('reads build errors', () => {
    assert.deepEqual(failures[3], { file: 'parse/parse.go', line: 5, column: 9, message: 'undefined: y' });
  });
});

describe('parseCargoTest', () => {
  it('reads panics in both the current and the pre-1.73 form', () => {
    const failures = parseCargoTest(CARGO, { cwd });
    assert.deepEqual(failures, [
      { testName: 'tests::it_fails', file: 'src/lib.rs', line: 16, column: 9, message: 'assertion `left == right` failed\n  left: 4\n right: 5' },
      { testName: 'tests::it_panics', file: 'src/lib.rs', line: 21, column: 9, message: 'something went wrong' },
    ]);
  });

  it('reads compile errors with their location', () => {
    assert.deepEqual(parseCargoTest(CARGO_COMPILE, { cwd }), [{ file: 'src/lib.rs', line: 2, column: 7, message: 'error[E0277]: cannot add `&str` to `u64`' }]);
  });
});

describe('parseTsc', () => {
  it('reads the plain form with message chains', () => {
    const output = `src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.
src/b.ts(3,12): error TS2345: Argument of type '{ id: string; }' is not assignable to parameter of type 'User'.
  Property 'name' is missing in type '{ id: string; }' but required in type 'User'.
error TS5083: Cannot read file '/home/dev/proj/tsconfig.base.json'.
`;
    assert.deepEqual(parseTsc(output, { cwd }), [
      { file: 'src/a.ts', line: 1, column: 7, message: "TS2322: Type 'string' is not assignable to type 'number'." },
      { file: 'src/b.ts', line: 3, column: 12, message: "TS2345: Argument of type '{ id: string; }' is not assignable to parameter of type 'User'.\nProperty 'name' is missing in type '{ id: string; }' but required in type 'User'." },
      { message: "TS5083: Cannot read file '/home/dev/proj/tsconfig.base.json'." },
    ]);
  });

  it('reads the pretty form, leaving the code frame out', () => {
    const output = `src/a.ts:1:7 - error TS2322: Type 'string' is not assignable to type 'number'.

1 const n: number = 'str';
        ~

/home/dev/proj/src/c.ts:3:12 - error TS2339: Property 'foo' does not exist on type 'string'.

3   return x.foo;
             ~~~


Found 2 errors in 2 files.
`;
    assert.deepEqual(parseTsc(output, { cwd }), [
      { file: 'src/a.ts', line: 1, column: 7, message: "TS2322: Type 'string' is not assignable to type 'number'." },
      { file: 'src/c.ts', line: 3, column: 12, message: "TS2339: Property 'foo' does not exist on type 'string'." },
    ]);
  });
});

describe('parseEslint', () => {
  it('reads stylish output: errors only when there are errors', () => {
    const output = `
/home/dev/proj/src/b.js
  1:5  error    'a' is assigned a value but never used        no-unused-vars
  1:5  warning  'a' is never reassigned. Use 'const' instead  prefer-const
  3:1  error    'foo' is not defined                          no-undef

/home/dev/proj/src/c.ts
  2:10  error  Parsing error: Unexpected token

✖ 4 problems (3 errors, 1 warning)
  0 errors and 1 warning potentially fixable with the \`--fix\` option.
`;
    assert.deepEqual(parseEslint(output, { cwd }), [
      { file: 'src/b.js', line: 1, column: 5, message: "'a' is assigned a value but never used (no-unused-vars)" },
      { file: 'src/b.js', line: 3, column: 1, message: "'foo' is not defined (no-undef)" },
      { file: 'src/c.ts', line: 2, column: 10, message: 'Parsing error: Unexpected token' },
    ]);
  });

  it('reads warnings when they are all there is (--max-warnings), and scoped rule ids', () => {
    const output = `
/home/dev/proj/src/d.ts
  4:7  warning  'x' is defined but never used  @typescript-eslint/no-unused-vars

✖ 1 problem (0 errors, 1 warning)

ESLint found too many warnings (maximum: 0).
`;
    assert.deepEqual(parseEslint(output, { cwd }), [{ file: 'src/d.ts', line: 4, column: 7, message: "'x' is defined but never used (@typescript-eslint/no-unused-vars)" }]);
  });

  it('reads the unix format', () => {
    const output = `/home/dev/proj/src/b.js:1:5: 'a' is assigned a value but never used [Error/no-unused-vars]
/home/dev/proj/src/b.js:2:1: Unexpected console statement [Warning/no-console]

2 problems
`;
    assert.deepEqual(parseEslint(output, { cwd }), [{ file: 'src/b.js', line: 1, column: 5, message: "'a' is assigned a value but never used (no-unused-vars)" }]);
  });
});
