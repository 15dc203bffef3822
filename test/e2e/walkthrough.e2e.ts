// End to end in a real VS Code: the "Get Started with Co-evolve" walkthrough ticks its steps as the
// user does them — mining from the palette ticks the first, opening the memory browser the last.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { GitRepo } from '../helpers/gitRepo.ts';
import { screenshot } from './harness/browser.ts';
import { pickQuickItem, runCommand, waitForNotification, waitForToastsSettled } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';

function stepChecked(page: Page, title: string): Promise<string | null> {
  return page.locator('.gettingStartedContainer .getting-started-step', { hasText: title }).first().locator('[role="checkbox"]').first().getAttribute('aria-checked');
}

/**
 * Brings the Co-evolve walkthrough's steps back on screen. Going back to the Welcome tab sometimes
 * (under load) shows the walkthrough index instead of the walkthrough last open; the ticks are the
 * same either way, so the test opens it again from its card rather than judging VS Code's navigation.
 */
async function showWalkthroughSteps(page: Page): Promise<void> {
  await page.locator('.tab', { hasText: 'Welcome' }).first().click();
  const steps = page.locator('.gettingStartedContainer .getting-started-step').first();
  try {
    await steps.waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    await page.locator('.gettingStartedContainer button', { hasText: 'Get Started with Co-evolve' }).first().click();
    await steps.waitFor({ state: 'visible', timeout: 15_000 });
  }
}

async function waitChecked(page: Page, title: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await stepChecked(page, title)) !== 'true') {
    if (Date.now() > deadline) throw new Error(`the walkthrough step "${title}" was not ticked`);
    await page.waitForTimeout(200);
  }
}

test('the walkthrough ticks its steps as they are done', { timeout: 300_000 }, async (t) => {
  const repo = GitRepo.create('coevolve-e2e-walkthrough-');
  repo.commit('feat: start', { 'src/a.ts': 'export const a = 1;\n' });
  repo.commit('fix: a is two', { 'src/a.ts': 'export const a = 2;\n' });

  await inVsCode(t, { name: 'walkthrough', folder: repo.dir, cleanup: [() => repo.remove()] }, async ({ page }) => {
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await pickQuickItem(page, 'Get Started with Co-evolve');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.locator('.gettingStartedContainer .getting-started-step').first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await stepChecked(page, 'Browse memory & skills'), 'false');

    await runCommand(page, 'Co-evolve: Mine Project History');
    await waitForNotification(page, /^Co-evolve: Mined 2 commits/, 120_000);
    // Under load VS Code may have gone back to the walkthrough index meanwhile (seen once in CI).
    await showWalkthroughSteps(page);
    await waitChecked(page, "Mine the project's history");

    await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
    await showWalkthroughSteps(page);
    await waitChecked(page, 'Browse memory & skills');
    assert.equal(await stepChecked(page, 'Solve a task'), 'false', 'a step not done stays unticked');
    await waitForToastsSettled(page);
    t.diagnostic(`screenshot: ${await screenshot(page, 'walkthrough-progress')}`);
  });
});
