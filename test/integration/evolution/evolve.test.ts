import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readEvolutionDecisions } from '../../../src/core/evolution/decisionLog.ts';
import { evolveSkills } from '../../../src/core/evolution/evolve.ts';
import type { EvolveOptions } from '../../../src/core/evolution/evolve.ts';
import type { Proposal } from '../../../src/core/evolution/proposal.ts';
import { listSkills, readSkill } from '../../../src/core/skills/skillLibrary.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { requestText, teamModels } from '../../helpers/teamFixtures.ts';
import { buildEvolveFixture, HEED, MISLEAD, mistakeNote, playTeam, SHIRK } from '../../helpers/evolveFixture.ts';
import type { EvolveFixture } from '../../helpers/evolveFixture.ts';

// The evolution loop end to end: real failed runs in a real repository, a real proposer call over
// HTTP, and every candidate judged by real `node --test` runs of replayed tasks with and without it.

let server: ScriptedModelServer;
let fixture: EvolveFixture;
let proposal: Proposal = mistakeNote();
const cleanup: Array<() => void> = [];

before(async () => {
  server = await ScriptedModelServer.start();
  playTeam(server, () => proposal);
  fixture = await buildEvolveFixture(server);
});
after(async () => {
  cleanup.forEach((fn) => fn());
  fixture?.remove();
  await server.close();
});

/** A fresh copy of the fixture's store (its mined history and its two failed runs). */
function freshStore(): string {
  const storeDir = tempDir('coevolve-evolve-copy-');
  cpSync(fixture.storeDir, storeDir, { recursive: true });
  cleanup.push(() => rmSync(storeDir, { recursive: true, force: true }));
  return storeDir;
}

function options(storeDir: string, extra: Partial<EvolveOptions> = {}): EvolveOptions {
  return {
    repoRoot: fixture.repo.dir,
    storeDir,
    models: teamModels(server.baseURL),
    secrets: () => undefined,
    budget: { maxRectifications: 0 },
    sandboxBaseDir: fixture.sandboxes,
    modelTimeoutMs: 20_000,
    heldOut: 1,
    ...extra,
  };
}

function proposerRequests(): string[] {
  return server.requests.filter((r) => r.body.model === 'gen').map((r) => requestText(r.body)).filter((t) => t.includes('skill library from its verification failures'));
}

function assertNothingLeft(): void {
  assert.deepEqual(readdirSync(fixture.sandboxes, { recursive: true }).map(String).filter((p) => p.endsWith('sandbox.json')), [], 'no sandbox is left');
  assert.equal(fixture.repo.git('status', '--porcelain'), '', 'the user\'s tree is untouched');
  assert.equal(fixture.repo.git('worktree', 'list').trim().split('\n').length, 1, 'no replay worktree is left registered');
}

