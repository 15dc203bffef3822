import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeSegment, encodeSegment } from '../../../src/core/embeddings/segmentFile.ts';
import type { Quantized, SegmentHeader } from '../../../src/core/embeddings/segmentFile.ts';
import { segmentFormatOne } from '../../helpers/segmentFormatOne.ts';

const header: SegmentHeader = { format: 2, model: 'm', dimensions: 3, stride: 4, source: '7', items: [{ id: 'a', hash: 'h1', meta: { sha: 'x', seq: 1 } }, { id: 'b', hash: 'h2', meta: {} }] };
const rows = new Float32Array([1, 0, 0, 0, 0, 0.6, 0.8, 0]);
// Two int8 rows of 16 (the kernel's width for 3 dimensions), each row's step first.
const quantized: Quantized = { scales: new Float32Array([1 / 127, 0.8 / 127]), q8: new Int8Array(32).fill(0) };
quantized.q8.set([127, 0, 0], 0);
quantized.q8.set([0, 95, 127], 16);

const floats = (bytes: Uint8Array): number[] => [...new Float32Array(new Uint8Array(bytes).buffer)];

function formatOne(model = 'm'): Buffer {
  return segmentFormatOne({ ...header, model }, new Uint8Array(rows.buffer));
}

test('a segment round-trips with its int8 copies, whatever its header length', () => {
  for (const model of ['m', 'mm', 'mmm', 'mmmm']) {
    const decoded = decodeSegment(encodeSegment({ ...header, model }, rows, quantized));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.segment.header, { ...header, model, qstride: 16 });
    assert.deepEqual(floats(decoded.segment.rowBytes), [...rows]);
    assert.deepEqual([...decoded.segment.quantized!.scales], [...quantized.scales]);
    assert.deepEqual([...decoded.segment.quantized!.q8], [...quantized.q8]);
  }
});

test('a segment of the first format is still read, without int8 copies', () => {
  for (const model of ['m', 'mm', 'mmm', 'mmmm']) {
    const decoded = decodeSegment(formatOne(model));
    assert.ok(decoded.ok, model);
    assert.equal(decoded.segment.header.format, 1);
    assert.deepEqual(floats(decoded.segment.rowBytes), [...rows]);
    assert.equal(decoded.segment.quantized, undefined);
  }
});

test('damaged segments are named as such, never decoded', () => {
  const good = encodeSegment(header, rows, quantized);
  const floatsEnd = good.length - 2 * 4 - 32;
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['garbage', Buffer.from('hello world, not a segment')],
    ['cut off', good.subarray(0, good.length - 3)],
    ['cut off in its int8 rows', good.subarray(0, good.length - 16)],
    ['the first format cut off', formatOne().subarray(0, formatOne().length - 4)],
    ['zeroed', Buffer.alloc(good.length)],
    ['header not JSON', Buffer.concat([good.subarray(0, 10), Buffer.from('{{{{'), good.subarray(14)])],
    ['a NaN scale', Buffer.concat([good.subarray(0, floatsEnd), Buffer.from(new Float32Array([Number.NaN]).buffer), good.subarray(floatsEnd + 4)])],
    ['a zero scale', Buffer.concat([good.subarray(0, floatsEnd), Buffer.alloc(4), good.subarray(floatsEnd + 4)])],
    ['another shape', encodeSegment({ ...header, stride: 8 }, new Float32Array(16), quantized)],
    ['an item of another shape', Buffer.from(encodeSegment({ ...header, items: [header.items[0]!, { id: 'b', hash: 'h2', meta: { nested: {} } } as never] }, rows, quantized))],
    ['an item with an empty id', encodeSegment({ ...header, items: [header.items[0]!, { id: '', hash: 'h2', meta: {} }] }, rows, quantized)],
    ['a repeated id', encodeSegment({ ...header, items: [header.items[0]!, header.items[0]!] }, rows, quantized)],
  ];
  for (const [what, bytes] of cases) assert.equal(decodeSegment(bytes).ok, false, what);
  // A header that claims another int8 width than its dimensions have.
  const json = JSON.stringify({ ...header, qstride: 16 });
  const widened = Buffer.from(good.toString('latin1').replace(json, json.replace('"qstride":16', '"qstride":32')), 'latin1');
  assert.notDeepEqual(widened, good);
  assert.equal(decodeSegment(widened).ok, false, 'a bad int8 row width');
});
