// Utility over time in the memory browser: a real repository is mined, its memories are credited
// through core (creditExperiences, creditFixes), and the host's creditHistory request answers a whole
// page in one read of memory/credits.jsonl. Then a log of 200,000 lines. Plain Node: no `vscode`.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { readCreditHistory } from '../../../src/core/learning/creditLog.ts';
import { appendFix, creditFixes, newFixUtility } from '../../../src/core/learning/fixExperience.ts';
import type { FixExperience } from '../../../src/core/learning/fixExperience.ts';
import { creditExperiences } from '../../../src/core/learning/utility.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { creditLogPath, readCreditHistories } from '../../../src/extension/creditHistory.ts';
import { memoryPanelHandlers } from '../../../src/extension/memoryPanelHandlers.ts';
import { MAX_CREDIT_POINTS, parseResult, parseWebviewMessage } from '../../../src/protocol/memoryPanel.ts';
import type { RequestHandlers } from '../../../src/protocol/memoryPanel.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

function fix(runId: string): FixExperience {
  return {
    schema: 1,
    id: `fix:${runId}`,
    source: 'fix',
    runId,
    time: 1_700_000_000,
    task: `task of ${runId}`,
    plan: 'plan',
    summary: 'summary',
    patchSummary: '',
    files: ['src/header.ts'],
    verification: { status: 'passed', checks: [] },
    rounds: 1,
    outcome: 'accepted',
    verified: true,
    active: true,
    memoryUsed: { experienceIds: [], skillIds: [], fixIds: [] },
    utility: newFixUtility(),
  };
}

