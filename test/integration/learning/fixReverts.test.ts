import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunSummary } from '../../../src/core/agents/solveTask.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { readFixes } from '../../../src/core/learning/fixExperience.ts';
import type { FixExperience } from '../../../src/core/learning/fixExperience.ts';
import { checkFixReverts } from '../../../src/core/learning/fixReverts.ts';
import { matchFixes } from '../../../src/core/learning/guidance.ts';
import { recordRunOutcome } from '../../../src/core/learning/runOutcome.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// Real repositories, real runs on disk, real commits, reverts and rewrites: later history turns an
// accepted fix into negative evidence, and leaves it alone when nothing undid it in time.

const ORIGINAL = `export function parseHeader(input: string): string[] {
  return input.split(':');
}
`;
const SECRET = 'hunter2-correct-horse-battery';
const FIXED = `export function parseHeader(input: string): string[] {
  if (input.length === 0) return [];
  const password = "${SECRET}";
  const parts = input.split(':');
  const trimmed = parts.map((part) => part.trim());
  return trimmed.filter((part) => part.length > 0);
}
`;
/** Keeps one of the fix's four lines, replaces the other three with new code. */
const REWRITTEN = `export function parseHeader(input: string): string[] {
  if (input.length === 0) return [];
  const password = "${SECRET}";
  return input.split(/\\s*:\\s*/).filter(Boolean);
}
`;
const TASK = 'parseHeader keeps blank parts of a header: trim them and drop empty ones';
const DAY = 86_400;

const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((clean) => clean()));

interface Setup {
  repo: GitRepo;
  store: string;
  /** The mined commit the run used as memory. */
  memorySha: string;
  /** An earlier accepted fix the run was guided by. */
  priorFixId: string;
}

async function setup(): Promise<Setup> {
  const repo = GitRepo.create('coevolve-fixrevert-');
  const store = tempDir('coevolve-fixrevert-store-');
  cleanups.push(() => repo.remove(), () => rmSync(store, { recursive: true, force: true }));
  repo.commit('feat(parser): parse headers', { 'src/parser.ts': ORIGINAL, 'src/other.ts': 'export const other = 1;\n' });
  const memorySha = repo.commit('fix(parser): split headers on colons', { 'src/parser.ts': ORIGINAL.replace('input.split', 'String(input).split') });
  repo.commit('revert to plain split', { 'src/parser.ts': ORIGINAL });
  await mineHistory(repo.dir, { storeDir: store, symbols: false });
  // An earlier fix, accepted and never committed: it is only guidance the later run used.
  writeRun(store, 'prior-run', 'make other configurable', 'diff --git a/src/other.ts b/src/other.ts\n--- a/src/other.ts\n+++ b/src/other.ts\n@@ -1 +1 @@\n-export const other = 1;\n+export const other = Number(process.env.OTHER ?? 1);\n', repo.head(), { experienceIds: [], fixIds: [] });
  await recordRunOutcome(store, 'prior-run', 'accepted', (headTime(repo) + 10) * 1000);
  return { repo, store, memorySha, priorFixId: 'fix:prior-run' };
}

function headTime(repo: GitRepo, rev = 'HEAD'): number {
  return Number(repo.git('log', '-1', '--format=%ct', rev).trim());
}

function writeRun(store: string, runId: string, task: string, patch: string, headAtStart: string, memory: { experienceIds: string[]; fixIds: string[] }, status: RunSummary['status'] = 'passed'): void {
  const dir = join(store, 'runs', runId);
  mkdirSync(dir, { recursive: true });
  const files = [...patch.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => ({ path: m[1]!, status: 'modified' as const }));
  const summary: RunSummary = {
    runId,
    task,
    origin: 'user',
    status,
    reason: status === 'passed' ? 'all checks passed' : 'a check failed',
    rounds: 1,
    plan: `Change ${files.map((f) => f.path).join(', ')}`,
    summary: task,
    files,
    checks: [{ id: 'test', verdict: status === 'passed' ? 'pass' : 'fail', newFailures: 0 }],
    report: '',
    memory: { experienceIds: memory.experienceIds, files: [], skillIds: [], fixIds: memory.fixIds },
    headAtStart,
    accounting: { calls: 1, failedCalls: 0, promptTokens: 10, completionTokens: 10, latencyMs: 1, costUsd: 0, costIncomplete: false, byRole: {} },
  };
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  writeFileSync(join(dir, 'patch.diff'), patch);
}

