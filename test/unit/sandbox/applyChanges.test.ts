import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { writeChanges } from '../../../src/core/sandbox/applyChanges.ts';
import type { FileKind, PlannedChange } from '../../../src/core/sandbox/changePlan.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function root(): string {
  const dir = tempDir('coevolve-apply-');
  dirs.push(dir);
  return dir;
}

function change(path: string, before: string | null, after: string | null, kinds: [FileKind | null, FileKind | null] = [before === null ? null : 'file', after === null ? null : 'file']): PlannedChange {
  return {
    path,
    status: before === null ? 'added' : after === null ? 'deleted' : 'modified',
    before,
    after,
    beforeBytes: before === null ? null : Buffer.from(before),
    afterBytes: after === null ? null : Buffer.from(after),
    beforeKind: kinds[0],
    afterKind: kinds[1],
    binary: false,
  };
}

describe('writeChanges', () => {
  it('writes, creates and deletes, removing folders a deletion empties', async () => {
    const dir = root();
    writeFileSync(join(dir, 'a.txt'), 'old\n');
    mkdirSync(join(dir, 'gone'));
    writeFileSync(join(dir, 'gone/last.txt'), 'bye\n');
    await writeChanges(dir, [change('a.txt', 'old\n', 'new\n'), change('gone/last.txt', 'bye\n', null), change('new/deep/b.txt', null, 'b\n')]);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'new\n');
    assert.equal(existsSync(join(dir, 'gone')), false);
    assert.equal(readFileSync(join(dir, 'new/deep/b.txt'), 'utf8'), 'b\n');
  });

  it('puts back every file already written when a later write fails', async () => {
    const dir = root();
    writeFileSync(join(dir, 'a.txt'), 'old\n');
    writeFileSync(join(dir, 'c.txt'), 'keep me\n');
    mkdirSync(join(dir, 'z-folder'));
    const changes = [change('a.txt', 'old\n', 'new\n'), change('b/new.txt', null, 'b\n'), change('c.txt', 'keep me\n', null), change('z-folder', 'was a file once\n', 'boom\n')];
    await assert.rejects(writeChanges(dir, changes), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'sandbox-failed'));
      assert.match(error.message, /Could not write z-folder: .*The 3 file\(s\) written before it were restored/);
      return true;
    });
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'old\n');
    assert.equal(existsSync(join(dir, 'b')), false, 'created folders are removed again');
    assert.equal(readFileSync(join(dir, 'c.txt'), 'utf8'), 'keep me\n');
  });

  it('keeps permissions, changing only the executable bits the change asks for', async () => {
    const dir = root();
    writeFileSync(join(dir, 'run.sh'), 'echo\n');
    chmodSync(join(dir, 'run.sh'), 0o640);
    writeFileSync(join(dir, 'stay.sh'), 'echo\n');
    chmodSync(join(dir, 'stay.sh'), 0o700);
    await writeChanges(dir, [
      change('run.sh', 'echo\n', 'echo hi\n', ['file', 'executable']),
      change('stay.sh', 'echo\n', 'echo 2\n', ['executable', 'executable']),
      change('tool', null, '#!/bin/sh\n', [null, 'executable']),
      change('link', null, 'run.sh', [null, 'symlink']),
    ]);
    assert.equal(statSync(join(dir, 'run.sh')).mode & 0o777, 0o750);
    assert.equal(statSync(join(dir, 'stay.sh')).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'tool')).mode & 0o777, 0o755);
    assert.equal(readlinkSync(join(dir, 'link')), 'run.sh');
  });
});