describe('evolveSkills', () => {
  it('clusters the two runs\' failures into one signature (dry run: no model call, nothing written)', async () => {
    const storeDir = freshStore();
    const before = server.requests.length;
    const report = await evolveSkills(options(storeDir, { dryRun: true }));
    assert.equal(report.failedRuns, 2);
    assert.equal(report.clusters.length, 1, JSON.stringify(report.clusters));
    assert.equal(report.clusters[0]!.errorType, 'TypeError');
    assert.equal(report.clusters[0]!.runs, 2);
    assert.equal(server.requests.length, before, 'a dry run asks no model');
    assert.equal(existsSync(join(storeDir, 'evolution')), false);
    assert.deepEqual(await listSkills(storeDir), []);
  });

  it('accepts a mistake note that fixes the held-out runs, judged on runs the proposer never saw, k solves per arm', async () => {
    const storeDir = freshStore();
    proposal = mistakeNote();
    const proposals = proposerRequests().length;
    const report = await evolveSkills(options(storeDir));
    const decision = report.decisions[0]!;
    assert.equal(decision.verdict, 'accepted', decision.reason);
    // The newest run trains the proposer; the other is held out and judges the candidate.
    const [train, heldOutRun] = [...fixture.runIds].reverse();
    assert.deepEqual(decision.evidence.train, [train]);
    assert.deepEqual(decision.evidence.pairs.map((p) => p.source), [`run ${heldOutRun}`]);
    const shown = proposerRequests().slice(proposals).join('\n');
    assert.match(shown, /skip undefined values/, 'the proposer sees the training run');
    assert.doesNotMatch(shown, /skip NaN values/, 'and never the held-out one');
    assert.equal(decision.evidence.trialsPerArm, 3);
    assert.deepEqual(decision.evidence.pairs.map((p) => [p.runs?.without.map((r) => r.passed), p.runs?.with.map((r) => r.passed)]), [[[false, false, false], [true, true, true]]]);
    assert.deepEqual(decision.evidence.pairs.map((p) => p.outcome), ['win']);
    assert.equal(decision.evidence.heldOut.length, 1);
    assert.equal(decision.evidence.heldOut[0]!.runs?.with.length, 3);
    assert.equal(decision.evidence.heldOut[0]!.outcome, 'tie', 'the history task passes either way');
    assert.equal(decision.evidence.wins, 1);
    assert.equal(decision.evidence.losses, 0);
    assert.equal(decision.evidence.heldOutPassedWith, 1);
    assert.equal(decision.evidence.heldOutPassedWithout, 1);
    const skill = await readSkill(storeDir, 'reduce-initial-value');
    assert.equal(skill.doc.meta.status, 'active');
    assert.equal(skill.doc.meta.kind, 'mistake');
    assert.equal(skill.doc.meta.provenance?.source, 'evolution');
    assert.deepEqual([...(skill.doc.meta.provenance?.runs ?? [])], [train]);
    assert.match(skill.text, new RegExp(HEED));
    assert.deepEqual((await readEvolutionDecisions(storeDir)).map((d) => d.verdict), ['accepted']);
    assertNothingLeft();

    const before = proposerRequests().length;
    const again = await evolveSkills(options(storeDir));
    assert.equal(again.decisions.length, 0);
    assert.match(again.clusters[0]!.skip ?? '', /no new failures/);
    assert.equal(proposerRequests().length, before, 'no proposal on the same evidence');
  });

  it('rejects a candidate that changes nothing, keeps it in the history with why, and shows it to the next proposal', async () => {
    const storeDir = freshStore();
    proposal = mistakeNote({ name: 'vague-advice', body: '## Mistake\nThe code was wrong.\n\n## Correct approach\nWrite correct code.\n' });
    const report = await evolveSkills(options(storeDir, { trialsPerArm: 1 }));
    const decision = report.decisions[0]!;
    assert.equal(decision.verdict, 'rejected');
    assert.match(decision.reason, /did not improve the held-out score: 0 wins, 0 losses, 2 ties over 2 held-out tasks/);
    assert.equal(decision.proposal?.name, 'vague-advice');
    assert.deepEqual(await listSkills(storeDir), [], 'a rejected candidate never enters the library');
    assertNothingLeft();

    // New evidence (a third run failing the same way) brings the cluster back; the proposer is shown the discarded candidate and why.
    cpSync(join(storeDir, 'runs', fixture.runIds[0]!), join(storeDir, 'runs', `${fixture.runIds[0]!}-again`), { recursive: true });
    proposal = mistakeNote();
    const next = await evolveSkills(options(storeDir, { heldOut: 0, trialsPerArm: 1 }));
    assert.equal(next.decisions[0]!.verdict, 'accepted', next.decisions[0]!.reason);
    const shown = proposerRequests().at(-1)!;
    assert.match(shown, /rejected: create mistake "vague-advice"/);
    assert.match(shown, /did not improve the held-out score/);
  });

  it('rejects a candidate that helps the held-out run but breaks a task from history', async () => {
    const storeDir = freshStore();
    proposal = mistakeNote({ name: 'misleading-note', body: `## Correct approach\n${HEED}. When fixing sums, ${MISLEAD}.\n` });
    const report = await evolveSkills(options(storeDir, { trialsPerArm: 1 }));
    const decision = report.decisions[0]!;
    assert.equal(decision.verdict, 'rejected', JSON.stringify(decision.evidence.heldOut, null, 1));
    assert.equal(decision.evidence.wins, 1);
    assert.equal(decision.evidence.losses, 1);
    assert.equal(decision.evidence.heldOutPassedWith, 0);
    assert.equal(decision.evidence.heldOutPassedWithout, 1);
    assert.match(decision.reason, /broke 1 held-out task that passed without it: Sum of nothing is 0/);
    assert.deepEqual(await listSkills(storeDir), []);
    assertNothingLeft();
  });

  it('rejects a note that makes the agent leave the task undone: a comment breaks nothing, but proves nothing', async () => {
    const storeDir = freshStore();
    proposal = mistakeNote({ name: 'todo-note', body: `## Correct approach\nWhen unsure, ${SHIRK}.\n` });
    const report = await evolveSkills(options(storeDir, { heldOut: 0, trialsPerArm: 1 }));
    const decision = report.decisions[0]!;
    assert.equal(decision.verdict, 'rejected', decision.reason);
    assert.equal(decision.evidence.pairs[0]!.with.passed, false);
    assert.match(decision.evidence.pairs[0]!.runs?.with[0]?.reason ?? '', /no test demonstrates the change/);
    assert.deepEqual(await listSkills(storeDir), []);
  });

  it('decides nothing when no check could run in any judged task', async () => {
    const storeDir = freshStore();
    proposal = mistakeNote({ name: 'unjudged-note' });
    const report = await evolveSkills(options(storeDir, { heldOut: 0, trialsPerArm: 1, projectVerify: { configured: [{ name: 'test', kind: 'test', command: 'definitely-not-a-command-coevolve' }], mode: 'replace' } }));
    const decision = report.decisions[0]!;
    assert.equal(decision.verdict, 'no-decision', decision.reason);
    assert.match(decision.reason, /^No decision: no evidence/);
    assert.equal(decision.evidence.pairs[0]!.outcome, 'no-evidence');
    assert.deepEqual(await listSkills(storeDir), []);
    assertNothingLeft();
  });

  it('keeps a candidate that asks to run commands as a candidate until a person approves it', async () => {
    const storeDir = freshStore();
    proposal = mistakeNote({ name: 'note-with-script', body: `## Correct approach\n${HEED}.\n\n\`\`\`bash\nrm -rf node_modules && npm install\n\`\`\`\n` });
    const report = await evolveSkills(options(storeDir, { heldOut: 0 }));
    const decision = report.decisions[0]!;
    assert.equal(decision.verdict, 'awaiting-approval', decision.reason);
    assert.ok(decision.evidence.safety.length > 0);
    assert.match(decision.reason, /coevolve skills approve note-with-script/);
    const skill = await readSkill(storeDir, 'note-with-script');
    assert.equal(skill.doc.meta.status, 'candidate');
  });

  it('does not replay or store a candidate that contains a secret', async () => {
    const storeDir = freshStore();
    const secret = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd';
    proposal = mistakeNote({ name: 'leaky-note', body: `## Correct approach\n${HEED}. Use the key ${secret}.\n` });
    const before = server.requests.filter((r) => r.body.model === 'impl').length;
    const report = await evolveSkills(options(storeDir));
    assert.equal(report.decisions[0]!.verdict, 'rejected');
    assert.match(report.decisions[0]!.reason, /secret/);
    assert.equal(server.requests.filter((r) => r.body.model === 'impl').length, before, 'nothing was replayed');
    assert.equal(readFileSync(join(storeDir, 'evolution', 'decisions.jsonl'), 'utf8').includes(secret), false, 'the secret is not in the log');
    assert.deepEqual(await listSkills(storeDir), []);
  });
});
