import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applyFilePatch, commitFilePatch } from '../../../src/core/learning/pastFixPatch.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';

describe('re-applying a past fix to a file as it is now', () => {
  it('applies a fix commit\'s change where its context still matches, even moved, and refuses otherwise', async () => {
    const repo = GitRepo.create('coevolve-pastfix-');
    try {
      repo.commit('feat: count', { 'src/count.ts': 'export const name = "count";\nexport const count: number = "3";\nexport const done = true;\n' });
      const fix = repo.commit('fix(count): count is a number', { 'src/count.ts': 'export const name = "count";\nexport const count: number = 3;\nexport const done = true;\n' });
      const patch = await commitFilePatch(repo.dir, fix, 'src/count.ts');
      const rebroken = '// a header added later\nexport const name = "count";\nexport const count: number = "3";\nexport const done = true;\n';
      assert.equal(applyFilePatch(rebroken, patch, 'src/count.ts'), '// a header added later\nexport const name = "count";\nexport const count: number = 3;\nexport const done = true;\n');
      assert.equal(applyFilePatch('export const count: number = 3;\n', patch, 'src/count.ts'), undefined, 'already fixed: nothing to do');
      assert.equal(applyFilePatch('something else entirely\n', patch, 'src/count.ts'), undefined, 'context gone: refused');
      assert.equal(applyFilePatch(rebroken, patch, 'src/other.ts'), undefined, 'another file');
      assert.equal(await commitFilePatch(repo.dir, 'not-a-sha; rm -rf /', 'src/count.ts'), '');
    } finally {
      rmSync(repo.dir, { recursive: true, force: true });
    }
  });
});
