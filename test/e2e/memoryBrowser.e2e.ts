// End to end in a real VS Code: a fixture repository is mined with the core (plus one skill and one
// recorded fix), "Co-evolve: Open Memory & Skill Browser" opens the webview panel, the list pages
// and filters by kind, file and author, a search finds the right commit, the Skills tab shows the
// skill, and Quarantine reaches the store on disk. Then the same panel in a dark theme.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { mineHistory } from '../../src/core/git/miner.ts';
import { appendFix, newFixUtility } from '../../src/core/learning/fixExperience.ts';
import { saveSkillVersion } from '../../src/core/skills/skillLibrary.ts';
import { GitRepo } from '../helpers/gitRepo.ts';
import { screenshot } from './harness/browser.ts';
import { answerInputBox, openPalette, runCommand } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';

// Enough commits for two pages of the browse list (the webview asks for 50 at a time): every 10th
// a fix, the other even ones tests, the odd ones chores; every 4th by another author.
const FILLERS = Array.from({ length: 60 }, (_, i) => i + 1);
const isFix = (i: number): boolean => i % 10 === 0;
const isTest = (i: number): boolean => !isFix(i) && i % 2 === 0;
const byAda = (i: number): boolean => i % 4 === 0;
const TOTAL = 3 + FILLERS.length;
const FIXES = 1 + FILLERS.filter(isFix).length;
const ADA_FIXES = FILLERS.filter((i) => isFix(i) && byAda(i)).length;
const ADA = FILLERS.filter(byAda).length;
const ADA_TESTS = FILLERS.filter((i) => isTest(i) && byAda(i)).length;

async function fixture(): Promise<{ repo: GitRepo; fixSha: string }> {
  const repo = GitRepo.create('coevolve-e2e-browser-');
  repo.commit('feat(parser): add a tokenizer for arithmetic expressions', {
    'src/parser.ts': 'export function tokenize(input: string): string[] {\n  return input.split(/\\s+/);\n}\n',
    '.gitignore': '.coevolve/\n',
  });
  const fixSha = repo.commit('fix(parser): handle empty input in tokenize', {
    'src/parser.ts': 'export function tokenize(input: string): string[] {\n  if (!input.trim()) return [];\n  return input.trim().split(/\\s+/);\n}\n',
  });
  repo.commit('docs: describe the parser', { 'README.md': '# Fixture\n\n`tokenize` splits an expression into tokens.\n' });
  for (const i of FILLERS) {
    if (byAda(i)) repo.git('config', 'user.name', 'Ada Lovelace');
    if (isFix(i)) repo.commit(`fix(counter): off-by-one in step ${i}`, { 'data/counter.txt': `${i}\n` });
    else if (isTest(i)) repo.commit(`test: cover step ${i}`, { [`test/step${i}.test.ts`]: `// step ${i}\n` });
    else repo.commit(`chore: bump the counter to ${i}`, { 'data/counter.txt': `${i}\n` });
    if (byAda(i)) repo.git('config', 'user.name', 'Test Author');
  }
  const storeDir = join(repo.dir, '.coevolve');
  await mineHistory(repo.dir, { storeDir });
  await saveSkillVersion(
    storeDir,
    { name: 'guard-empty-input', description: 'Return early on empty or blank input before splitting.', kind: 'skill' },
    '# Guard empty input\n\nCheck `input.trim()` first. <script>alert("not markup")</script>\n',
  );
  await appendFix(storeDir, {
    schema: 1,
    id: 'fix:run-1',
    source: 'fix',
    runId: 'run-1',
    time: Math.floor(Date.now() / 1000),
    task: 'tokenize should ignore trailing spaces',
    plan: 'trim the input',
    summary: 'tokenize trims its input',
    patchSummary: '',
    files: ['src/parser.ts'],
    verification: { status: 'passed', checks: [] },
    rounds: 1,
    outcome: 'accepted',
    verified: true,
    active: true,
    memoryUsed: { experienceIds: [], skillIds: [], fixIds: [] },
    utility: newFixUtility(),
  });
  return { repo, fixSha };
}

