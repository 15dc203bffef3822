import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import type { RunSummary } from '../../../src/core/agents/solveTask.ts';
import { recordRunOutcome } from '../../../src/core/learning/runOutcome.ts';
import { readDecisions, readSkill, rollbackSkill, saveSkillVersion, setSkillStatus, skillsDir } from '../../../src/core/skills/skillLibrary.ts';
import { creditSkills, readSkillStats, rollbackIfWorse, rollbackReason, skillStatsPath } from '../../../src/core/skills/skillStats.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const stores: string[] = [];
after(() => {
  for (const dir of stores) rmSync(dir, { recursive: true, force: true });
});

function newStore(): string {
  const dir = tempDir('coevolve-skill-stats-');
  stores.push(dir);
  return dir;
}

/** v1 and v2 of a skill, v2 current; returns v1's SKILL.md bytes as first stored. */
async function twoVersions(store: string, name = 'guard-empty'): Promise<Buffer> {
  const v1 = await saveSkillVersion(store, { name, description: 'Guard parsers against empty input', status: 'active' }, '# Guard\n\nCheck `input.trim()` first.\n');
  const bytes = readFileSync(v1.path);
  await saveSkillVersion(store, { name, description: 'Guard parsers and tokenizers against empty input', status: 'active' }, '# Guard\n\nCheck `input.length` first.\n');
  return bytes;
}

async function credit(store: string, ids: string[], outcomes: boolean[]): Promise<void> {
  for (const accepted of outcomes) await creditSkills(store, ids, accepted);
}

