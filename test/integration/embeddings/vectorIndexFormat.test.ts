import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeSegment } from '../../../src/core/embeddings/segmentFile.ts';
import { EMBEDDINGS_CACHE, VectorIndex } from '../../../src/core/embeddings/vectorIndex.ts';
import { seededRandom } from '../../../src/core/memory/seededRandom.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import { segmentFormatOne } from '../../helpers/segmentFormatOne.ts';

const dir = tempDir('coevolve-vector-format-');
after(() => rmSync(dir, { recursive: true, force: true }));
const folder = join(dir, ...EMBEDDINGS_CACHE, 'experiences');
const random = seededRandom('format');
const vector = (): number[] => Array.from({ length: 50 }, () => random() - 0.5);

function formats(): number[] {
  return readdirSync(folder).sort().map((file) => {
    const decoded = decodeSegment(readFileSync(join(folder, file)));
    assert.ok(decoded.ok, file);
    return decoded.segment.header.format;
  });
}

test('an index of the first format is read as it was, and its next save writes the int8 copies too', async () => {
  const written = await VectorIndex.open(dir, 'experiences', 'm');
  for (let i = 0; i < 300; i++) written.put(`e${i}`, `s${i % 3}`, `h${i}`, { seq: i }, vector());
  assert.equal(await written.save(), 3);
  assert.deepEqual(formats(), [2, 2, 2]);
  const queries = Array.from({ length: 8 }, vector);
  const answers = queries.map((q) => written.nearest(q, 5));

  // As a store embedded before format 2 holds them.
  for (const file of readdirSync(folder)) {
    const decoded = decodeSegment(readFileSync(join(folder, file)));
    assert.ok(decoded.ok);
    writeFileSync(join(folder, file), segmentFormatOne(decoded.segment.header, decoded.segment.rowBytes));
  }
  assert.deepEqual(formats(), [1, 1, 1]);
  const old = await VectorIndex.open(dir, 'experiences', 'm');
  assert.deepEqual(old.notes, []);
  assert.deepEqual(queries.map((q) => old.nearest(q, 5)), answers);
  assert.equal(await old.save(), 3, 'each segment of the first format is written again');
  assert.deepEqual(formats(), [2, 2, 2]);

  const upgraded = await VectorIndex.open(dir, 'experiences', 'm');
  assert.deepEqual(queries.map((q) => upgraded.nearest(q, 5)), answers);
  assert.equal(await upgraded.save(), 0, 'nothing left to write');
});
