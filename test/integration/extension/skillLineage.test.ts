// The Skills tab's host side on a real store: a mined repository, skills written through the library
// (saveSkillVersion), acceptance counted through creditSkills, evolution decisions through
// recordEvolutionDecision. Lineage and evidence; rollback to a chosen version; approval that shows
// the safety findings first, refuses a secret and writes only what was confirmed. Plain Node.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { recordEvolutionDecision } from '../../../src/core/evolution/decisionLog.ts';
import type { EvolutionDecision } from '../../../src/core/evolution/decisionLog.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { readDecisions, readSkill, saveSkillVersion, skillsDir } from '../../../src/core/skills/skillLibrary.ts';
import { creditSkills, skillStatsPath } from '../../../src/core/skills/skillStats.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { memoryPanelHandlers } from '../../../src/extension/memoryPanelHandlers.ts';
import { confirmationText } from '../../../src/extension/skillConfirmText.ts';
import type { SkillConfirmation } from '../../../src/extension/skillHandlers.ts';
import { parseResult } from '../../../src/protocol/memoryPanel.ts';
import type { RequestHandlers } from '../../../src/protocol/memoryPanel.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// Built from parts so that no secret scanner flags this file.
const TOKEN = ['ghp', '_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');

function decision(verdict: EvolutionDecision['verdict'], name: string, extra: Partial<EvolutionDecision> = {}): EvolutionDecision {
  return {
    at: new Date().toISOString(),
    clusterId: 'c1',
    signature: 'TypeError: Cannot read properties of undefined (reading <name>)',
    runs: ['run-a', 'run-b'],
    proposal: { action: 'edit', kind: 'skill', name, description: 'Guard empty input', trigger: { keywords: [], files: [], errors: [] }, body: '# Guard\n', rationale: 'Both runs split an empty string.' },
    verdict,
    reason: verdict === 'accepted' ? 'wins 2 > losses 0; held-out 3/3 with, 2/3 without' : 'wins 0 ≤ losses 1',
    evidence: { pairs: [], heldOut: [], wins: verdict === 'accepted' ? 2 : 0, losses: verdict === 'accepted' ? 0 : 1, heldOutPassedWith: 3, heldOutPassedWithout: 2, safety: [] },
    ...extra,
  };
}

