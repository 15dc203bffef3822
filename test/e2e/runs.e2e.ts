// End to end in a real VS Code: with the memory browser open on its Runs tab, "Co-evolve: Solve
// Task…" runs the team against a scripted model server (real HTTP on 127.0.0.1) on a real project
// whose `npm test` runs real tests. The run shows live at the top of the tab with its stages while it
// works (the rectifier is slow, so the live state is caught on screen); once the user dismisses the
// proposal without deciding, it is a row of the list. Its log opens beside the panel, and Reject in
// the tab, confirmed in a modal, reaches fixes.jsonl and the row.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { newRunId, Trajectory } from '../../src/core/agents/trajectory.ts';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';
import { diagnosisStep, edit, finish, MATH_BEFORE, planStep, teamProject, toolCall } from '../helpers/teamFixtures.ts';
import { memoryPanelFrame, screenshot } from './harness/browser.ts';
import { answerInputBox, runCommand, switchToDarkTheme, waitForNotification, waitForNotificationGone, waitForToastsSettled } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';

const TASK = 'sum should skip null values';
// Long enough to see the live run mid-work; the rectifier's answer waits this long.
const SLOW_MS = 12_000;

const NO_MEMORY = { experienceIds: [], files: [], skillIds: [], fixIds: [], tokens: 0 };

/**
 * Older runs, written with core's own trajectory writer: a failed task of the user's, a replay, an
 * evolution round's proposer (no summary) and a run whose process died (no summary, no end).
 */
function olderRuns(storeDir: string): void {
  const day = (n: number): string => newRunId(new Date(Date.UTC(2026, 9, n, 9, 30)));
  const finished = (id: string, task: string, origin: 'user' | 'replay', status: 'passed' | 'failed', reason: string): void => {
    const run = new Trajectory(storeDir, id);
    run.record({ type: 'task', text: task, origin, memory: NO_MEMORY });
    run.writeFile('patch.diff', '--- a/src/math.js\n+++ b/src/math.js\n@@ -1 +1 @@\n-a\n+b\n');
    const accounting = { calls: 4, failedCalls: 0, promptTokens: 8_200, completionTokens: 640, latencyMs: 9_000, costUsd: 0.0142, costIncomplete: false, byRole: {} };
    run.writeFile('summary.json', JSON.stringify({ runId: id, task, origin, status, reason, rounds: status === 'failed' ? 3 : 1, plan: '', summary: '', files: [{ path: 'src/math.js', status: 'modified' }], checks: [], report: '', memory: NO_MEMORY, accounting }));
    run.record({ type: 'end', status, reason });
  };
  finished(day(1), 'make sum accept strings', 'user', 'failed', 'The checks still fail after 3 rounds.');
  finished(day(2), 'fix: sum of an empty list', 'replay', 'passed', "The project's checks pass.");
  const evolution = new Trajectory(storeDir, day(3));
  evolution.record({ type: 'task', text: 'Evolve the skill library from 1 failure cluster(s).', origin: 'evolution', memory: NO_MEMORY });
  evolution.record({ type: 'end', status: 'done', reason: 'c1: rejected' });
  new Trajectory(storeDir, day(4)).record({ type: 'task', text: 'rename sum to total', origin: 'user', memory: NO_MEMORY });
}

/** Clears a notification toast without pressing any of its buttons, as closing it with its × does. */
async function dismissNotification(page: Page, pattern: RegExp): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-list-item').filter({ has: page.locator('.notification-list-item-message', { hasText: pattern }) }).first();
  await toast.hover({ timeout: 10_000 });
  await toast.locator('.action-label.codicon-notifications-clear').click({ timeout: 10_000 });
  await waitForNotificationGone(page, pattern);
}

