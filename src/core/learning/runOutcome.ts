import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../agents/solveTask.ts';
import { CoevolveError } from '../errors.ts';
import { redact } from '../security/redact.ts';
import { MemoryStore } from '../memory/store.ts';
import { storePath } from '../store/storePath.ts';
import { checkSkillCredits, creditSkills, rollbackIfWorse } from '../skills/skillStats.ts';
import type { AutomaticRollback } from '../skills/skillStats.ts';
import { appendFix, creditFixes, newFixUtility, readFixes } from './fixExperience.ts';
import { fingerprintPatch } from './fixFingerprint.ts';
import type { FixExperience, HumanOutcome } from './fixExperience.ts';
import { creditExperiences } from './utility.ts';
import type { CreditResult, Reward } from './utility.ts';
import { ifPresent } from '../util/fsProbe.ts';

const MAX_PATCH = 1_500;

export interface OutcomeRecord {
  fix: FixExperience;
  reward: Reward;
  credit: CreditResult;
  creditedFixes: string[];
  /** `name@vN` of every skill version the run used and that was counted. */
  creditedSkills: string[];
  /** Skills whose current version fell below its parent's acceptance and were rolled back. */
  rolledBack: AutomaticRollback[];
}

/**
 * The user decided on a solved task: the run becomes a FixExperience, and every memory it used is
 * credited — +1 when the change was proven and accepted, +0.5 when it was accepted with no
 * regressions but nothing proved it, −1 when it failed or was rejected.
 * A run is decided once; deciding again is refused. Everything the outcome reads or writes is
 * checked before the first write, so a damaged file (a skill's stats, a SKILL.md, the skill history,
 * a shard, a link in the store) refuses the outcome with nothing written: after `coevolve store
 * repair`, deciding again works (it is not refused as already decided).
 */
export async function recordRunOutcome(storeDir: string, runId: string, outcome: HumanOutcome, now = Date.now()): Promise<OutcomeRecord> {
  if (!/^[\w.-]+$/.test(runId)) throw new CoevolveError('bad-input', `"${runId}" is not a run id.`);
  const dir = await storePath(storeDir, 'runs', runId);
  const summaryPath = await storePath(dir, 'summary.json');
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(summaryPath, 'utf8')) as RunSummary;
  } catch {
    throw new CoevolveError('bad-input', `There is no finished run "${runId}" in ${join(storeDir, 'runs')}.`);
  }
  const id = `fix:${runId}`;
  if ((await readFixes(storeDir)).some((fix) => fix.id === id)) throw new CoevolveError('bad-input', `Run ${runId} was already decided.`);
  const patch = (await ifPresent(readFile(await storePath(dir, 'patch.diff'), 'utf8'))) ?? '';
  await checkInputs(storeDir, summary);
  const verified = summary.status === 'passed';
  // A summary from before evidence existed at best showed no regressions.
  const evidence = verified ? (summary.evidence ?? 'no-regressions') : undefined;
  const accepted = outcome !== 'rejected';
  // Full credit only where a test proved the change; accepted without proof counts half.
  const reward: Reward = verified && accepted ? (evidence === 'proven' ? 1 : 0.5) : -1;
  // Only active guidance can be undone by later history, so only it carries a fingerprint.
  const fingerprint = verified && accepted ? fingerprintPatch(patch) : [];
  const fix: FixExperience = {
    schema: 1,
    id,
    source: 'fix',
    runId,
    time: Math.floor(now / 1000),
    task: summary.task,
    plan: summary.plan,
    summary: summary.summary,
    patchSummary: redact(patch.length > MAX_PATCH ? `${patch.slice(0, MAX_PATCH)}\n… [${patch.length - MAX_PATCH} more characters]` : patch),
    files: summary.files.map((f) => f.path),
    verification: { status: summary.status, ...(evidence ? { evidence } : {}), checks: summary.checks },
    rounds: summary.rounds,
    outcome,
    verified,
    active: verified && accepted,
    ...(summary.headAtStart ? { headAtStart: summary.headAtStart } : {}),
    memoryUsed: { experienceIds: summary.memory.experienceIds, skillIds: summary.memory.skillIds, fixIds: summary.memory.fixIds ?? [] },
    utility: newFixUtility(),
    ...(fingerprint.length ? { fingerprint } : {}),
  };
  await appendFix(storeDir, fix);
  const credit = await creditExperiences(storeDir, summary.memory.experienceIds, reward, now / 1000);
  const creditedFixes = await creditFixes(storeDir, summary.memory.fixIds ?? [], reward, now / 1000);
  // A skill counts as accepted by the same rule as the rest of memory: verified and accepted.
  const skills = await creditSkills(storeDir, summary.memory.skillIds ?? [], reward > 0);
  const rolledBack: AutomaticRollback[] = [];
  for (const name of new Set(skills.credited.map((c) => c.name))) {
    const rollback = await rollbackIfWorse(storeDir, name);
    if (rollback) rolledBack.push(rollback);
  }
  return { fix, reward, credit, creditedFixes, creditedSkills: skills.credited.map((c) => `${c.name}@v${c.version}`), rolledBack };
}

/** Reads, without writing, everything recording the outcome will read or write after the fix is appended. */
async function checkInputs(storeDir: string, summary: RunSummary): Promise<void> {
  // The logs it appends to: refused here if a link, not after the fix line is written.
  await storePath(storeDir, 'memory', 'fixes.jsonl');
  await storePath(storeDir, 'memory', 'credits.jsonl');
  // The experiences it credits: every shard read, so a damaged one refuses the outcome now.
  if (summary.memory.experienceIds.length) for await (const _ of (await MemoryStore.open(storeDir)).experiences());
  // The skills it credits (their stats, SKILL.md, parent version) and the skill history a rollback appends to.
  await checkSkillCredits(storeDir, summary.memory.skillIds ?? []);
}