describe('skill lineage and actions in the memory browser (a real store)', () => {
  let repo: GitRepo;
  let store: string;
  let handlers: RequestHandlers;
  const asked: SkillConfirmation[] = [];
  let answer: (confirmation: SkillConfirmation) => Promise<boolean> = async () => true;

  before(async () => {
    repo = GitRepo.create('coevolve-skill-lineage-');
    store = tempDir('coevolve-skill-lineage-store-');
    repo.commit('feat: tokenizer', { 'src/parser.ts': 'export const tokenize = (s: string) => s.split(" ");\n' });
    repo.commit('fix(parser): handle empty input', { 'src/parser.ts': 'export const tokenize = (s: string) => (s ? s.split(" ") : []);\n' });
    await mineHistory(repo.dir, { storeDir: store });
    const workspace = await resolveWorkspace(repo.dir, store);
    handlers = memoryPanelHandlers(async () => workspace, {
      runs: { live: () => new Set(), confirmFeedback: async () => false },
      confirmForget: async () => false,
      skills: {
        approver: 'ada',
        confirmSkill: (confirmation) => {
          asked.push(confirmation);
          return answer(confirmation);
        },
      },
    });

    // guard-empty-input: v1 written by hand and used (2 of 2 accepted), then v2 from the evolution
    // loop (1 of 3 accepted). A rejected proposal for the same name, and a decision about another skill.
    await saveSkillVersion(store, { name: 'guard-empty-input', description: 'Return early on blank input.', kind: 'skill', status: 'active', provenance: { source: 'manual' } }, '# Guard empty input\n\nCheck `input.trim()` first.\n');
    await creditSkills(store, ['guard-empty-input@v1'], true);
    await creditSkills(store, ['guard-empty-input@v1'], true);
    await recordEvolutionDecision(store, decision('rejected', 'guard-empty-input', { at: '2025-01-01T10:00:00.000Z' }));
    await saveSkillVersion(
      store,
      { name: 'guard-empty-input', description: 'Return early on blank or whitespace input.', kind: 'skill', status: 'active', provenance: { source: 'evolution', runs: ['run-a', 'run-b'], createdAt: '2025-01-02T10:00:00.000Z' } },
      '# Guard empty input\n\nCheck `input.trim()` first, and whitespace-only input too.\n',
      {},
      'evolution: accepted',
    );
    await recordEvolutionDecision(store, decision('accepted', 'other-name', { at: '2025-01-02T10:00:00.000Z', saved: { name: 'guard-empty-input', version: 2, status: 'active' } }));
    await recordEvolutionDecision(store, decision('accepted', 'unrelated-skill'));
    for (const accepted of [true, false, false]) await creditSkills(store, ['guard-empty-input@v2'], accepted);
  });
  after(() => {
    repo.remove();
    rmSync(store, { recursive: true, force: true });
  });
  beforeEach(() => {
    asked.length = 0;
    answer = async () => true;
  });

  it('shows every version with its parent and acceptance, the evolution decisions and the history', async () => {
    const lineage = await handlers.skillLineage({ name: 'guard-empty-input' });
    assert.equal(parseResult('skillLineage', lineage).ok, true);
    assert.deepEqual(
      lineage.versions.map((v) => [v.version, v.parent, v.current, v.stats.uses, v.stats.accepted, v.stats.rejected, v.provenance?.source]),
      [
        [1, null, false, 2, 2, 0, 'manual'],
        [2, 1, true, 3, 1, 2, 'evolution'],
      ],
    );
    assert.deepEqual(lineage.versions[1]!.provenance, { source: 'evolution', runs: ['run-a', 'run-b'], createdAt: '2025-01-02T10:00:00.000Z' });
    // Matched by the proposal's name or by the name it was saved as; newest first; another skill's left out.
    assert.deepEqual(lineage.evolution.map((d) => [d.verdict, d.saved?.version, d.wins, d.losses, d.heldOutPassedWith, d.heldOutPassedWithout]), [
      ['accepted', 2, 2, 0, 3, 2],
      ['rejected', undefined, 0, 1, 3, 2],
    ]);
    assert.equal(lineage.evolutionTotal, 2);
    assert.deepEqual(lineage.evolution[1]!.runs, ['run-a', 'run-b']);
    assert.equal(lineage.evolution[1]!.proposal?.rationale, 'Both runs split an empty string.');
    assert.deepEqual(lineage.history.map((h) => [h.action, h.version]), [['version', 2], ['version', 1]]);
    assert.match(lineage.history[0]!.reason, /evolution: accepted/);
    assert.deepEqual(lineage.safety, { version: 2, findings: [], needsApproval: false, hasSecret: false });
    assert.deepEqual(lineage.problems, []);
  });

  it('rolls back to the chosen version after confirmation, with both versions\' acceptance in it; cancelling changes nothing', async () => {
    await saveSkillVersion(store, { name: 'guard-empty-input', description: 'v3', kind: 'skill', status: 'active' }, '# v3\n');
    answer = async () => false;
    await assert.rejects(handlers.skillAction({ name: 'guard-empty-input', action: 'rollback', version: 1 }), (error) => CoevolveError.is(error, 'cancelled'));
    assert.equal((await readSkill(store, 'guard-empty-input')).doc.meta.version, 3, 'cancelled: still v3');
    answer = async () => true;
    const row = await handlers.skillAction({ name: 'guard-empty-input', action: 'rollback', version: 1 });
    assert.equal(row.version, 1, 'not v2, the parent: the version chosen');
    assert.deepEqual(asked.at(-1), { action: 'rollback', name: 'guard-empty-input', version: 1, from: 3, stats: { target: { uses: 2, accepted: 2, rejected: 0 }, current: { uses: 0, accepted: 0, rejected: 0 } } });
    const text = confirmationText(asked.at(-1)!);
    assert.equal(text.label, 'Roll Back to v1');
    assert.match(text.message, /back from v3 to v1/);
    assert.match(text.detail, /v3: not used yet · v1: 2\/2 accepted/);
    assert.equal((await readSkill(store, 'guard-empty-input')).text, (await readSkill(store, 'guard-empty-input', 1)).text, 'v1 byte for byte');
    const lineage = await handlers.skillLineage({ name: 'guard-empty-input' });
    assert.deepEqual(lineage.versions.filter((v) => v.current).map((v) => v.version), [1]);
    assert.deepEqual(lineage.history[0], { at: lineage.history[0]!.at, action: 'rollback', version: 1, from: 3, reason: 'rolled back from v3 to v1 in the memory browser' });
    // The current version is no target, nor one that does not exist.
    await assert.rejects(handlers.skillAction({ name: 'guard-empty-input', action: 'rollback', version: 1 }), /already at v1/);
    await assert.rejects(handlers.skillAction({ name: 'guard-empty-input', action: 'rollback', version: 9 }), /no version 9/);
  });

  it('approval shows the safety findings first and records the approver; cancelling leaves a candidate', async () => {
    const saved = await saveSkillVersion(store, { name: 'deploy-helper', description: 'How deploys are checked.', kind: 'skill', status: 'active' }, '# Deploy\n\nRun `make deploy-check` and fetch https://status.example.com/health first.\n');
    assert.equal(saved.doc.meta.status, 'candidate', 'held: it has findings and nobody approved it');
    const lineage = await handlers.skillLineage({ name: 'deploy-helper' });
    assert.equal(lineage.safety?.needsApproval, true);
    assert.deepEqual(new Set(lineage.safety?.findings.map((f) => f.kind)), new Set(['command', 'network']));

    answer = async () => false;
    await assert.rejects(handlers.skillAction({ name: 'deploy-helper', action: 'approve', version: 1 }), (error) => CoevolveError.is(error, 'cancelled'));
    assert.equal((await readSkill(store, 'deploy-helper')).doc.meta.status, 'candidate');
    const confirmation = asked.at(-1)!;
    assert.equal(confirmation.action, 'approve');
    assert.deepEqual(confirmation.action === 'approve' && confirmation.findings, lineage.safety?.findings, 'the modal gets exactly what the tab listed');
    const text = confirmationText(confirmation);
    assert.equal(text.label, 'Approve Anyway');
    assert.match(text.message, /despite 2 safety findings/);
    assert.match(text.detail, /command .*SKILL\.md:\d+ .*make deploy-check/);
    assert.match(text.detail, /network .*status\.example\.com/);

    answer = async () => true;
    const row = await handlers.skillAction({ name: 'deploy-helper', action: 'approve', version: 1 });
    assert.equal(row.status, 'active');
    const approved = await readSkill(store, 'deploy-helper');
    assert.equal(approved.doc.meta.approvedBy, 'ada');
    const last = (await readDecisions(store)).filter((d) => d.name === 'deploy-helper').at(-1)!;
    assert.equal(last.action, 'status:active');
    assert.match(last.reason, /approved in the memory browser after reviewing 2 safety findings/);
  });

  it('approval of a version other than the one reviewed is refused before anyone is asked', async () => {
    await saveSkillVersion(store, { name: 'moving-target', description: 'd', kind: 'skill' }, '# one\n');
    await saveSkillVersion(store, { name: 'moving-target', description: 'd', kind: 'skill' }, '# two\n');
    await assert.rejects(handlers.skillAction({ name: 'moving-target', action: 'approve', version: 1 }), /at v2 now, not the v1 you reviewed/);
    assert.equal(asked.length, 0);
  });

  it('a skill that changed while the modal was open is not approved', async () => {
    await saveSkillVersion(store, { name: 'racy', description: 'd', kind: 'skill' }, '# Racy\n\nUse `curl` to fetch it.\n');
    answer = async () => {
      await saveSkillVersion(store, { name: 'racy', description: 'd', kind: 'skill' }, '# Racy\n\nNow also run `sudo make install`.\n');
      return true;
    };
    await assert.rejects(handlers.skillAction({ name: 'racy', action: 'approve', version: 1 }), /changed while you were deciding/);
    assert.equal((await readSkill(store, 'racy')).doc.meta.status, 'candidate');
  });

  it('a skill holding a secret cannot be approved: refused without a modal, and the tab says so', async () => {
    // The library refuses to store a secret; one arrives by hand (an edit on disk, a copied folder).
    await saveSkillVersion(store, { name: 'leaky', description: 'Talks to GitHub.', kind: 'skill' }, '# Leaky\n\nUse the GitHub API.\n');
    for (const folder of [join(skillsDir(store), 'leaky'), join(skillsDir(store), 'leaky', 'versions', '1')]) {
      writeFileSync(join(folder, 'SKILL.md'), `---\nname: leaky\ndescription: Talks to GitHub.\nkind: skill\nversion: 1\nparent: null\nstatus: candidate\n---\n# Leaky\n\nUse token ${TOKEN} for the API.\n`);
    }
    const lineage = await handlers.skillLineage({ name: 'leaky' });
    assert.equal(lineage.safety?.hasSecret, true);
    assert.ok(!JSON.stringify(lineage).includes(TOKEN), 'the panel never receives the secret itself');
    await assert.rejects(handlers.skillAction({ name: 'leaky', action: 'approve', version: 1 }), /contains a secret \(SKILL\.md:\d+\); it cannot be approved/);
    assert.equal(asked.length, 0, 'no modal offers to approve it');
    assert.equal((await readSkill(store, 'leaky')).doc.meta.status, 'candidate');
  });

  it('a broken stats file or log costs its part of the evidence, not the view', async () => {
    await saveSkillVersion(store, { name: 'broken-evidence', description: 'd', kind: 'skill' }, '# B\n');
    mkdirSync(join(skillsDir(store), '.stats'), { recursive: true });
    writeFileSync(skillStatsPath(store, 'broken-evidence'), '{ not json');
    appendFileSync(join(store, 'evolution', 'decisions.jsonl'), '{"torn":');
    const lineage = await handlers.skillLineage({ name: 'broken-evidence' });
    assert.equal(parseResult('skillLineage', lineage).ok, true);
    assert.equal(lineage.versions.length, 1);
    assert.deepEqual(lineage.versions[0]!.stats, { uses: 0, accepted: 0, rejected: 0 });
    assert.equal(lineage.problems.length, 1);
    assert.match(lineage.problems[0]!, /^acceptance counts: .*not valid JSON/);
    assert.equal(lineage.history.length, 1, 'the history is still there');
    assert.equal((await handlers.skillLineage({ name: 'guard-empty-input' })).evolutionTotal, 2, 'a torn decision line is skipped');
  });

  it('disable asks first, then retires the current version', async () => {
    await saveSkillVersion(store, { name: 'to-retire', description: 'd', kind: 'skill', status: 'active' }, '# R\n');
    const row = await handlers.skillAction({ name: 'to-retire', action: 'disable' });
    assert.equal(row.status, 'retired');
    assert.deepEqual(asked, [{ action: 'disable', name: 'to-retire', version: 1 }]);
    assert.deepEqual(confirmationText(asked[0]!).label, 'Disable');
  });
});