test('Runs tab: a solve streams in live, becomes a row, opens its log, and takes Reject as feedback', { timeout: 300_000 }, async (t) => {
  const models = await ScriptedModelServer.start();
  const repo = teamProject(models.baseURL);
  olderRuns(join(repo.dir, '.coevolve'));
  models.scriptFor('gen', planStep());
  models.scriptFor(
    'impl',
    toolCall('read_file', { path: 'src/math.js' }),
    edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b);'),
    finish('sum skips null'),
  );
  models.scriptFor('rect', { kind: 'slow', delayMs: SLOW_MS, then: diagnosisStep('revise-patch', 'reduce() without an initial value throws on []', 'Give reduce the initial value 0.') });
  models.scriptFor('impl', edit('src/math.js', '.reduce((a, b) => a + b);', '.reduce((a, b) => a + b, 0);'), finish('sum skips null values; an empty list still sums to 0.'));

  await inVsCode(t, { name: 'runs', folder: repo.dir, cleanup: [() => models.close(), () => repo.remove()] }, async ({ page }) => {
    await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
    let frame = await memoryPanelFrame(page);
    await frame.locator('vscode-tab-header', { hasText: 'Runs' }).click();
    await frame.locator('.runs-list .pager.top .summary', { hasText: /^Showing 1–4 of 4, newest first$/ }).waitFor({ timeout: 20_000 });
    assert.deepEqual(
      await frame.locator('li.run').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-status')}:${item.getAttribute('data-decision')}`)),
      ['unfinished:none', 'done:none', 'passed:none', 'failed:undecided'],
      'a crashed run, an evolution round, a replay (not the user\'s to judge), a failed task of the user\'s',
    );

    // The solve starts; the panel stays where it is and shows the run live, stage by stage.
    await runCommand(page, 'Co-evolve: Solve Task…');
    await answerInputBox(page, TASK);
    const live = frame.locator('article.live-run');
    await live.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await live.locator('.task').innerText(), new RegExp(TASK));
    // The first round's patch breaks a test; the rectifier is slow: the run sits in "Diagnose".
    await live.locator('.stages li.current[data-stage="rectify"]').waitFor({ timeout: 120_000 });
    assert.deepEqual(
      (await live.locator('.stages li').allInnerTexts()).map((text) => text.trim()),
      ['✓ Recall memory', '✓ Open sandbox', '✓ Checks before', '✓ Plan', '✓ Round 1: Implement', '✓ Round 1: Verify', '… Round 1: Diagnose'],
    );
    const logText = await live.locator('.live-log').innerText();
    assert.match(logText, /plan: Make sum skip null values\./);
    assert.match(logText, /· read_file src\/math\.js/);
    assert.match(logText, /after test: failed, 1 failure/);
    // Which test the round broke, where and why, before the rectifier answers.
    assert.match(logText, /checks fail — Verification FAILED: 1 new failure \(1 check\)\./);
    assert.match(logText, /- sum of nothing is 0 \(test\/math\.test\.js:\d+.*\): .*Reduce of empty array with no initial value/);
    assert.equal(await frame.locator('#runs-live-count').innerText(), '1', 'the tab header counts the live run');
    assert.equal(await live.locator('vscode-button.live-open-log').getAttribute('disabled'), null, 'its log can be opened while it works');
    const runId = await live.getAttribute('data-run-id');
    assert.ok(runId, 'the live run knows its folder');
    assert.equal(await frame.locator(`li.run[data-run-id="${runId}"]`).count(), 0, 'shown live, not twice');
    await waitForToastsSettled(page);
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-live')}`);

    // The proposal: the diff opens over the panel, the toast asks. Back in the panel (rebuilt, so
    // from the host's snapshot) the run is still live, waiting for the user's decision.
    await waitForNotification(page, /^Co-evolve: the checks pass with this change to 1 file/, 120_000);
    await page.locator('.tabs-container .tab', { hasText: 'Memory & Skills' }).click();
    frame = await memoryPanelFrame(page);
    const proposed = frame.locator(`article.live-run[data-state="proposed"][data-run-id="${runId}"]`);
    await proposed.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await proposed.locator('.live-state').innerText(), /waits for your decision \(Apply or Discard in its notification\)/);
    assert.equal((await proposed.locator('.stages li').allInnerTexts()).at(-1)?.trim(), '✓ Round 2: Verify');
    await waitForToastsSettled(page);
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-proposed')}`);

    // Closing the toast decides nothing: the run leaves the live area and is a row, still undecided.
    await dismissNotification(page, /the checks pass with this change/);
    assert.equal(readFileSync(join(repo.dir, 'src/math.js'), 'utf8'), MATH_BEFORE);
    const row = frame.locator(`li.run[data-run-id="${runId}"]`);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('article.live-run').waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await frame.locator('#runs-live-count').isVisible(), false);
    const rowText = await row.innerText();
    assert.match(rowText, new RegExp(`passed[\\s\\S]*${TASK}[\\s\\S]*2 rounds · src/math\\.js · \\d+(\\.\\d)?k? tokens`));
    assert.equal(await row.getAttribute('data-decision'), 'undecided');
    assert.match(await frame.locator('.runs-list .pager.top .summary').innerText(), /^Showing 1–5 of 5, newest first$/);
    assert.equal(await frame.locator('li.run').first().getAttribute('data-run-id'), runId, 'newest first');
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-finished')}`);

    // Open Log: the trajectory opens beside the panel, which stays in view.
    await row.locator('vscode-button.run-open-log').click();
    const logTab = page.locator('.tabs-container .tab', { hasText: 'trajectory.jsonl' });
    await logTab.waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.editor-instance .view-lines', { hasText: '"type":"task"' }).first().waitFor({ timeout: 20_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-log')}`);

    // Reject from the tab, confirmed in VS Code's modal: recorded in memory, and the row says so.
    await row.locator('vscode-button.run-reject').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await dialog.innerText(), new RegExp(`Reject the run "${TASK}"\\?`));
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-reject-confirm')}`);
    await dialog.locator('.monaco-button', { hasText: /^Reject$/ }).click();
    const decided = frame.locator(`li.run[data-run-id="${runId}"][data-decision="rejected"]`);
    await decided.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal((await decided.locator('.run-decision').innerText()).trim(), '✗ rejected by you');
    assert.equal(await decided.locator('vscode-button.run-reject').count(), 0, 'decided once');
    const fixes = readFileSync(join(repo.dir, '.coevolve', 'memory', 'fixes.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; outcome: string });
    assert.deepEqual(fixes.map((fix) => [fix.id, fix.outcome]), [[`fix:${runId}`, 'rejected']]);
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-rejected')}`);

    // The filters are the host's: the user's runs that passed are this one.
    await frame.locator('#runs-filter-origin .select-face').click();
    await frame.locator('#runs-filter-origin li.option', { hasText: /^\s*user\s*$/ }).click();
    await frame.locator('#runs-filter-status .select-face').click();
    await frame.locator('#runs-filter-status li.option', { hasText: /^\s*passed\s*$/ }).click();
    await frame.locator('.runs-list .pager.top .summary', { hasText: /^Showing 1–1 of 1 matching, newest first$/ }).waitFor({ timeout: 15_000 });
    assert.deepEqual(await frame.locator('li.run').evaluateAll((items) => items.map((item) => item.getAttribute('data-run-id'))), [runId]);
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-filtered')}`);

    // In a dark theme, picked as a user does, the badges and the list stay readable.
    await frame.locator('#runs-filter-origin .select-face').click();
    await frame.locator('#runs-filter-origin li.option', { hasText: /^\s*All origins\s*$/ }).click();
    await frame.locator('#runs-filter-status .select-face').click();
    await frame.locator('#runs-filter-status li.option', { hasText: /^\s*All statuses\s*$/ }).click();
    await switchToDarkTheme(page);
    await frame.locator('.runs-list .pager.top .summary', { hasText: /^Showing 1–5 of 5, newest first$/ }).waitFor({ timeout: 15_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'runs-dark')}`);

    // "Co-evolve: Show Run Log" lists the same runs (newest first, the crashed one by its task) and opens the picked run's files.
    await runCommand(page, 'Co-evolve: Show Run Log');
    const picks = page.locator('.quick-input-widget .monaco-list-row');
    await picks.first().waitFor({ state: 'visible', timeout: 15_000 });
    // A row's first label is the item's; its detail line (the run id) has a label of its own.
    const labels = await picks.evaluateAll((rows) => rows.map((row) => row.querySelector('.label-name')?.textContent?.trim()));
    assert.deepEqual(labels.slice(0, 3), [TASK, 'rename sum to total', 'Evolve the skill library from 1 failure cluster(s).']);
    assert.match(await picks.nth(1).innerText(), /unfinished/);
    // Enter picks the active row: wait until VS Code has made the newest run active (as pickQuickItem does).
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: TASK }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.quick-input-widget input').press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'summary.json' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.tabs-container .tab', { hasText: 'patch.diff' }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.deepEqual(models.remaining(), { '': 0, gen: 0, impl: 0, rect: 0 });
  });
});
