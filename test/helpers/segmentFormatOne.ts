// A vector segment as the first format wrote it (float rows only, no int8 copies): what a store
// embedded before format 2 holds on disk.
import type { SegmentHeader } from '../../src/core/embeddings/segmentFile.ts';

export function segmentFormatOne(header: SegmentHeader, rowBytes: Uint8Array): Buffer {
  const { qstride: _dropped, ...rest } = header;
  const json = Buffer.from(JSON.stringify({ ...rest, format: 1 }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const used = 6 + 4 + json.length;
  return Buffer.concat([Buffer.from('CEVEC\n', 'ascii'), length, json, Buffer.alloc((4 - (used % 4)) % 4, 0x20), Buffer.from(rowBytes)]);
}