describe('per-version skill stats', () => {
  it('counts uses, acceptances and rejections per version, outside SKILL.md', async () => {
    const store = newStore();
    await saveSkillVersion(store, { name: 'guard-empty', description: 'Guard parsers against empty input', status: 'active' }, 'Check `input.trim()`.\n');
    const v1Text = (await readSkill(store, 'guard-empty')).text;
    await credit(store, ['guard-empty'], [true, true, false]);
    assert.deepEqual(await readSkillStats(store, 'guard-empty'), { versions: { 1: { uses: 3, accepted: 2, rejected: 1 } } });
    assert.equal((await readSkill(store, 'guard-empty')).text, v1Text, 'SKILL.md is not touched');

    await saveSkillVersion(store, { name: 'guard-empty', description: 'Guard parsers against empty input', status: 'active' }, 'Check `input.length`.\n');
    const result = await creditSkills(store, ['guard-empty', 'guard-empty', 'guard-empty@v1', 'no-such-skill', 'guard-empty@v9', '../etc'], false);
    assert.deepEqual(result.credited.map((c) => [c.name, c.version, c.stats]), [
      ['guard-empty', 2, { uses: 1, accepted: 0, rejected: 1 }],
      ['guard-empty', 1, { uses: 4, accepted: 2, rejected: 2 }],
    ]);
    assert.deepEqual(result.missing, ['no-such-skill', 'guard-empty@v9', '../etc']);
    assert.deepEqual(JSON.parse(readFileSync(skillStatsPath(store, 'guard-empty'), 'utf8')), { schema: 1, versions: { 1: { uses: 4, accepted: 2, rejected: 2 }, 2: { uses: 1, accepted: 0, rejected: 1 } } });
  });

  it('keeps the stats through a rollback and a status change, and never lists them as a resource', async () => {
    const store = newStore();
    await twoVersions(store);
    await credit(store, ['guard-empty@v1'], [true]);
    await credit(store, ['guard-empty'], [false, true]);
    const before = await readSkillStats(store, 'guard-empty');
    const back = await rollbackSkill(store, 'guard-empty');
    assert.equal(back.doc.meta.version, 1);
    await setSkillStatus(store, 'guard-empty', 'retired', 'test');
    assert.deepEqual(await readSkillStats(store, 'guard-empty'), before);
    assert.deepEqual(back.resources, []);
    await creditSkills(store, ['guard-empty'], true);
    assert.deepEqual((await readSkillStats(store, 'guard-empty')).versions['1'], { uses: 2, accepted: 2, rejected: 0 }, 'the current version after the rollback is v1');
  });

  it('shows the current version\'s acceptance in `coevolve skills list`', async () => {
    const store = newStore();
    await twoVersions(store);
    await saveSkillVersion(store, { name: 'unused', description: 'Never used yet' }, 'x\n');
    await credit(store, ['guard-empty'], [true, false, true]);
    await credit(store, ['guard-empty@v1'], [false]);
    const cli = join(import.meta.dirname, '../../../src/cli/main.ts');
    const list = spawnSync(process.execPath, ['--import', 'tsx', cli, 'skills', 'list', '--store', store, '--path', store], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.match(lines.find((l) => l.startsWith('guard-empty'))!, /v2 of 2\s+active\s+accepted 2\/3\s+Guard parsers and tokenizers/);
    assert.doesNotMatch(lines.find((l) => l.startsWith('unused'))!, /accepted/);
    const json = spawnSync(process.execPath, ['--import', 'tsx', cli, 'skills', 'list', '--json', '--store', store, '--path', store], { encoding: 'utf8' });
    assert.deepEqual((JSON.parse(json.stdout) as { name: string; stats: unknown }[]).map((s) => [s.name, s.stats]), [['guard-empty', { uses: 3, accepted: 2, rejected: 1 }], ['unused', null]]);
  });

  it('refuses a corrupt stats file with a clear error and leaves it as it was', async () => {
    const store = newStore();
    await saveSkillVersion(store, { name: 'guard-empty', description: 'Guard parsers against empty input' }, 'x\n');
    mkdirSync(join(skillsDir(store), '.stats'), { recursive: true });
    writeFileSync(skillStatsPath(store, 'guard-empty'), '{"versions":{"1":{"uses":-1}}}');
    await assert.rejects(creditSkills(store, ['guard-empty'], true), (e: unknown) => CoevolveError.is(e, 'store-corrupt') && /guard-empty\.json is not a skill stats file/.test(e.message));
    assert.equal(readFileSync(skillStatsPath(store, 'guard-empty'), 'utf8'), '{"versions":{"1":{"uses":-1}}}');
  });
});

describe('automatic rollback', () => {
  it('decides by acceptance rate: strictly below the parent, with enough uses', () => {
    const v = (version: number, accepted: number, uses: number) => ({ version, uses, accepted, rejected: uses - accepted });
    assert.equal(rollbackReason(v(2, 1, 3), v(1, 3, 4)), "automatic: acceptance 33% (1/3) below v1's 75% (3/4)");
    assert.equal(rollbackReason(v(2, 1, 2), v(1, 3, 4)), undefined, 'two uses are too few');
    assert.equal(rollbackReason(v(2, 2, 3), v(1, 2, 3)), undefined, 'an equal rate keeps the newer version');
    assert.equal(rollbackReason(v(2, 2, 4), v(1, 1, 2)), undefined, 'equal rates with different counts');
    assert.equal(rollbackReason(v(2, 0, 5), v(1, 0, 0)), undefined, 'a parent never used is no evidence');
    assert.equal(rollbackReason(v(2, 2, 3), v(1, 1, 1)), "automatic: acceptance 67% (2/3) below v1's 100% (1/1)", 'a parent with any use counts');
  });

  it('rolls back to the parent byte for byte exactly when the rate falls below it, with the evidence', async () => {
    const store = newStore();
    const v1Bytes = await twoVersions(store);
    await credit(store, ['guard-empty@v1'], [true, true, true, false]);
    await credit(store, ['guard-empty'], [true, false]);
    assert.equal(await rollbackIfWorse(store, 'guard-empty'), undefined, 'v2 has two uses');
    await credit(store, ['guard-empty'], [false]);
    const rollback = await rollbackIfWorse(store, 'guard-empty');
    assert.deepEqual(rollback, {
      name: 'guard-empty',
      from: 2,
      to: 1,
      reason: "automatic: acceptance 33% (1/3) below v1's 75% (3/4)",
      evidence: { rule: "acceptance below the parent's after at least 3 uses", current: { version: 2, uses: 3, accepted: 1, rejected: 2 }, parent: { version: 1, uses: 4, accepted: 3, rejected: 1 } },
    });
    const current = await readSkill(store, 'guard-empty');
    assert.deepEqual(readFileSync(current.path), v1Bytes);
    const decision = (await readDecisions(store)).at(-1)!;
    assert.deepEqual([decision.action, decision.version, decision.from, decision.reason, decision.evidence], ['rollback', 1, 2, rollback!.reason, rollback!.evidence]);
    assert.equal(await rollbackIfWorse(store, 'guard-empty'), undefined, 'v1 has no parent: nothing further');
  });

  it('stays at an equal rate, and leaves a retired skill alone', async () => {
    const store = newStore();
    await twoVersions(store);
    await credit(store, ['guard-empty@v1'], [true, false]);
    await credit(store, ['guard-empty'], [true, false, true, false]);
    assert.equal(await rollbackIfWorse(store, 'guard-empty'), undefined);
    assert.equal((await readSkill(store, 'guard-empty')).doc.meta.version, 2);
    await credit(store, ['guard-empty'], [false]);
    await setSkillStatus(store, 'guard-empty', 'retired', 'a person disabled it');
    assert.equal(await rollbackIfWorse(store, 'guard-empty'), undefined, '2/5 is below 1/2, but a person retired it');
    assert.equal((await readSkill(store, 'guard-empty')).doc.meta.version, 2);
  });
});

describe('recordRunOutcome credits skills', () => {
  let runs = 0;
  function fakeRun(store: string, skillIds: string[], status: RunSummary['status'] = 'passed'): string {
    const runId = `run-${++runs}`;
    const summary: RunSummary = {
      runId,
      task: 'Guard the parser against empty input',
      origin: 'user',
      status,
      reason: 'checks passed',
      rounds: 1,
      plan: 'add a guard',
      summary: 'guarded',
      files: [{ path: 'src/parse.ts', status: 'modified' }],
      checks: [],
      report: '',
      memory: { experienceIds: [], files: [], skillIds, fixIds: [] },
      headAtStart: undefined,
      accounting: { calls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, latencyMs: 0, costUsd: 0, costIncomplete: false, byRole: {} },
    };
    mkdirSync(join(store, 'runs', runId), { recursive: true });
    writeFileSync(join(store, 'runs', runId, 'summary.json'), JSON.stringify(summary));
    return runId;
  }

  it('counts the skills a run used and rolls back a version that does worse than its parent', async () => {
    const store = newStore();
    const v1Bytes = await twoVersions(store);
    await credit(store, ['guard-empty@v1'], [true, true, true, false]);

    const first = await recordRunOutcome(store, fakeRun(store, ['guard-empty']), 'accepted');
    assert.deepEqual([first.creditedSkills, first.rolledBack], [['guard-empty@v2'], []]);
    const second = await recordRunOutcome(store, fakeRun(store, ['guard-empty']), 'rejected');
    assert.deepEqual([second.creditedSkills, second.rolledBack], [['guard-empty@v2'], []]);
    // Accepted by the person but not verified: a failure for the skill, as for the rest of memory.
    const third = await recordRunOutcome(store, fakeRun(store, ['guard-empty', 'gone-skill'], 'failed'), 'accepted');
    assert.deepEqual(third.creditedSkills, ['guard-empty@v2']);
    assert.deepEqual(third.rolledBack.map((r) => [r.name, r.from, r.to, r.reason]), [['guard-empty', 2, 1, "automatic: acceptance 33% (1/3) below v1's 75% (3/4)"]]);
    assert.deepEqual(readFileSync((await readSkill(store, 'guard-empty')).path), v1Bytes);
    assert.deepEqual((await readSkillStats(store, 'guard-empty')).versions, { 1: { uses: 4, accepted: 3, rejected: 1 }, 2: { uses: 3, accepted: 1, rejected: 2 } });

    const none = await recordRunOutcome(store, fakeRun(store, []), 'accepted');
    assert.deepEqual([none.creditedSkills, none.rolledBack], [[], []]);
  });
});
