// The code half of memory reaches the model: the implementer's logged context shows how an accepted
// fix and a past commit changed the code (their hunks), not only their one-line summaries (the
// rectifier sees them too when it diagnoses a failed round), and a
// huge past diff is cut to the memory budget with a marker saying so.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { solveTask } from '../../../src/core/agents/solveTask.ts';
import { modelCallConversations } from '../../../src/core/agents/trajectory.ts';
import type { SolveEvent } from '../../../src/core/agents/events.ts';
import { buildMemoryContext, pastChangeCode } from '../../../src/core/agents/memoryContext.ts';
import { commitExcerpt } from '../../../src/core/memory/commitExcerpt.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { recordRunOutcome } from '../../../src/core/learning/runOutcome.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import type { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { diagnosisStep, edit, finish, mathProject, planStep, teamSolveOptions } from '../../helpers/teamFixtures.ts';
import { scriptedServerForFile } from '../../helpers/scriptedServerHooks.ts';

let server!: ScriptedModelServer;
scriptedServerForFile((started) => (server = started));

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** mathProject with a past fix to `sum` whose changed lines are no longer in the tree. */
function project(): { repo: GitRepo; pastFix: string } {
  const repo = mathProject();
  cleanup.push(() => repo.remove());
  const pastFix = repo.commit('fix: sum adds numeric strings as numbers', { 'src/math.js': 'export function sum(values) {\n  return values.map(Number).reduce((a, b) => a + b, 0);\n}\n' });
  repo.commit('refactor: sum without the map', { 'src/math.js': 'export function sum(values) {\n  return values.reduce((a, b) => a + Number(b), 0);\n}\n' });
  return { repo, pastFix };
}

/** The text of a role's first conversation as the run log (runs/<id>/trajectory.jsonl) keeps it. */
function loggedContext(runDir: string, role: 'implementer' | 'rectifier' = 'implementer'): string {
  const events = readFileSync(join(runDir, 'trajectory.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; role?: string; messages?: unknown[] });
  const first = modelCallConversations(events).find((c) => c.role === role);
  assert.ok(first, `the run log holds the ${role}'s conversation`);
  return first.messages.map((m) => String((m as { content?: unknown }).content ?? '')).join('\n');
}

describe('the code of past changes in the implementer\'s memory', () => {
  it('shows the hunk of a matching accepted fix and of a past commit in the logged implementer context', async () => {
    const { repo } = project();
    const store = scratch('coevolve-hunks-store-');
    await mineHistory(repo.dir, { storeDir: store });

    // A first task, solved and accepted: it becomes an accepted fix with its patch stored.
    const events: SolveEvent[] = [];
    const first = await teamSolveOptions(server.baseURL, repo.dir, { store, sandboxes: scratch('coevolve-hunks-sbx-') }, events);
    first.task = { text: 'sum should skip null values instead of producing NaN' };
    server.reset();
    server.scriptFor('gen', planStep());
    server.scriptFor('impl', edit('src/math.js', '  return values.reduce((a, b) => a + Number(b), 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + Number(b), 0);'), finish('sum filters out null before adding.'));
    const solved = await solveTask(first);
    assert.equal(solved.status, 'passed', solved.reason);
    await solved.reject();
    const runId = solved.runDir.split(/[\\/]/).at(-1)!;
    const recorded = await recordRunOutcome(store, runId, 'accepted');
    assert.equal(recorded.fix.active, true);
    assert.match(recorded.fix.patchSummary, /\+ {2}return values\.filter\(\(v\) => v !== null\)/);

    // A similar task later: the implementer's context shows that fix's code and the past commit's.
    const second = await teamSolveOptions(server.baseURL, repo.dir, { store, sandboxes: scratch('coevolve-hunks-sbx-') }, []);
    second.task = { text: 'sum should skip undefined values too, as it skips null values' };
    second.budget = { maxRectifications: 1 };
    server.reset();
    server.scriptFor('gen', planStep());
    // Nothing changed: the round fails, and the rectifier diagnoses it with the same memory in view.
    server.scriptFor('impl', finish('looked only'), finish('looked again'));
    server.scriptFor('rect', diagnosisStep('revise-patch', 'nothing was changed', 'filter undefined as the accepted fix filtered null'));
    const solution = await solveTask(second);
    const context = loggedContext(solution.runDir);
    const rectifier = loggedContext(solution.runDir, 'rectifier');
    await solution.reject();
    assert.notEqual(solution.status, 'passed');
    assert.match(rectifier, /Project memory \(how this project changed such code before[^\n]*\n[\s\S]*Fixes you accepted in this project before \(verified\):\n- sum should skip null values[\s\S]*\n {4}\+ {2}return values\.filter\(\(v\) => v !== null\)/);

    // The accepted fix: its one line, then its hunk, lines as they were changed (indented under it).
    assert.match(context, /Fixes you accepted in this project before \(verified\):\n- sum should skip null values/);
    assert.match(context, /\n {4}--- src\/math\.js\n {4}@@ -1,3 \+1,3 @@[^\n]*\n {4} export function sum\(values\) \{\n {4}- {2}return values\.reduce\(\(a, b\) => a \+ Number\(b\), 0\);\n {4}\+ {2}return values\.filter\(\(v\) => v !== null\)\.reduce\(\(a, b\) => a \+ Number\(b\), 0\);/);
    // A mined commit: how the past fix changed sum (its lines are gone from the tree since).
    assert.match(context, /- [0-9a-f]{10} fix: fix: sum adds numeric strings as numbers[^\n]*\n {4}--- src\/math\.js\n {4}@@ [^\n]*\n {4} export function sum\(values\) \{\n {4}- {2}return values\.reduce\(\(a, b\) => a \+ b, 0\);\n {4}\+ {2}return values\.map\(Number\)\.reduce/);
    const task = readFileSync(join(solution.runDir, 'trajectory.jsonl'), 'utf8').split('\n').map((l) => (l ? (JSON.parse(l) as { type: string; memory?: { tokens: number; fixIds: string[] } }) : undefined)).find((e) => e?.type === 'task');
    assert.deepEqual(task?.memory?.fixIds, [recorded.fix.id]);
    assert.ok(task!.memory!.tokens <= 2_000, `within the default memory budget: ${task!.memory!.tokens}`);
  });

  it('cuts a huge past diff to its line cap and to the memory budget, with markers, and reads git bounded and cancellable', async () => {
    const { repo } = project();
    const rows = Array.from({ length: 3_000 }, (_, i) => `export const sumOfSquares${i} = ${i * i}; // sum table row ${i}`);
    const huge = repo.commit('fix: sum table of squares regenerated for sum', { 'src/sumTable.js': `${rows.join('\n')}\n` });
    const store = scratch('coevolve-hunks-store-');
    await mineHistory(repo.dir, { storeDir: store });
    const workspace = await resolveWorkspace(repo.dir, store);

    // Read whole, it is more than the cap: 30 lines shown, the rest counted in a marker.
    const whole = await commitExcerpt(repo.dir, { sha: huge, files: ['src/sumTable.js'], focus: { paths: [], symbols: ['sum'] } });
    assert.ok(whole);
    assert.equal(whole.hunks.reduce((n, h) => n + h.lines.length, 0), 30);
    assert.equal(whole.sourceCut, false);
    assert.ok(whole.hunks[0]!.cut > 2_900, `the rest of the hunk is counted: ${whole.hunks[0]!.cut}`);
    // At a byte limit git is stopped and what was read is used.
    const bounded = await commitExcerpt(repo.dir, { sha: huge, files: ['src/sumTable.js'], focus: { paths: [], symbols: [] }, maxBytes: 4_096 });
    assert.equal(bounded?.sourceCut, true);
    assert.ok(bounded!.hunks[0]!.lines.length > 0 && bounded!.hunks[0]!.cut < 200);
    // Cancelled: the typed error, not an empty answer.
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(commitExcerpt(repo.dir, { sha: huge, files: ['src/sumTable.js'], focus: { paths: [], symbols: [] }, signal: controller.signal }), (error) => CoevolveError.is(error, 'cancelled'));
    // A commit git does not have, or a path that is not a plain one, shows nothing (and runs no git on it).
    assert.equal(await commitExcerpt(repo.dir, { sha: 'f'.repeat(40), files: ['src/math.js'], focus: { paths: [], symbols: [] } }), undefined);
    assert.equal(await commitExcerpt(repo.dir, { sha: huge, files: ['../outside.js', '/etc/passwd'], focus: { paths: [], symbols: [] } }), undefined);

    const recalled = await recallInWorkspace(workspace, 'sum table of squares is wrong', { k: 8 });
    assert.equal(recalled.experiences[0]?.sha, huge, 'the huge change is the top past change');
    const code = await pastChangeCode(repo.dir, recalled);
    assert.ok(code.has(`commit:${huge}`));
    // A generous budget shows the capped excerpt; a small one cuts it further, saying so, and stays within it.
    const roomy = buildMemoryContext(recalled, [], 4_000, [], code);
    assert.match(roomy.text, / {4}\+export const sumOfSquares0 = 0;/);
    assert.match(roomy.text, / {4}… \[\d{4} more lines of this hunk\]/);
    // Room for every item's line and a few lines of code: the excerpt must be cut.
    const lines = buildMemoryContext(recalled, [], 4_000, []);
    const budget = Math.ceil(lines.tokens / 0.6) + 40;
    assert.ok(roomy.tokens > budget, `the whole excerpt (${roomy.tokens} tokens) does not fit ${budget}`);
    const tight = buildMemoryContext(recalled, [], budget, [], code);
    assert.ok(tight.tokens <= budget, `${tight.tokens} tokens within ${budget}`);
    assert.deepEqual(tight.experienceIds, lines.experienceIds, 'the code displaced no item');
    assert.match(tight.text, / {4}\+export const sumOfSquares0 = 0;/);
    assert.match(tight.text, / {4}… \[\d+ more lines of this change cut to fit the memory budget\]/);
    assert.equal(tight.truncated, true);
    // Without code the context is what it always was: the same items, no diff lines.
    assert.doesNotMatch(lines.text, /sumOfSquares0 = 0/);
    assert.ok(lines.experienceIds.includes(`commit:${huge}`));
    // A forgotten commit is never read.
    const forgotten = await pastChangeCode(repo.dir, recalled, { forgotten: new Set([huge]) });
    assert.equal(forgotten.has(`commit:${huge}`), false);
  });
});
