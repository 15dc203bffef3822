// `coevolve mcp` follows the repository: a commit made on top of the mined history is mined before the
// next tool call reads memory; a HEAD anywhere else leaves memory as it is (said once); a read-only
// server (--no-record) never writes the store.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { call, startServer } from './mcpHarness.ts';

async function storedCount(storeDir: string): Promise<number> {
  return (await MemoryStore.open(storeDir)).state.counts.experiences;
}

function minedRepo(): GitRepo {
  const repo = GitRepo.create();
  repo.commit('feat(parser): add header parser', { 'src/header.ts': "export function parseHeader(input: string) {\n  return input.split(':');\n}\n" });
  repo.commit('fix(parser): empty input', { 'src/header.ts': "export function parseHeader(input: string) {\n  if (input === '') return [];\n  return input.split(':');\n}\n" });
  return repo;
}

describe('the MCP server follows new commits', () => {
  let repo: GitRepo;
  let server: Awaited<ReturnType<typeof startServer>>;
  // Outside the work tree: the test's commits add every file, and a store inside would be committed too.
  const storeDir = join(tempDir(), 'store');

  before(async () => {
    repo = minedRepo();
    await mineHistory(repo.dir, { storeDir });
    server = await startServer(['--workspace', repo.dir, '--store', storeDir]);
  });

  after(async () => {
    await server?.close();
    repo.remove();
  });

  it('finds a commit made after it started, without a mine being run', async () => {
    const first = await call(server.client, 'recall', { text: 'zebra crossing timeout' });
    assert.equal(first.isError, false, first.text);
    const sha = repo.commit('feat(road): add a zebra crossing timeout', { 'src/zebra.ts': 'export const zebraCrossingTimeout = 30;\n' });
    assert.ok(!first.text.includes(sha));
    const next = await call(server.client, 'recall', { text: 'zebra crossing timeout' });
    assert.ok(next.text.includes(`commit:${sha}`), next.text);
    assert.equal(await storedCount(storeDir), 3);
    assert.match(server.stderr(), /mined 1 new commit\(s\) of the followed branch/);
  });

  it('leaves memory as it is when HEAD moves off the mined line, and says so once', async () => {
    repo.git('checkout', '-q', '-b', 'side', 'HEAD~1');
    const side = repo.commit('feat(side): a side quest', { 'src/side.ts': 'export const sideQuest = 1;\n' });
    for (let i = 0; i < 2; i++) {
      const answer = await call(server.client, 'recall', { text: 'side quest' });
      assert.equal(answer.isError, false, answer.text);
      assert.ok(!answer.text.includes(side), 'the side commit was not mined');
    }
    assert.equal(await storedCount(storeDir), 3, 'nothing mined, nothing forgotten');
    assert.equal(server.stderr().match(/is not on the branch memory follows/g)?.length, 1, server.stderr());
  });
});

describe('a read-only MCP server', () => {
  it('does not mine new commits into the store', async () => {
    const repo = minedRepo();
    const storeDir = join(tempDir(), 'store');
    await mineHistory(repo.dir, { storeDir });
    const server = await startServer(['--workspace', repo.dir, '--store', storeDir, '--no-record']);
    try {
      const sha = repo.commit('feat(road): add a zebra crossing timeout', { 'src/zebra.ts': 'export const zebraCrossingTimeout = 30;\n' });
      const answer = await call(server.client, 'recall', { text: 'zebra crossing timeout' });
      assert.equal(answer.isError, false, answer.text);
      assert.ok(!answer.text.includes(sha));
      assert.equal(await storedCount(storeDir), 2);
    } finally {
      await server.close();
      repo.remove();
    }
  });
});
