import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../../src/core/memory/seededRandom.ts';
import { textEdits } from '../../../src/core/util/textEdits.ts';
import type { TextEdit } from '../../../src/core/util/textEdits.ts';

/** Applies edits the way an editor does: every range refers to the text before any of them. */
function apply(before: string, edits: TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const edit of edits) {
    assert.ok(edit.start >= at && edit.end >= edit.start && edit.end <= before.length, `sorted, non-overlapping: ${JSON.stringify(edits)}`);
    out += before.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + before.slice(at);
}

describe('textEdits: a change as one edit per changed run of lines', () => {
  it('keeps the lines between two changed places untouched', () => {
    const before = 'a\nb\nc\nd\ne\n';
    const after = 'A\nb\nc\nd\nE\n';
    const edits = textEdits(before, after);
    assert.equal(edits.length, 2);
    assert.deepEqual(edits, [
      { start: 0, end: 2, text: 'A\n' },
      { start: 8, end: 10, text: 'E\n' },
    ]);
    assert.equal(apply(before, edits), after);
  });

  it('is nothing for equal texts; pure insertions and removals have empty ranges or texts', () => {
    assert.deepEqual(textEdits('same\n', 'same\n'), []);
    assert.deepEqual(textEdits('a\nc\n', 'a\nb\nc\n'), [{ start: 2, end: 2, text: 'b\n' }]);
    assert.deepEqual(textEdits('a\nb\nc\n', 'a\nc\n'), [{ start: 2, end: 4, text: '' }]);
  });

  it('handles CRLF files, a missing final newline, and a file emptied or created', () => {
    for (const [before, after] of [
      ['one\r\ntwo\r\nthree\r\n', 'one\r\n2\r\nthree\r\n'],
      ['x\ny', 'x\ny\n'],
      ['x\ny\n', 'x\ny'],
      ['some\ntext\n', ''],
      ['', 'new\nfile\n'],
      ['é😀\n', 'é😃\n'],
    ] as const) {
      assert.equal(apply(before, textEdits(before, after)), after, JSON.stringify({ before, after }));
    }
  });

  it('always reproduces the new text (random line edits, seeded)', () => {
    const random = seededRandom('textEdits');
    const lines = ['alpha\n', 'beta\n', '\n', 'gamma\r\n', '😀\n', 'end'];
    const text = (n: number) => Array.from({ length: n }, () => lines[Math.floor(random() * lines.length)]).join('');
    for (let i = 0; i < 1_000; i++) {
      const before = text(Math.floor(random() * 10));
      const after = random() < 0.5 ? text(Math.floor(random() * 10)) : before.replace(/beta/g, () => (random() < 0.5 ? 'BETA' : 'beta'));
      assert.equal(apply(before, textEdits(before, after)), after, JSON.stringify({ before, after }));
    }
  });

  it('falls back to one span when the line diff would take too long', () => {
    // Two large texts that share only every 1000th line: a finished diff would give ~40 edits, but
    // it would take billions of steps, so it gives up and one span stands in.
    const line = (side: string) => (_: unknown, i: number) => (i % 1000 === 0 ? `shared ${i}\n` : `${side} line ${i}\n`);
    const before = Array.from({ length: 40_000 }, line('old')).join('');
    const after = Array.from({ length: 40_000 }, line('new')).join('');
    const edits = textEdits(before, after);
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.start, 'shared 0\n'.length);
    assert.equal(apply(before, edits), after);
  });
});