/** VS Code nests a webview in two iframes: the host frame, then the page's own. */
async function panelFrame(page: Page): Promise<FrameLocator> {
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('vscode-tabs').waitFor({ state: 'visible', timeout: 30_000 });
  return frame;
}

/** The browse list's summary line, once it says what `pattern` expects. */
async function summary(frame: FrameLocator, pattern: RegExp): Promise<string> {
  const line = frame.locator('.results .pager.top .summary').filter({ hasText: pattern });
  await line.waitFor({ state: 'visible', timeout: 30_000 });
  return line.innerText();
}

async function chooseKind(frame: FrameLocator, kind: string): Promise<void> {
  await frame.locator('#filter-kind .select-face').click();
  await frame.locator('#filter-kind li.option', { hasText: new RegExp(`^\\s*${kind}\\s*$`) }).click();
}

test('Memory & Skill Browser: paging, filters, search, skills and quarantine in a real VS Code', { timeout: 300_000 }, async (t) => {
  const { repo, fixSha } = await fixture();
  await inVsCode(t, { name: 'memory-browser', folder: repo.dir, cleanup: [() => repo.remove()] }, async ({ page }) => {
    await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
    const frame = await panelFrame(page);
    await frame.locator('.where').filter({ hasText: 'Memory of' }).waitFor({ timeout: 20_000 });
    const cards = frame.locator('.results article.experience');

    // Without search text: the whole memory, newest first, one page of 50 at a time.
    await summary(frame, new RegExp(`^Showing 1–50 of ${TOTAL}, newest first$`));
    assert.equal(await cards.count(), 50);
    assert.match(await cards.first().innerText(), new RegExp(`step ${FILLERS.length}\\b`));
    assert.equal(await frame.locator('#restricted-banner').isVisible(), false, 'the e2e workspace is trusted: no restricted-mode banner');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-browse')}`);

    await frame.locator('.pager.top vscode-button.page-next').click();
    await summary(frame, new RegExp(`^Showing 51–${TOTAL} of ${TOTAL}, newest first$`));
    assert.equal(await cards.count(), TOTAL - 50);
    assert.match(await cards.last().innerText(), /feat\(parser\): add a tokenizer/, 'the oldest commit ends the last page');
    assert.equal(await frame.locator('.pager.top vscode-button.page-next').getAttribute('disabled'), '', 'no page after the last');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-page-2')}`);

    // Filtering happens in the host: the kind filter shrinks the list to the fixes, from page 1 again.
    await chooseKind(frame, 'fix');
    await summary(frame, new RegExp(`^Showing 1–${FIXES} of ${FIXES} matching, newest first$`));
    assert.equal(await cards.count(), FIXES);
    assert.deepEqual([...new Set(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-kind'))))], ['fix']);
    assert.equal(await frame.locator(`.results article.experience[data-sha="${fixSha}"]`).count(), 1);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-kind-fix')}`);

    // Author and file (a glob) narrow further; Clear Filters brings the whole list back.
    await frame.locator('#filter-author input').fill('ada');
    await summary(frame, new RegExp(`^Showing 1–${ADA_FIXES} of ${ADA_FIXES} matching`));
    await chooseKind(frame, 'All kinds');
    await summary(frame, new RegExp(`^Showing 1–${ADA} of ${ADA} matching`));
    assert.ok((await cards.allInnerTexts()).every((text) => text.includes('· Ada Lovelace')), 'each card names its author');
    await frame.locator('#filter-file input').fill('test/*.test.ts');
    await summary(frame, new RegExp(`^Showing 1–${ADA_TESTS} of ${ADA_TESTS} matching`));
    assert.ok((await cards.allInnerTexts()).every((text) => /test: cover step/.test(text)));
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-author-file')}`);
    await frame.locator('#filter-clear').click();
    await summary(frame, new RegExp(`^Showing 1–50 of ${TOTAL}, newest first$`));

    // Memory: the fix commit is recalled for a task that resembles it.
    await frame.locator('#memory-query input').fill('empty input tokenize');
    await frame.locator('#memory-query input').press('Enter');
    const card = frame.locator(`.results article.experience[data-sha="${fixSha}"]`);
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await card.innerText(), /fix\(parser\): handle empty input in tokenize/);
    assert.match(await card.innerText(), /Q 0\.00\s*· helpful 0 · harmful 0 · uses 0/);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-search')}`);
    // The search says how to get back to the whole list; the search itself is then repeated.
    await frame.locator('#show-all').click();
    await summary(frame, new RegExp(`^Showing 1–50 of ${TOTAL}, newest first$`));
    await frame.locator('#memory-query input').fill('empty input tokenize');
    await frame.locator('#memory-query input').press('Enter');
    await card.waitFor({ state: 'visible', timeout: 30_000 });

    // Quarantine reaches the store; the card now offers Restore.
    await card.locator('vscode-button.action-quarantine').click();
    await card.locator('vscode-button.action-restore').waitFor({ timeout: 15_000 });
    const shard = readFileSync(join(repo.dir, '.coevolve', 'memory', 'experiences', 'shard-000000.json'), 'utf8');
    assert.ok(shard.includes('"quarantined":"manual"'), 'the experience is quarantined on disk');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-quarantined')}`);

    // Fixes: the recorded fix.
    await frame.locator('vscode-tab-header', { hasText: 'Fixes' }).click();
    const fixRow = frame.locator('vscode-table-row[data-id="fix:run-1"]');
    await fixRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await fixRow.innerText(), /tokenize should ignore trailing spaces[\s\S]*accepted[\s\S]*verified/);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-fixes')}`);

    // Skills: the skill, and its SKILL.md shown as text (the markup in it is not run or rendered).
    await frame.locator('vscode-tab-header', { hasText: 'Skills' }).click();
    const skillRow = frame.locator('vscode-table-row[data-name="guard-empty-input"]');
    await skillRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await skillRow.innerText(), /guard-empty-input[\s\S]*skill[\s\S]*v1[\s\S]*candidate/);
    await skillRow.click();
    const markdown = frame.locator('pre.skill-markdown');
    await markdown.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await markdown.innerText(), /<script>alert\("not markup"\)<\/script>/);
    assert.equal(await frame.locator('.skill-detail script').count(), 0);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-skills')}`);

    // A dark theme, picked as a user does: the panel follows VS Code's colours without reopening.
    // (runCommand wants its entry highlighted first; "Browse Color Themes in Marketplace" outranks it.)
    await openPalette(page);
    await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
    await page.locator('.quick-input-widget .monaco-list-row .label-name').filter({ hasText: /^\s*Preferences: Color Theme\s*$/ }).click();
    await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor({ timeout: 15_000 });
    // The picker labels it "Dark Modern" (the setting's value is "Default Dark Modern").
    await page.locator('.quick-input-widget input').fill('Dark Modern');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: /Dark Modern/ }).first().click();
    await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
    await frame.locator('vscode-tab-header', { hasText: 'Memory' }).click();
    await frame.locator('#show-all').click();
    await chooseKind(frame, 'fix');
    await summary(frame, new RegExp(`^Showing 1–${FIXES} of ${FIXES} matching`));
    const background = await frame.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor);
    assert.notEqual(background, 'rgb(255, 255, 255)', 'the page takes the dark editor background');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-dark')}`);

    // The walkthrough: four steps, each with its command and its page from media/walkthrough/.
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await answerInputBox(page, 'Get Started with Co-evolve');
    const steps = page.locator('.gettingStartedContainer .getting-started-step');
    await steps.first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await steps.allInnerTexts()).join('\n'), /Mine the project's history[\s\S]*Configure a model[\s\S]*Solve a task[\s\S]*Browse memory & skills/);
    // The step's page is the markdown from the VSIX, rendered in a webview of its own.
    const media = page.frameLocator('.gettingStartedContainer iframe.webview.ready').frameLocator('iframe#active-frame');
    await media.locator('h1', { hasText: "Mine the project's history" }).waitFor({ timeout: 30_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'walkthrough')}`);
  });
});
