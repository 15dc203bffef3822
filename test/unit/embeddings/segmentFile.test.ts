import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeSegment, encodeSegment } from '../../../src/core/embeddings/segmentFile.ts';
import type { SegmentHeader } from '../../../src/core/embeddings/segmentFile.ts';

const header: SegmentHeader = { format: 1, model: 'm', dimensions: 3, stride: 4, source: '7', items: [{ id: 'a', hash: 'h1', meta: { sha: 'x', seq: 1 } }, { id: 'b', hash: 'h2', meta: {} }] };
const rows = new Float32Array([1, 0, 0, 0, 0, 0.6, 0.8, 0]);

test('a segment round-trips, whatever its header length', () => {
  for (const model of ['m', 'mm', 'mmm', 'mmmm']) {
    const decoded = decodeSegment(encodeSegment({ ...header, model }, rows));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.segment.header, { ...header, model });
    assert.deepEqual([...decoded.segment.rows], [...rows]);
  }
});

test('damaged segments are named as such, never decoded', () => {
  const good = encodeSegment(header, rows);
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['garbage', Buffer.from('hello world, not a segment')],
    ['cut off', good.subarray(0, good.length - 3)],
    ['zeroed', Buffer.alloc(good.length)],
    ['header not JSON', Buffer.concat([good.subarray(0, 10), Buffer.from('{{{{'), good.subarray(14)])],
    ['NaN in the vectors', Buffer.concat([good.subarray(0, good.length - 4), Buffer.from(new Float32Array([Number.NaN]).buffer)])],
    ['another shape', encodeSegment({ ...header, stride: 8 }, new Float32Array(16))],
    ['an item of another shape', Buffer.from(encodeSegment({ ...header, items: [header.items[0]!, { id: 'b', hash: 'h2', meta: { nested: {} } } as never] }, rows))],
    ['an item with an empty id', encodeSegment({ ...header, items: [header.items[0]!, { id: '', hash: 'h2', meta: {} }] }, rows)],
    ['a repeated id', encodeSegment({ ...header, items: [header.items[0]!, header.items[0]!] }, rows)],
  ];
  for (const [what, bytes] of cases) assert.equal(decodeSegment(bytes).ok, false, what);
});
