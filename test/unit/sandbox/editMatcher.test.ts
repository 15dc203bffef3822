import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from '../../../src/core/sandbox/tools/editMatcher.ts';
import type { EditOutcome, SearchReplace } from '../../../src/core/sandbox/tools/editMatcher.ts';

const SOURCE = `export class Counter {
  private count = 0;

  increment(): number {
    this.count += 1;
    return this.count;
  }

  reset(): void {
    this.count = 0;
  }
}
`;

function ok(outcome: EditOutcome): { text: string; matches: string[] } {
  if (!outcome.ok) assert.fail(`expected success, got: ${outcome.error}`);
  return outcome;
}

function failure(outcome: EditOutcome): string {
  if (outcome.ok) assert.fail(`expected a failure, got:\n${outcome.text}`);
  return outcome.error;
}

function edit(text: string, ...edits: SearchReplace[]): EditOutcome {
  return applyEdits(text, edits);
}

describe('applyEdits', () => {
  it('replaces an exact, unique match', () => {
    const result = ok(edit(SOURCE, { search: '    this.count += 1;\n', replace: '    this.count += 2;\n' }));
    assert.equal(result.text, SOURCE.replace('+= 1', '+= 2'));
    assert.deepEqual(result.matches, ['exact']);
  });

  it('refuses a search that matches several places, saying how many and where', () => {
    const error = failure(edit(SOURCE, { search: 'this.count', replace: 'this.total' }));
    assert.match(error, /matches 3 places, starting at lines 5, 6, 10\./);
    assert.match(error, /unchanged/);
  });

  it('counts overlapping occurrences as separate places', () => {
    assert.match(failure(edit('aaa\n', { search: 'aa', replace: 'b' })), /matches 2 places/);
  });

  it('tolerates trailing whitespace differences, keeping the file\'s own context lines', () => {
    const text = 'one  \ntwo\t\nthree\n';
    const result = ok(edit(text, { search: 'one\ntwo\n', replace: 'one\n2\n' }));
    assert.equal(result.text, 'one  \n2\nthree\n');
    assert.deepEqual(result.matches, ['trailing-whitespace']);
  });

  it('matches despite indentation and re-indents the replacement to fit', () => {
    const search = 'reset(): void {\n  this.count = 0;\n}\n';
    const replace = 'reset(): void {\n  this.count = 0;\n  this.resets += 1;\n}\n';
    const result = ok(edit(SOURCE, { search, replace }));
    assert.deepEqual(result.matches, ['indentation']);
    assert.match(result.text, /\n {2}reset\(\): void \{\n {4}this\.count = 0;\n {4}this\.resets \+= 1;\n {2}\}\n\}\n$/);
  });

  it('re-indents a block written too deep', () => {
    const text = 'if (a) {\n  call();\n}\n';
    const result = ok(edit(text, { search: '        call();\n', replace: '        call();\n        if (b) {\n          other();\n        }\n' }));
    assert.equal(result.text, 'if (a) {\n  call();\n  if (b) {\n    other();\n  }\n}\n');
  });

  it('refuses a fuzzy match that is not unique', () => {
    const text = 'a {\n  x();\n}\nb {\n    x();\n}\n';
    assert.match(failure(edit(text, { search: 'x();', replace: 'y();' })), /matches 2 places/);
    const loose = failure(edit('  x();\n\tx();\n', { search: ' x(); \n', replace: 'y();\n' }));
    assert.match(loose, /matches 2 places \(ignoring indentation\)/);
  });

  it('answers a failed search with the closest lines and the first difference', () => {
    const error = failure(
      edit(SOURCE, { search: '  increment(): number {\n    this.count += 5;\n    return this.count;\n', replace: 'x' }),
    );
    assert.match(error, /not found/);
    assert.match(error, /closest part is lines 4-6/);
    assert.match(error, / {3}5\t {4}this\.count \+= 1;/);
    assert.match(error, /line 2 of your search is\n {2}" {4}this\.count \+= 5;"\nwhere line 5 of the file is\n {2}" {4}this\.count \+= 1;"/);
  });

  it('finds a near line when no line is shared', () => {
    const error = failure(edit(SOURCE, { search: '    this.cuont += 1;\n', replace: 'x' }));
    assert.match(error, /closest part is lines 5-5/);
  });

  it('says so when nothing resembles the search, and spots pasted line numbers', () => {
    assert.match(failure(edit(SOURCE, { search: 'zzzz qqqq', replace: 'x' })), /No part of the file resembles it/);
    assert.match(failure(edit(SOURCE, { search: '   5\t    this.count += 1;\n   6\t    return this.count;', replace: 'x' })), /line numbers read_file shows/);
  });

  it('applies all blocks or none', () => {
    const error = failure(
      edit(SOURCE, { search: 'private count = 0;', replace: 'private count = 10;' }, { search: 'no such line', replace: 'x' }),
    );
    assert.match(error, /^Edit 2 of 2: /);
    assert.match(error, /None of the edits were applied/);
  });

  it('applies blocks in order, each to the result of the one before', () => {
    const result = ok(edit('a\nb\n', { search: 'a\n', replace: 'c\n' }, { search: 'c\nb\n', replace: 'd\n' }));
    assert.equal(result.text, 'd\n');
  });

  it('keeps a missing final newline missing, and a present one present', () => {
    assert.equal(ok(edit('a\nlast', { search: 'last\n', replace: 'final\n' })).text, 'a\nfinal');
    assert.equal(ok(edit('a\nlast', { search: 'last', replace: 'last\nmore' })).text, 'a\nlast\nmore');
    assert.equal(ok(edit('a\nlast\n', { search: 'last\n', replace: 'final' })).text, 'a\nfinal\n');
  });

  it('fills an empty file from an empty search, and refuses an empty search elsewhere', () => {
    assert.equal(ok(edit('', { search: '', replace: 'hello\n' })).text, 'hello\n');
    assert.match(failure(edit(SOURCE, { search: '', replace: 'x' })), /search text is empty/);
    assert.match(failure(edit(SOURCE, { search: '\n\n', replace: 'x' })), /only blank lines/);
  });

  it('lets blank edge lines of the search go unmatched', () => {
    const result = ok(edit('a\nb\nc\n', { search: '\n\nb\n\n', replace: '\n\nB\n\n' }));
    assert.equal(result.text, 'a\nB\nc\n');
  });

  it('deletes lines with an empty replacement', () => {
    assert.equal(ok(edit('a\nb\nc\n', { search: 'b\n', replace: '' })).text, 'a\nc\n');
  });

  it('edits a whole line written without its indentation as a line', () => {
    assert.equal(ok(edit('a\n  b\nc\n', { search: 'b\n', replace: '' })).text, 'a\nc\n');
    assert.equal(ok(edit('a\n  b\nc\n', { search: 'b\n', replace: 'b\nx\n' })).text, 'a\n  b\n  x\nc\n');
    // Part of a line is still a plain substring edit.
    assert.equal(ok(edit('call(1, 2);\n', { search: '1, 2', replace: '2, 1' })).text, 'call(2, 1);\n');
  });
});
