import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// A file edited in the same second as git last wrote the index, to the same size, is "racily
// clean": git hashes it again instead of trusting its stat data. The sandbox must see the edit.

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

describe('the sandbox starts from the user\'s files as they are', () => {
  it('includes a same-size edit made in the same second the index was written', async () => {
    const repo = GitRepo.create('coevolve-racy-');
    const base = tempDir('coevolve-racy-sbx-');
    cleanup.push(() => repo.remove(), () => rmSync(base, { recursive: true, force: true }));
    repo.commit('init', { 'src/a.js': 'export const a = 1;\n' });
    writeFileSync(join(repo.dir, 'src/a.js'), 'export const a = 2;\n');
    // The edit carries the index's own timestamp: the racy case, made certain.
    const index = statSync(join(repo.dir, '.git', 'index'));
    utimesSync(join(repo.dir, 'src/a.js'), index.atime, index.mtime);
    await sleep(1_100);
    const sandbox = await openSandbox({ root: repo.dir, baseDir: base });
    try {
      assert.equal(readFileSync(join(sandbox.root, 'src/a.js'), 'utf8'), 'export const a = 2;\n');
    } finally {
      await sandbox.dispose();
    }
  });
});
