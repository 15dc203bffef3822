// The team's retrieval matches the code as it is now beside its history: a function that memory
// knows nothing about (its commit was never mined) still reaches the plan request when the task
// names it. And the index of the code is built once per tree and kept (in memory only).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { solveTask } from '../../../src/core/agents/solveTask.ts';
import type { SolveEvent } from '../../../src/core/agents/events.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { contentIndexFor } from '../../../src/core/memory/contentCache.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import type { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { finish, mathProject, planStep, requestText, teamSolveOptions } from '../../helpers/teamFixtures.ts';
import { scriptedServerForFile } from '../../helpers/scriptedServerHooks.ts';

let server!: ScriptedModelServer;
scriptedServerForFile((started) => (server = started));

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function project(): GitRepo {
  const repo = mathProject();
  cleanup.push(() => repo.remove());
  repo.commit('chore: helpers', { 'src/stats.js': 'export function median(values) {\n  const sorted = [...values].sort((a, b) => a - b);\n  return sorted[Math.floor(sorted.length / 2)];\n}\n' });
  repo.commit('docs: readme', { 'README.md': '# math\n' });
  return repo;
}

function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * One solve of the median task where only retrieval matters: the plan is the script's, the change
 * is empty (it fails), and no rectification follows. Returns its events and the solution.
 */
async function solveMedian(repo: GitRepo, store: string): Promise<{ events: SolveEvent[]; solution: Awaited<ReturnType<typeof solveTask>> }> {
  const events: SolveEvent[] = [];
  const options = await teamSolveOptions(server.baseURL, repo.dir, { store, sandboxes: scratch('coevolve-code-sbx-') }, events);
  options.task = { text: 'median returns the wrong middle value for lists of even length' };
  options.budget = { maxRectifications: 0 };
  server.reset();
  server.scriptFor('gen', planStep());
  server.scriptFor('impl', finish('nothing to change for this test'));
  return { events, solution: await solveTask(options) };
}

describe('the code in the team\'s retrieval', () => {
  it('brings a file that only the code knows about into the plan request', async () => {
    const repo = project();
    const store = scratch('coevolve-code-store-');
    // Only the newest commit is mined: memory has never seen src/stats.js.
    await mineHistory(repo.dir, { storeDir: store, maxCommits: 1 });
    const { solution } = await solveMedian(repo, store);
    const plan = requestText(server.requests.find((r) => r.body.model === 'gen')!.body);
    assert.match(plan, /- src\/stats\.js \(its code has "median", named in the query|- src\/stats\.js \(its current contents mention/);
    await solution.reject();
  });

  it('says in the run log why damaged skills or accepted fixes were left out, and goes on', async () => {
    const repo = project();
    const store = scratch('coevolve-code-store-');
    await mineHistory(repo.dir, { storeDir: store });
    // A skills folder that is a link (refused, never followed), and a damaged log of accepted fixes.
    const elsewhere = scratch('coevolve-code-elsewhere-');
    mkdirSync(join(elsewhere, 'guard-empty'));
    symlinkSync(elsewhere, join(store, 'skills'));
    writeFileSync(join(store, 'memory', 'fixes.jsonl'), 'this is not a record\n');
    const { events, solution } = await solveMedian(repo, store);
    const notes = events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text);
    assert.ok(notes.some((n) => /^Skills were not used: .*symbolic link/.test(n)), `a note on the skills: ${JSON.stringify(notes)}`);
    assert.ok(notes.some((n) => /^Accepted fixes were not used: .*fixes\.jsonl/.test(n)), `a note on the fixes: ${JSON.stringify(notes)}`);
    await solution.reject();
  });

  it('builds the index of a tree once, and does not wait longer than asked for it', async () => {
    const repo = project();
    const place = { root: repo.dir, storeDir: tempDir('coevolve-code-store-') };
    const first = await contentIndexFor(place, 'HEAD', 30_000);
    assert.ok(first, 'built');
    assert.equal(await contentIndexFor(place, 'HEAD', 30_000), first, 'the same tree: the kept index');
    assert.deepEqual(first.filesWithTerm('median'), ['src/stats.js']);
    repo.commit('feat: mean', { 'src/mean.js': 'export function mean(values) {\n  return values.reduce((a, b) => a + b, 0) / values.length;\n}\n' });
    assert.equal(await contentIndexFor(place, 'HEAD', 0), undefined, 'a new tree is not ready at once');
    const next = await contentIndexFor(place, 'HEAD', 30_000);
    // The kept index follows HEAD: moved in place (the call that did not wait started the move).
    assert.ok(next === first && next.tree === repo.git('rev-parse', 'HEAD^{tree}').trim());
    assert.deepEqual(next.filesWithTerm('mean'), ['src/mean.js']);
    assert.equal(await contentIndexFor(place, 'no-such-branch', 30_000), undefined);
  });
});
