import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { readStoreBytes } from '../../../src/core/store/storeFile.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const dir = tempDir('coevolve-read-bytes-');
after(() => rmSync(dir, { recursive: true, force: true }));

test('read into a caller\'s buffer: the file\'s bytes exactly, whatever the buffer held or its length', async () => {
  const big = Buffer.alloc(300_000, 7);
  const small = Buffer.from('a small file');
  writeFileSync(join(dir, 'big'), big);
  writeFileSync(join(dir, 'small'), small);
  writeFileSync(join(dir, 'empty'), '');
  let scratch = Buffer.alloc(0);
  const asked: number[] = [];
  const into = (size: number): Buffer => {
    asked.push(size);
    if (scratch.length < size) scratch = Buffer.alloc(size * 2, 0xff);
    return scratch;
  };
  assert.deepEqual(await readStoreBytes(join(dir, 'big'), into), big);
  assert.deepEqual(await readStoreBytes(join(dir, 'small'), into), small, 'not the rest of the last file');
  assert.deepEqual(await readStoreBytes(join(dir, 'empty'), into), Buffer.alloc(0));
  assert.deepEqual(asked, [300_001, small.length + 1, 1]);
  assert.equal(await readStoreBytes(join(dir, 'missing'), into), undefined);
  // A buffer of exactly the size asked: a file that grew after its size was taken is still read whole.
  const grown = Buffer.alloc(5_000, 3);
  writeFileSync(join(dir, 'grows'), grown);
  const exact = await readStoreBytes(join(dir, 'grows'), (size) => {
    writeFileSync(join(dir, 'grows'), Buffer.concat([grown, Buffer.alloc(10, 4)]));
    return Buffer.alloc(size);
  });
  assert.equal(exact?.length, 5_010);
});

test('a link or a folder in a file\'s place is damage, read into a buffer or not', async () => {
  writeFileSync(join(dir, 'target'), 'x');
  symlinkSync(join(dir, 'target'), join(dir, 'link'));
  mkdirSync(join(dir, 'folder'));
  for (const name of ['link', 'folder']) {
    for (const into of [undefined, (size: number) => Buffer.alloc(size)]) {
      await assert.rejects(readStoreBytes(join(dir, name), into), (error: unknown) => CoevolveError.is(error, 'store-corrupt'), name);
    }
  }
});
