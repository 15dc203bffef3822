import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { creditExperiences, setPinned, setQuarantine } from '../../../src/core/learning/utility.ts';
import { readCreditHistory } from '../../../src/core/learning/creditLog.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import type { Workspace } from '../../../src/core/workspace.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// Real history, mined for real; utility updates go through the store and show in recall.
let repo: GitRepo;
let store: string;
let workspace: Workspace;
const shaOf: Record<string, string> = {};

before(async () => {
  repo = GitRepo.create('coevolve-utility-');
  store = tempDir('coevolve-utility-store-');
  repo.commit('feat: parsers', { 'src/header.ts': 'export function parseHeader(s: string) {\n  return s.split(":");\n}\n', 'src/body.ts': 'export function parseBody(s: string) {\n  return s.split("\\n");\n}\n' });
  shaOf.header = repo.commit('fix(parser): handle empty input in parseHeader', { 'src/header.ts': 'export function parseHeader(s: string) {\n  if (!s) return [];\n  return s.split(":");\n}\n' });
  shaOf.body = repo.commit('fix(parser): handle empty input in parseBody', { 'src/body.ts': 'export function parseBody(s: string) {\n  if (!s) return [];\n  return s.split("\\n");\n}\n' });
  repo.commit('docs: readme', { 'README.md': '# parsers\n' });
  await mineHistory(repo.dir, { storeDir: store });
  workspace = await resolveWorkspace(repo.dir, store);
});
after(() => {
  repo.remove();
  rmSync(store, { recursive: true, force: true });
});

const QUERY = 'handle empty input in the parser';
async function ranking(): Promise<string[]> {
  return (await recallInWorkspace(workspace, QUERY, { k: 5 })).experiences.map((e) => e.sha);
}

describe('learned utility in recall', () => {
  it('moves a memory that helped above one that did not', async () => {
    const first = await ranking();
    const behind = first.indexOf(shaOf.header!) > first.indexOf(shaOf.body!) ? shaOf.header! : shaOf.body!;
    const ahead = behind === shaOf.header ? shaOf.body! : shaOf.header!;
    assert.ok(first.indexOf(ahead) < first.indexOf(behind));
    const credit = await creditExperiences(store, [`commit:${behind}`, `commit:${behind}`], 1);
    assert.deepEqual(credit.updated, [behind], 'one run credits an item once');
    await creditExperiences(store, [`commit:${behind}`], 1);
    const after = await ranking();
    assert.ok(after.indexOf(behind) < after.indexOf(ahead), `after two good outcomes ${behind.slice(0, 7)} leads: ${after.map((s) => s.slice(0, 7))}`);
    const recalled = (await recallInWorkspace(workspace, QUERY, { k: 5 })).experiences.find((e) => e.sha === behind)!;
    assert.ok(recalled.why.some((w) => /^learned utility 0\.51/.test(w)), recalled.why.join('; '));
    // Its utility over time, credit by credit (what the memory history shows).
    const history = await readCreditHistory(store, `commit:${behind}`);
    assert.deepEqual(history.map((h) => [h.reward, h.q, h.uses]), [[1, 0.3, 1], [1, 0.51, 2]]);
  });

  it('quarantines a memory that keeps hurting: kept in the store, never recalled', async () => {
    const victim = shaOf.header!;
    for (let i = 0; i < 4; i++) await creditExperiences(store, [`commit:${victim}`], -1);
    const stored = (await (await MemoryStore.open(store)).loadAll()).find((e) => e.sha === victim);
    assert.equal(stored?.utility.quarantined, 'auto');
    assert.ok(stored!.utility.harmful >= stored!.utility.helpful);
    assert.ok(!(await ranking()).includes(victim));
    // A person can bring it back (and put another aside).
    assert.equal(await setQuarantine(store, victim, false), true);
    assert.ok((await ranking()).includes(victim));
    await setQuarantine(store, shaOf.body!, true);
    assert.ok(!(await ranking()).includes(shaOf.body!));
    assert.match(readFileSync(join(store, 'memory', 'experiences', 'shard-000000.json'), 'utf8'), /"quarantined":"manual"/);
  });

  it('a pin ranks a memory first, survives harmful credit, and yields to a quarantine', async () => {
    await setQuarantine(store, shaOf.body!, false);
    await setQuarantine(store, shaOf.header!, false);
    const before = await ranking();
    const last = before.at(-1)!;
    assert.equal(await setPinned(store, last, true), true);
    const pinned = (await recallInWorkspace(workspace, QUERY, { k: 5 })).experiences;
    assert.equal(pinned[0]!.sha, last, `the pinned memory leads: ${pinned.map((e) => e.sha.slice(0, 7))}`);
    assert.ok(pinned[0]!.why.includes('pinned by you'));
    for (let i = 0; i < 4; i++) await creditExperiences(store, [`commit:${last}`], -1);
    assert.ok((await ranking()).includes(last), 'a pinned memory is not quarantined automatically');
    await setQuarantine(store, last, true);
    const stored = (await (await MemoryStore.open(store)).loadAll()).find((e) => e.sha === last)!;
    assert.equal(stored.utility.pinned, undefined, 'quarantining removes the pin');
    assert.ok(!(await ranking()).includes(last));
    assert.equal(await setPinned(store, '0000000000000000000000000000000000000000', true), false);
  });

  it('ignores ids it does not know', async () => {
    const credit = await creditExperiences(store, ['commit:0000000000000000000000000000000000000000'], 1);
    assert.deepEqual(credit, { updated: [], missing: ['0000000000000000000000000000000000000000'], quarantined: [] });
  });
});