describe('credit history for a page of the memory browser (a real mined store)', () => {
  let repo: GitRepo;
  let store: string;
  let handlers: RequestHandlers;
  const sha: Record<string, string> = {};

  before(async () => {
    repo = GitRepo.create('coevolve-credits-');
    store = tempDir('coevolve-credits-store-');
    repo.commit('feat: parsers', { 'src/header.ts': 'export function parseHeader(s: string) {\n  return s.split(":");\n}\n' });
    sha.header = repo.commit('fix(parser): handle empty input in parseHeader', { 'src/header.ts': 'export function parseHeader(s: string) {\n  if (!s) return [];\n  return s.split(":");\n}\n' });
    sha.docs = repo.commit('docs: readme', { 'README.md': '# parsers\n' });
    sha.never = repo.commit('chore: bump', { 'VERSION': '2\n' });
    await mineHistory(repo.dir, { storeDir: store });
    const workspace = await resolveWorkspace(repo.dir, store);
    handlers = memoryPanelHandlers(async () => workspace, {
      runs: { live: () => new Set(), confirmFeedback: async () => false },
      confirmForget: async () => false,
      skills: { approver: 'tester', confirmSkill: async () => false },
    });
    // Two good outcomes for the fix commit, a bad one between them for the docs commit; a fix credited twice.
    const t0 = 1_700_000_000;
    await creditExperiences(store, [`commit:${sha.header}`], 1, t0);
    await creditExperiences(store, [`commit:${sha.docs}`], -1, t0 + 60);
    await creditExperiences(store, [`commit:${sha.header}`, `commit:${sha.docs}`], 1, t0 + 120);
    await appendFix(store, fix('run-1'));
    await creditFixes(store, ['fix:run-1'], 1, t0 + 180);
    await creditFixes(store, ['fix:run-1'], -1, t0 + 240);
  });
  after(() => {
    repo.remove();
    rmSync(store, { recursive: true, force: true });
  });

  it('answers every id of a page in one request: the credited ones, oldest first, as core reads them', async () => {
    const ids = [`commit:${sha.header}`, `commit:${sha.docs}`, `commit:${sha.never}`, 'fix:run-1', 'fix:never-decided'];
    const asked = parseWebviewMessage({ type: 'request', id: 1, name: 'creditHistory', params: { ids } });
    assert.equal(asked.ok, true, 'the page asks with experience and fix ids');
    const result = await handlers.creditHistory({ ids });
    assert.equal(parseResult('creditHistory', result).ok, true);
    assert.deepEqual(
      result.histories.map((h) => h.id),
      [`commit:${sha.header}`, `commit:${sha.docs}`, 'fix:run-1'],
      'only memories with credits come back, in the order asked',
    );
    const header = result.histories[0]!;
    // 0.3, then 0.51 less two minutes of decay.
    assert.deepEqual(header.points.map((p) => [p.reward, p.q.toFixed(2)]), [[1, '0.30'], [1, '0.51']]);
    assert.equal(header.count, 2);
    const docs = result.histories[1]!;
    assert.deepEqual(docs.points.map((p) => p.reward), [-1, 1]);
    assert.ok(docs.points[0]!.q < 0 && docs.points[1]!.q > docs.points[0]!.q);
    assert.deepEqual(result.histories[2]!.points.map((p) => p.reward), [1, -1]);
    // The same credits core's own reader finds, one id at a time.
    for (const history of result.histories) {
      const core = await readCreditHistory(store, history.id);
      assert.deepEqual(history.points.map((p) => [p.at, p.q, p.reward]), core.map((c) => [c.at, c.q, c.reward]), history.id);
    }
  });

  it('asks for nothing it cannot hold: bad ids, an empty page, more than a list', () => {
    const ask = (ids: unknown) => parseWebviewMessage({ type: 'request', id: 2, name: 'creditHistory', params: { ids } }).ok;
    assert.equal(ask([]), false);
    assert.equal(ask(['commit:not-a-sha']), false);
    assert.equal(ask(['fix:../../etc/passwd']), false);
    assert.equal(ask(['fix:..']), false);
    assert.equal(ask(['skill:guard']), false);
    assert.equal(ask(Array.from({ length: 501 }, (_, i) => `fix:run-${i}`)), false);
    assert.equal(ask(Array.from({ length: 500 }, (_, i) => `fix:run-${i}`)), true);
  });

  it('reads a log of 200,000 credits once for a page of 200 ids, skipping torn lines, keeping the latest points', async () => {
    const dir = tempDir('coevolve-credits-big-');
    try {
      const path = creditLogPath(dir);
      mkdirSync(dirname(path), { recursive: true });
      const lines: string[] = [];
      // 199,800 credits of other memories, 200 of the page's (one of them credited 150 times).
      const page = Array.from({ length: 200 }, (_, i) => `commit:${i.toString(16).padStart(40, '0')}`);
      let at = 1_600_000_000;
      for (let i = 0; i < 200_000; i++) {
        at += 1;
        const mine = i % 1_000 === 0;
        const id = mine ? page[(i / 1_000) % page.length]! : `commit:${(1_000_000 + i).toString(16).padStart(40, 'f')}`;
        const heavy = i > 100_000 && i <= 100_150;
        lines.push(JSON.stringify({ at, id: heavy ? page[7]! : id, reward: i % 3 ? 1 : -1, q: ((i % 200) - 100) / 100, helpful: 1, harmful: 0, uses: 1 }));
      }
      writeFileSync(path, `${lines.join('\n')}\n`);
      appendFileSync(path, `{"at":1,"id":"${page[0]!}","rew\n`);
      appendFileSync(path, `{"at":2,"id":"${page[0]!}","reward":2,"q":0.1}\n`);
      const started = performance.now();
      const histories = await readCreditHistories(dir, page);
      const ms = performance.now() - started;
      assert.equal(histories.size, 200);
      const heavy = histories.get(page[7]!)!;
      assert.equal(heavy.count, 151);
      assert.equal(heavy.points.length, MAX_CREDIT_POINTS, 'a long history is cut to the latest points');
      assert.ok(heavy.points.every((p, i) => i === 0 || p.at >= heavy.points[i - 1]!.at), 'oldest first');
      assert.equal(histories.get(page[0]!)!.count, 1, 'a torn line and a line with an impossible reward are skipped');
      assert.ok(ms < 5_000, `read in ${Math.round(ms)} ms`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a store with no credits yet has no histories (not an error)', async () => {
    const dir = tempDir('coevolve-credits-none-');
    try {
      assert.equal((await readCreditHistories(dir, ['commit:abcdef1'])).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
