import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { loadCodeIndex } from '../../../src/core/memory/contentIndexCache.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';
import { call, startServer } from './mcpHarness.ts';

describe('coevolve mcp recall with the code', () => {
  let repo: GitRepo;
  let storeDir: string;
  let server: Awaited<ReturnType<typeof startServer>>;

  before(async () => {
    repo = GitRepo.create('coevolve-mcp-code-');
    repo.commit('feat: geometry helpers', {
      'src/geometry/rotate.ts': 'export function slerpQuaternion(a: number[], b: number[]) {\n  return a.map((x, i) => (x + b[i]!) / 2);\n}\n',
      'src/other.ts': 'export const other = 1;\n',
    });
    storeDir = join(repo.dir, '.coevolve');
    await mineHistory(repo.dir, { storeDir });
    server = await startServer(['--workspace', repo.dir]);
  });

  after(async () => {
    await server?.close();
    repo.remove();
  });

  it('matches the code, keeps its index in memory across calls, and moves it when HEAD moves', async () => {
    const cacheFile = join(storeDir, 'cache', 'code-index.json');
    const without = await call(server.client, 'recall', { text: 'normalizeVector returns NaN' });
    assert.ok(!without.text.includes('src/geometry/vector.ts'));
    assert.ok(!existsSync(cacheFile), 'no code index without content');

    const first = await call(server.client, 'recall', { text: 'slerpQuaternion returns NaN', content: true });
    assert.equal(first.isError, false, first.text);
    assert.match(first.text, /src\/geometry\/rotate\.ts/);
    assert.equal((await loadCodeIndex(storeDir)).index?.tree, repo.git('rev-parse', 'HEAD^{tree}').trim(), 'saved for the next process');

    // Damage the file: a server that kept the index never reads it again, so it says nothing about it.
    writeFileSync(cacheFile, 'garbage');
    repo.commit('feat: vectors', { 'src/geometry/vector.ts': 'export function normalizeVector(v: number[]) {\n  const n = Math.hypot(...v);\n  return v.map((x) => x / n);\n}\n' });
    const moved = await call(server.client, 'recall', { text: 'normalizeVector returns NaN', content: true });
    assert.equal(moved.isError, false, moved.text);
    assert.match(moved.text, /src\/geometry\/vector\.ts/, 'the new file is found by its code (it was never mined)');
    assert.doesNotMatch(server.stderr(), /code index cache .* could not be used/, server.stderr());
    assert.equal((await loadCodeIndex(storeDir)).index?.tree, repo.git('rev-parse', 'HEAD^{tree}').trim(), 'the moved index was saved over the damaged file');
  });
});