/**
 * A solved run whose change is in the working tree (as `solve --apply` leaves it), accepted a
 * minute after the last commit; returns the fix's time in epoch seconds.
 */
async function acceptFix(s: Setup, runId = 'run-1'): Promise<number> {
  const head = s.repo.head();
  s.repo.write('src/parser.ts', FIXED);
  const patch = s.repo.git('diff', '--src-prefix=a/', '--dst-prefix=b/');
  writeRun(s.store, runId, TASK, patch, head, { experienceIds: [`commit:${s.memorySha}`], fixIds: [s.priorFixId] });
  const time = headTime(s.repo) + 60;
  await recordRunOutcome(s.store, runId, 'accepted', time * 1000);
  return time;
}

async function fixOf(store: string, id = 'fix:run-1'): Promise<FixExperience> {
  const fix = (await readFixes(store)).find((f) => f.id === id);
  assert.ok(fix, `${id} is recorded`);
  return fix;
}

async function experienceUtility(store: string, sha: string) {
  const experience = (await (await MemoryStore.open(store)).loadAll()).find((e) => e.sha === sha);
  assert.ok(experience);
  return experience.utility;
}

/** A commit dated `time` (epoch seconds), for history that lands outside the test clock. */
function gitAt(repo: GitRepo, time: number, ...args: string[]): void {
  const date = `${time} +0000`;
  execFileSync('git', args, { cwd: repo.dir, env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1', HOME: repo.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('an accepted fix that later history undoes', () => {
  it('records a bounded, redacted fingerprint of what an accepted fix added, and none for a rejected one', async () => {
    const s = await setup();
    await acceptFix(s);
    const fix = await fixOf(s.store);
    assert.deepEqual(fix.fingerprint, [
      {
        path: 'src/parser.ts',
        added: ['if (input.length === 0) return [];', "const parts = input.split(':');", 'const trimmed = parts.map((part) => part.trim());', 'return trimmed.filter((part) => part.length > 0);'],
        removed: ["return input.split(':');"],
      },
    ]);
    assert.ok(!readFileSync(join(s.store, 'memory', 'fixes.jsonl'), 'utf8').includes(SECRET), 'the secret never reaches the store');
    writeRun(s.store, 'run-rejected', TASK, s.repo.git('diff', '--src-prefix=a/', '--dst-prefix=b/'), s.repo.head(), { experienceIds: [], fixIds: [] });
    await recordRunOutcome(s.store, 'run-rejected', 'rejected');
    assert.equal((await fixOf(s.store, 'fix:run-rejected')).fingerprint, undefined);
  });

  it('a `git revert` makes the fix inactive negative evidence, marks down what it used, and mining reports it', async () => {
    const s = await setup();
    const fixTime = await acceptFix(s);
    const fixSha = s.repo.commit('fix(parser): trim header parts');
    const memoryBefore = await experienceUtility(s.store, s.memorySha);
    const priorBefore = (await fixOf(s.store, s.priorFixId)).utility;
    assert.equal(memoryBefore.helpful, 1, 'accepting credited the memory it used');
    assert.deepEqual((await matchFixes(s.store, TASK)).map((f) => f.id), ['fix:run-1'], 'before the revert it is guidance');

    // Committing the fix itself is not undoing it.
    assert.deepEqual(await checkFixReverts(s.store, s.repo.dir), []);
    s.repo.git('revert', '--no-edit', fixSha);
    const revertSha = s.repo.head();
    const mined = await mineHistory(s.repo.dir, { storeDir: s.store, symbols: false });
    assert.ok(mined.notices.some((n) => n.includes('run run-1') && n.includes('reverted') && n.includes(revertSha.slice(0, 10))), mined.notices.join('\n'));

    const fix = await fixOf(s.store);
    assert.equal(fix.active, false);
    assert.equal(fix.outcome, 'accepted', 'the person’s decision stays as it was');
    assert.equal(fix.laterOutcome, 'reverted');
    assert.deepEqual(fix.laterEvidence, { commit: revertSha, subject: 'Revert "fix(parser): trim header parts"', time: headTime(s.repo, revertSha), rule: 'revert-commit', removedLines: 4, totalLines: 4 });
    assert.ok(fix.laterEvidence.time >= fixTime);
    assert.ok(fix.utility.q < 0 && fix.utility.harmful === 1, JSON.stringify(fix.utility));

    const memoryAfter = await experienceUtility(s.store, s.memorySha);
    assert.equal(memoryAfter.harmful, memoryBefore.harmful + 1);
    assert.ok(memoryAfter.q < memoryBefore.q);
    const priorAfter = (await fixOf(s.store, s.priorFixId)).utility;
    assert.equal(priorAfter.harmful, priorBefore.harmful + 1);
    assert.ok(priorAfter.q < priorBefore.q);
    assert.deepEqual(await matchFixes(s.store, TASK), [], 'a reverted fix is no longer guidance');
  });

  it('a later commit that replaces most of the fix with new code marks it rewritten', async () => {
    const s = await setup();
    await acceptFix(s);
    s.repo.commit('fix(parser): trim header parts');
    const rewrite = s.repo.commit('refactor(parser): split with a regular expression', { 'src/parser.ts': REWRITTEN });
    const [undone, ...more] = await checkFixReverts(s.store, s.repo.dir);
    assert.equal(more.length, 0);
    assert.equal(undone?.fixId, 'fix:run-1');
    assert.equal(undone.outcome, 'rewritten');
    assert.equal(undone.evidence.commit, rewrite);
    assert.equal(undone.evidence.rule, 'lines-removed');
    assert.deepEqual([undone.evidence.removedLines, undone.evidence.totalLines], [3, 4]);
    assert.deepEqual(undone.credit.updated, [s.memorySha]);
    assert.deepEqual(undone.creditedFixes, [s.priorFixId]);
    assert.equal((await fixOf(s.store)).laterOutcome, 'rewritten');
  });

  it('putting the old code back by hand (no revert message) reads as reverted, not rewritten', async () => {
    const s = await setup();
    await acceptFix(s);
    s.repo.commit('fix(parser): trim header parts');
    const undo = s.repo.commit('parser: back to the simple split', { 'src/parser.ts': ORIGINAL });
    const [undone] = await checkFixReverts(s.store, s.repo.dir);
    assert.equal(undone?.outcome, 'reverted');
    assert.equal(undone.evidence.commit, undo);
    assert.equal(undone.evidence.rule, 'lines-removed');
    assert.equal(undone.evidence.removedLines, 4);
  });

  it('leaves a fix alone when later commits keep its lines, or when it was never committed', async () => {
    const s = await setup();
    await acceptFix(s);
    s.repo.commit('fix(parser): trim header parts');
    s.repo.commit('docs: explain headers', { 'src/parser.ts': `// Headers are "name: value" pairs.\n${FIXED}`, 'src/other.ts': 'export const other = 2;\n' });
    // Removes one of the four lines: less than half of the fix.
    s.repo.commit('parser: allow empty input through', { 'src/parser.ts': `// Headers are "name: value" pairs.\n${FIXED.replace('  if (input.length === 0) return [];\n', '')}` });
    assert.deepEqual(await checkFixReverts(s.store, s.repo.dir), []);
    const fix = await fixOf(s.store);
    assert.equal(fix.active, true);
    assert.equal(fix.laterOutcome, undefined);

    // Accepted but never committed: the working tree was thrown away and the file changed otherwise.
    const t = await setup();
    await acceptFix(t);
    t.repo.git('checkout', '--', 'src/parser.ts');
    t.repo.commit('parser: rename the argument', { 'src/parser.ts': ORIGINAL.replaceAll('input', 'text') });
    assert.deepEqual(await checkFixReverts(t.store, t.repo.dir), []);
    assert.equal((await fixOf(t.store)).active, true);
  });

  it('ignores a revert that lands after the window, and counts it with a wider one', async () => {
    const s = await setup();
    const fixTime = await acceptFix(s);
    const fixSha = s.repo.commit('fix(parser): trim header parts');
    gitAt(s.repo, fixTime + 20 * DAY, 'revert', '--no-edit', fixSha);
    const jsonl = readFileSync(join(s.store, 'memory', 'fixes.jsonl'), 'utf8');
    assert.deepEqual(await checkFixReverts(s.store, s.repo.dir), [], 'the default window is 14 days');
    assert.deepEqual(await checkFixReverts(s.store, s.repo.dir, { now: (fixTime + 30 * DAY) * 1000 }), []);
    assert.equal(readFileSync(join(s.store, 'memory', 'fixes.jsonl'), 'utf8'), jsonl, 'nothing was written');
    // Before the revert happened ("now" earlier), even a wide window sees nothing to judge.
    assert.deepEqual(await checkFixReverts(s.store, s.repo.dir, { windowDays: 30, now: (fixTime + 10 * DAY) * 1000 }), []);
    const [undone] = await checkFixReverts(s.store, s.repo.dir, { windowDays: 30 });
    assert.equal(undone?.outcome, 'reverted');
  });

  it('is idempotent: a second check changes nothing more', async () => {
    const s = await setup();
    await acceptFix(s);
    const fixSha = s.repo.commit('fix(parser): trim header parts');
    s.repo.git('revert', '--no-edit', fixSha);
    assert.equal((await checkFixReverts(s.store, s.repo.dir)).length, 1);
    const jsonl = readFileSync(join(s.store, 'memory', 'fixes.jsonl'), 'utf8');
    const memory = await experienceUtility(s.store, s.memorySha);
    assert.deepEqual(await checkFixReverts(s.store, s.repo.dir), []);
    const mined = await mineHistory(s.repo.dir, { storeDir: s.store, symbols: false });
    assert.ok(!mined.notices.some((n) => n.includes('accepted fix')), mined.notices.join('\n'));
    assert.equal(readFileSync(join(s.store, 'memory', 'fixes.jsonl'), 'utf8'), jsonl);
    assert.deepEqual(await experienceUtility(s.store, s.memorySha), memory);
  });

  it('gives a clear error for a folder that is not a repository, and is a no-op without a store; nothing is lost', async () => {
    const s = await setup();
    await acceptFix(s);
    const plain = tempDir('coevolve-fixrevert-plain-');
    cleanups.push(() => rmSync(plain, { recursive: true, force: true }));
    const jsonl = readFileSync(join(s.store, 'memory', 'fixes.jsonl'), 'utf8');
    await assert.rejects(checkFixReverts(s.store, plain), (error: unknown) => CoevolveError.is(error, 'not-a-git-repo') && error.message.includes(plain));
    await assert.rejects(checkFixReverts(s.store, join(plain, 'missing')), (error: unknown) => CoevolveError.is(error, 'not-a-git-repo'));
    await assert.rejects(checkFixReverts(s.store, s.repo.dir, { windowDays: 0 }), (error: unknown) => CoevolveError.is(error, 'bad-input'));
    assert.equal(readFileSync(join(s.store, 'memory', 'fixes.jsonl'), 'utf8'), jsonl);
    assert.equal((await fixOf(s.store)).active, true);

    const missing = join(plain, 'no-store');
    assert.deepEqual(await checkFixReverts(missing, s.repo.dir), []);
    assert.deepEqual(await checkFixReverts(missing, plain), [], 'nothing to check, so no repository is needed');
    assert.equal(existsSync(missing), false, 'a check creates no store');
  });
});
