import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRecipe, runnerInvocation } from '../../../src/core/verify/testFiles/testScript.ts';

// koa's Makefile from 2015: the runner's options live in variables, some chosen in ifeq blocks.
const KOA_2015 = [
  'SRC = lib/*.js',
  '',
  'include node_modules/make-lint/index.mk',
  '',
  'BIN = iojs',
  '',
  'ifeq ($(findstring io.js, $(shell which node)),)',
  '\tBIN = node',
  'endif',
  '',
  'ifeq (node, $(BIN))',
  '\tFLAGS = --harmony-generators',
  'endif',
  '',
  'REQUIRED = --require should --require should-http',
  '',
  'TESTS = test/application \\',
  '\ttest/context/* \\',
  '\ttest/request/*',
  '',
  'test:',
  '\t@NODE_ENV=test $(BIN) $(FLAGS) \\',
  '\t\t./node_modules/.bin/_mocha \\',
  '\t\t$(REQUIRED) \\',
  '\t\t$(TESTS) \\',
  '\t\t--bail',
  '',
  'test-cov:',
  '\t@NODE_ENV=test $(BIN) $(FLAGS) ./node_modules/.bin/istanbul cover ./node_modules/.bin/_mocha -- $(REQUIRED) $(TESTS)',
  '',
  '.PHONY: test bench',
].join('\n');

const MOCHA = { withValue: new Set(['--require', '-r', '--timeout', '-t']), flags: new Set(['--check-leaks']) };

describe('the test command behind a test script', () => {
  it('reads a Makefile target\u2019s recipe with its variables filled in', () => {
    assert.equal(
      makeRecipe(KOA_2015, 'test'),
      'NODE_ENV=test node --harmony-generators ./node_modules/.bin/_mocha --require should --require should-http test/application test/context/* test/request/* --bail',
    );
    assert.equal(makeRecipe(KOA_2015, 'bench'), undefined);
    assert.equal(makeRecipe('all:\n\techo hi\n', 'test'), undefined);
  });

  it('keeps the runner\u2019s options and environment, drops files and flags of old interpreters', () => {
    const recipe = makeRecipe(KOA_2015, 'test')!;
    assert.deepEqual(runnerInvocation(recipe, /^_?mocha$/, MOCHA), { env: ['NODE_ENV=test'], args: ['--require', 'should', '--require', 'should-http'] });
    assert.deepEqual(runnerInvocation('mocha --require=test/support/env --check-leaks --reporter spec test/', /^_?mocha$/, MOCHA), { env: [], args: ['--require=test/support/env', '--check-leaks'] });
    assert.deepEqual(runnerInvocation('npm run lint && mocha -r should -t 5000', /^_?mocha$/, MOCHA), { env: [], args: ['-r', 'should', '-t', '5000'] });
    assert.equal(runnerInvocation('jest --forceExit', /^_?mocha$/, MOCHA), undefined);
  });
});
