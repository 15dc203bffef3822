import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discardTempFile, ifPresent, lstatIfPresent, readdirIfPresent, removeDirIfEmpty, statIfPresent } from '../../../src/core/util/fsProbe.ts';
import { setIgnoredErrorSink } from '../../../src/core/ignoredErrors.ts';

test('absence is an answer; any other failure still throws', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coevolve-probe-'));
  try {
    await writeFile(join(dir, 'file'), 'x');
    assert.equal(await statIfPresent(join(dir, 'missing')), undefined);
    assert.equal(await lstatIfPresent(join(dir, 'file', 'below')), undefined, 'a file where a folder was expected is absence (ENOTDIR)');
    assert.ok((await statIfPresent(join(dir, 'file')))?.isFile());
    assert.deepEqual(await readdirIfPresent(join(dir, 'missing')), []);
    // Reading a folder as a file is EISDIR: not absence, so it must not be answered as "not there".
    const { readFile } = await import('node:fs/promises');
    await assert.rejects(ifPresent(readFile(dir)), (error: NodeJS.ErrnoException) => error.code === 'EISDIR');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('removeDirIfEmpty removes only empty folders, and discardTempFile reports only real failures', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coevolve-probe-'));
  const reported: string[] = [];
  setIgnoredErrorSink((why) => reported.push(why));
  try {
    await mkdir(join(dir, 'full'));
    await writeFile(join(dir, 'full', 'f'), 'x');
    await mkdir(join(dir, 'empty'));
    assert.equal(await removeDirIfEmpty(join(dir, 'full')), false);
    assert.equal(await removeDirIfEmpty(join(dir, 'empty')), true);
    assert.equal(await removeDirIfEmpty(join(dir, 'gone')), false);
    assert.equal(await removeDirIfEmpty(join(dir, 'full', 'f')), false, 'a file is never removed as a folder');
    assert.deepEqual((await readdir(dir)).sort(), ['full']);
    assert.deepEqual(await readdir(join(dir, 'full')), ['f']);
    await discardTempFile(join(dir, 'never-made.tmp'));
    assert.deepEqual(reported, [], 'a temp file that was never made is not worth a warning');
    await discardTempFile(join(dir, 'full'));
    assert.equal(reported.length, 1, 'a temp path that cannot be unlinked (a folder) is reported');
  } finally {
    setIgnoredErrorSink(undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
