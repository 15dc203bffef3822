import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../src/core/memory/seededRandom.ts';
import { changedSpan } from '../../../src/core/util/changedSpan.ts';

const apply = (before: string, span: { start: number; end: number; text: string }) => before.slice(0, span.start) + span.text + before.slice(span.end);

describe('changedSpan: the one edit that turns a file into its fixed version', () => {
  it('replaces only the characters that differ', () => {
    const before = 'export const count: number = "3";\n';
    const after = 'export const count: number = 3;\n';
    assert.deepEqual(changedSpan(before, after), { start: 29, end: 32, text: '3' });
  });

  it('is empty for equal texts, and handles insertion and removal at either end', () => {
    assert.deepEqual(changedSpan('same', 'same'), { start: 4, end: 4, text: '' });
    assert.deepEqual(changedSpan('abc', 'xabc'), { start: 0, end: 0, text: 'x' });
    assert.deepEqual(changedSpan('abc', 'abcx'), { start: 3, end: 3, text: 'x' });
    assert.deepEqual(changedSpan('xabc', 'abc'), { start: 0, end: 1, text: '' });
    assert.deepEqual(changedSpan('', 'new'), { start: 0, end: 0, text: 'new' });
    assert.deepEqual(changedSpan('old', ''), { start: 0, end: 3, text: '' });
  });

  it('does not count a repeated run twice (prefix and suffix never overlap)', () => {
    const span = changedSpan('aaaa', 'aaaaaa');
    assert.equal(span.end - span.start + 2, span.text.length);
    assert.equal(apply('aaaa', span), 'aaaaaa');
  });

  it('never splits a surrogate pair or a CRLF', () => {
    // Same high surrogate, different low ones: the whole emoji is replaced.
    const emoji = changedSpan('a😀b', 'a😃b');
    assert.deepEqual(emoji, { start: 1, end: 3, text: '😃' });
    // A line ending changed from CRLF to LF, and the reverse.
    const lf = changedSpan('one\r\ntwo', 'one\ntwo');
    assert.equal(apply('one\r\ntwo', lf), 'one\ntwo');
    assert.ok(lf.start <= 3, 'the CR is inside the replaced span');
    const crlf = changedSpan('x\r\n', 'x\r\r\n');
    assert.equal(apply('x\r\n', crlf), 'x\r\r\n');
    assert.ok(!(crlf.start > 0 && 'x\r\n'[crlf.start - 1] === '\r' && 'x\r\n'[crlf.start] === '\n'));
  });

  it('always reproduces the fixed text (random edits, seeded)', () => {
    const random = seededRandom('changedSpan');
    const alphabet = ['a', 'b', '\n', '\r\n', '😀', 'é', ' '];
    const text = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 2_000; i++) {
      const before = text(Math.floor(random() * 12));
      const cut = Math.floor(random() * (before.length + 1));
      const after = before.slice(0, cut) + text(Math.floor(random() * 4)) + before.slice(cut + Math.floor(random() * 3));
      const span = changedSpan(before, after);
      assert.equal(apply(before, span), after, JSON.stringify({ before, after, span }));
      assert.ok(span.start <= span.end && span.end <= before.length);
      // No lone surrogate at either boundary of what is replaced.
      assert.ok(!/^[\udc00-\udfff]/.test(before.slice(span.start)) && !/^[\udc00-\udfff]/.test(before.slice(span.end)), JSON.stringify({ before, after, span }));
    }
  });
});
