import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { plainText } from '../../../src/core/verify/run/ansi.ts';
import { OutputCapture } from '../../../src/core/verify/run/outputCapture.ts';

describe('plainText', () => {
  it('removes colours, cursor moves, titles and hyperlinks', () => {
    const esc = '\u001b';
    const text = `${esc}[96msrc/a.ts${esc}[0m:${esc}[93m1${esc}[0m ${esc}[2K${esc}[1G${esc}]8;;file:///x${esc}\\link${esc}]8;;${esc}\\ ${esc}]0;title\u0007done`;
    assert.equal(plainText(text), 'src/a.ts:1 link done');
    assert.equal(plainText('\u009b31mred\u009b0m'), 'red', 'the one-byte CSI too');
  });

  it('normalises CRLF and keeps what a redrawn line showed last', () => {
    assert.equal(plainText('a\r\nprogress 10%\rprogress 100%\r\nb\n'), 'a\nprogress 100%\nb\n');
    // A spinner that redraws with a cursor move and a line erase, then a carriage return.
    assert.equal(plainText('\u001b[2K\u001b[1G⠋ installing\r\u001b[2K\u001b[1G✔ installed\n'), '✔ installed\n');
  });
});

describe('OutputCapture', () => {
  it('keeps everything under the limit', () => {
    const capture = new OutputCapture({ headBytes: 10, tailBytes: 10 });
    capture.push(Buffer.from('hello '));
    capture.push(Buffer.from('world'));
    assert.equal(capture.text(), 'hello world');
    assert.equal(capture.droppedBytes, 0);
  });

  it('keeps the head and the tail and says how much was dropped', () => {
    const capture = new OutputCapture({ headBytes: 4, tailBytes: 6 });
    for (const chunk of ['HEAD', '-middle-', '-more-middle-', 'TAIL!!']) capture.push(Buffer.from(chunk));
    assert.equal(capture.totalBytes, 31);
    assert.equal(capture.droppedBytes, 21);
    assert.equal(capture.text(), 'HEAD\n[… 21 bytes of output dropped …]\nTAIL!!');
  });

  it('holds the tail across chunk boundaries', () => {
    const capture = new OutputCapture({ headBytes: 2, tailBytes: 5 });
    for (const char of 'abcdefghij') capture.push(Buffer.from(char));
    assert.ok(capture.text().endsWith('fghij'));
    assert.equal(capture.droppedBytes, 3);
  });
});
