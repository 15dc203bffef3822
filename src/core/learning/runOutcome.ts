import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../agents/solveTask.ts';
import { CoevolveError } from '../errors.ts';
import { redact } from '../security/redact.ts';
import { appendFix, creditFixes, newFixUtility, readFixes } from './fixExperience.ts';
import type { FixExperience, HumanOutcome } from './fixExperience.ts';
import { creditExperiences } from './utility.ts';
import type { CreditResult, Reward } from './utility.ts';

const MAX_PATCH = 1_500;

export interface OutcomeRecord {
  fix: FixExperience;
  reward: Reward;
  credit: CreditResult;
  creditedFixes: string[];
}

/**
 * The user decided on a solved task: the run becomes a FixExperience, and every memory it used is
 * credited — +1 when the change was verified and accepted, −1 when it failed or was rejected.
 * A run is decided once; deciding again is refused.
 */
export async function recordRunOutcome(storeDir: string, runId: string, outcome: HumanOutcome, now = Date.now()): Promise<OutcomeRecord> {
  if (!/^[\w.-]+$/.test(runId)) throw new CoevolveError('bad-input', `"${runId}" is not a run id.`);
  const dir = join(storeDir, 'runs', runId);
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  } catch {
    throw new CoevolveError('bad-input', `There is no finished run "${runId}" in ${join(storeDir, 'runs')}.`);
  }
  const id = `fix:${runId}`;
  if ((await readFixes(storeDir)).some((fix) => fix.id === id)) throw new CoevolveError('bad-input', `Run ${runId} was already decided.`);
  const patch = await readFile(join(dir, 'patch.diff'), 'utf8').catch(() => '');
  const verified = summary.status === 'passed';
  const accepted = outcome !== 'rejected';
  const reward: Reward = verified && accepted ? 1 : -1;
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
    verification: { status: summary.status, checks: summary.checks },
    rounds: summary.rounds,
    outcome,
    verified,
    active: verified && accepted,
    ...(summary.headAtStart ? { headAtStart: summary.headAtStart } : {}),
    memoryUsed: { experienceIds: summary.memory.experienceIds, skillIds: summary.memory.skillIds, fixIds: summary.memory.fixIds ?? [] },
    utility: newFixUtility(),
  };
  await appendFix(storeDir, fix);
  const credit = await creditExperiences(storeDir, summary.memory.experienceIds, reward, now / 1000);
  const creditedFixes = await creditFixes(storeDir, summary.memory.fixIds ?? [], reward, now / 1000);
  return { fix, reward, credit, creditedFixes };
}
