import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import { WarmMemory, warmMemoryFor } from '../../../src/core/memory/warmMemory.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

const repo = GitRepo.create('coevolve-warm-');
const store = tempDir('coevolve-warm-store-');
after(() => {
  repo.remove();
  rmSync(store, { recursive: true, force: true });
});

describe('a warm memory', () => {
  it('refuses a store with nothing mined', async () => {
    await assert.rejects(new WarmMemory(store).get(), (e: unknown) => CoevolveError.is(e, 'store-empty'));
  });

  it('keeps the loaded index while the store is unchanged, and reloads when mining adds to it', async () => {
    repo.commit('feat(parser): parseHeader', { 'src/header.ts': 'export function parseHeader(s: string) {\n  return s.split(":");\n}\n' });
    await mineHistory(repo.dir, { storeDir: store });
    const warm = warmMemoryFor(store);
    assert.equal(warmMemoryFor(store), warm, 'one per store in a process');
    const first = await warm.get();
    assert.equal(await warm.get(), first, 'no reload while the generation is the same');
    const workspace = await resolveWorkspace(repo.dir, store);
    assert.equal((await recallInWorkspace(workspace, 'parseHeader', { warm })).experiences.length, 1);
    assert.equal(await warm.get(), first, 'recall through the service used the warm index');

    const fix = repo.commit('fix(parser): parseHeader handles empty input', { 'src/header.ts': 'export function parseHeader(s: string) {\n  if (!s) return [];\n  return s.split(":");\n}\n' });
    await mineHistory(repo.dir, { storeDir: store });
    const second = await warm.get();
    assert.notEqual(second, first);
    assert.ok(second.index.digest(fix), 'the newly mined commit is in the reloaded index');
    const full = await warm.experiences(second, [fix]);
    assert.equal(full.get(fix)?.intent.subject, 'fix(parser): parseHeader handles empty input');
  });
});
