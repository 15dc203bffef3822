// End to end in a real VS Code: a fixture repository is mined with the core (plus a skill with two
// versions and the evolution decision behind the second, a recorded fix, and credits for the fix
// commit and the fix), "Co-evolve: Open Memory & Skill Browser" opens the webview panel, the list
// scrolls (virtualized: only the rows near the viewport are in the page, fetched from the host by
// page), keeps its place when the panel is hidden and shown again, and filters by kind, file and
// author, a search finds the right commit with its Q over time and its hunk (diff-coloured),
// Quarantine reaches the store on disk, the Fixes tab charts the fix's Q, and the Skills tab shows
// the skill's lineage and evidence, lists the safety findings before approving, and rolls back to v1.
// Then the same panel in a dark theme.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { mineHistory } from '../../src/core/mining/miner.ts';
import { recordEvolutionDecision } from '../../src/core/evolution/decisionLog.ts';
import { appendFix, creditFixes, newFixUtility } from '../../src/core/learning/fixExperience.ts';
import { creditExperiences } from '../../src/core/learning/utility.ts';
import { readDecisions, readSkill, saveSkillVersion } from '../../src/core/skills/skillLibrary.ts';
import { creditSkills } from '../../src/core/skills/skillStats.ts';
import { GitRepo } from '../helpers/gitRepo.ts';
import { memoryPanelFrame, SCREENSHOT_DIR, screenshot } from './harness/browser.ts';
import { pickQuickItem, runCommand, switchToDarkTheme } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';

// Enough commits for two pages of the browse list (the webview asks the host for 50 rows at a time)
// and for far more rows than fit in its viewport: every 10th a fix, the other even ones tests, the odd ones chores; every 4th by another author.
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
  // A skill written by hand (v1, used twice and accepted both times), then improved by the evolution
  // loop (v2: kept by the gate, held as a candidate because it links to a page).
  await saveSkillVersion(
    storeDir,
    { name: 'guard-empty-input', description: 'Return early on empty input before splitting.', kind: 'skill', status: 'active', provenance: { source: 'manual' } },
    '# Guard empty input\n\nCheck `input.length` first.\n',
  );
  await creditSkills(storeDir, ['guard-empty-input@v1'], true);
  await creditSkills(storeDir, ['guard-empty-input@v1'], true);
  await saveSkillVersion(
    storeDir,
    { name: 'guard-empty-input', description: 'Return early on empty or blank input before splitting.', kind: 'skill', status: 'candidate', provenance: { source: 'evolution', runs: ['run-7', 'run-9'], createdAt: new Date().toISOString() } },
    '# Guard empty input\n\nCheck `input.trim()` first, see https://example.com/guards. <script>alert("not markup")</script>\n',
    {},
    'evolution: accepted (wins 2 > losses 0)',
  );
  await recordEvolutionDecision(storeDir, {
    at: new Date().toISOString(),
    clusterId: 'cluster-1',
    signature: 'TypeError: Cannot read properties of undefined',
    runs: ['run-7', 'run-9'],
    proposal: { action: 'edit', kind: 'skill', name: 'guard-empty-input', description: 'Return early on empty or blank input.', trigger: { keywords: [], files: [], errors: [] }, body: '', rationale: 'Both runs split a blank line.' },
    verdict: 'accepted',
    reason: 'wins 2 > losses 0; held-out 3/3 with, 2/3 without',
    saved: { name: 'guard-empty-input', version: 2, status: 'candidate' },
    evidence: {
      pairs: ['run-7', 'run-9'].map((runId) => ({ task: `replay of ${runId}`, source: runId, without: { passed: false, rounds: 3, reason: 'TypeError' }, with: { passed: true, rounds: 1, reason: '' }, outcome: 'win' as const })),
      heldOut: [1, 2, 3].map((i) => ({ task: `held-out ${i}`, source: `commit ${i}`, without: { passed: i !== 3, rounds: 1, reason: '' }, with: { passed: true, rounds: 1, reason: '' }, outcome: i === 3 ? ('win' as const) : ('tie' as const) })),
      wins: 2,
      losses: 0,
      heldOutPassedWith: 3,
      heldOutPassedWithout: 2,
      safety: [],
    },
  });
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
  // Utility over time: the fix commit helped, hurt, helped (Q 0.30 → −0.09 → 0.24); the fix helped once.
  const hourAgo = Date.now() / 1000 - 3_600;
  for (const [i, reward] of ([1, -1, 1] as const).entries()) await creditExperiences(storeDir, [`commit:${fixSha}`], reward, hourAgo + i * 60);
  await creditFixes(storeDir, ['fix:run-1'], 1, hourAgo);
  return { repo, fixSha };
}

/** A screenshot of one element of the panel, for a detail too small to judge in the whole window. */
async function closeUp(locator: Locator, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await locator.screenshot({ path, timeout: 30_000 });
  return path;
}

/** The browse list's summary line, once it says what `pattern` expects. */
async function summary(frame: FrameLocator, pattern: RegExp): Promise<string> {
  const line = frame.locator('.results .list-summary .summary').filter({ hasText: pattern });
  await line.waitFor({ state: 'visible', timeout: 30_000 });
  return line.innerText();
}

interface ListView {
  /** aria-posinset of each row in the DOM, in order. */
  rendered: number[];
  /** aria-posinset of the rows at least partly inside the scrolling box, in order. */
  inView: number[];
  setSize: number;
  scrollTop: number;
}

/** What the virtualized browse list has in the DOM and what of it the user sees, once loaded. */
async function listView(frame: FrameLocator): Promise<ListView> {
  const list = frame.locator('.results .vlist[role="list"]:not([aria-busy])');
  await list.locator('.vrow[role="listitem"]').first().waitFor({ state: 'attached', timeout: 30_000 });
  return list.evaluate((box) => {
    const frame = box.getBoundingClientRect();
    const rows = [...box.querySelectorAll(':scope > .vrow[role="listitem"]')];
    // No named functions in here: the page has no __name helper that tsx would wrap them in.
    const inView = rows.filter((row) => {
      const rect = row.getBoundingClientRect();
      return rect.bottom > frame.top + 1 && rect.top < frame.bottom - 1;
    });
    return {
      rendered: rows.map((row) => Number(row.getAttribute('aria-posinset'))),
      inView: inView.map((row) => Number(row.getAttribute('aria-posinset'))),
      setSize: Number(rows[0]?.getAttribute('aria-setsize')),
      scrollTop: box.scrollTop,
    };
  });
}

/** Waits until `check` holds for the list's view (it settles over a few frames); returns that view. */
async function listSettles(frame: FrameLocator, check: (view: ListView) => boolean, what: string): Promise<ListView> {
  const deadline = Date.now() + 15_000;
  let view = await listView(frame);
  while (!check(view)) {
    if (Date.now() > deadline) assert.fail(`the list did not settle (${what}): ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await listView(frame);
  }
  return view;
}

async function chooseKind(frame: FrameLocator, kind: string): Promise<void> {
  await frame.locator('#filter-kind .select-face').click();
  await frame.locator('#filter-kind li.option', { hasText: new RegExp(`^\\s*${kind}\\s*$`) }).click();
}

test('Memory & Skill Browser: a virtualized list, filters, search, skills and quarantine in a real VS Code', { timeout: 300_000 }, async (t) => {
  const { repo, fixSha } = await fixture();
  await inVsCode(t, { name: 'memory-browser', folder: repo.dir, cleanup: [() => repo.remove()] }, async ({ page }) => {
    await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
    const frame = await memoryPanelFrame(page);
    await frame.locator('.where').filter({ hasText: 'Memory of' }).waitFor({ timeout: 20_000 });
    const cards = frame.locator('.results article.experience');

    // Without search text: the whole memory in one scrolling list, newest first. Only the rows near
    // the viewport are in the DOM (the fixture has more than fit in it), each a listitem that says
    // where it is in the whole list.
    const list = frame.locator('.results .vlist[role="list"]');
    await summary(frame, new RegExp(`^${TOTAL} past changes, newest first$`));
    let view = await listSettles(frame, (v) => v.inView.length > 0, 'first rows');
    assert.equal(view.setSize, TOTAL);
    assert.equal(view.rendered[0], 1, 'the list starts at the newest commit');
    assert.deepEqual(view.rendered, Array.from({ length: view.rendered.length }, (_, i) => i + 1), 'the rendered rows are one run from the top');
    assert.ok(view.inView.length < TOTAL, `the viewport shows only part of the list (${view.inView.length} of ${TOTAL} rows)`);
    assert.ok(view.rendered.length < TOTAL && view.rendered.length <= view.inView.length + 10, `only the rows in view and a few more are rendered (${view.rendered.length} of ${TOTAL})`);
    assert.equal(await cards.count(), view.rendered.length);
    assert.match(await cards.first().innerText(), new RegExp(`step ${FILLERS.length}\\b`));
    assert.equal(await frame.locator('#restricted-banner').isVisible(), false, 'the e2e workspace is trusted: no restricted-mode banner');
    t.diagnostic(`rows: ${view.inView.length} in view, ${view.rendered.length} rendered of ${TOTAL}`);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-browse')}`);

    // The keyboard: the list takes the focus; Page Down moves by a viewport, End reaches the oldest
    // commit (on the host's second page), Home the newest again. The DOM stays as small throughout.
    await list.focus();
    await list.press('PageDown');
    const before = view.inView[0]!;
    view = await listSettles(frame, (v) => v.inView[0]! > before, 'Page Down');
    await list.press('End');
    view = await listSettles(frame, (v) => v.inView.at(-1) === TOTAL, 'End');
    const oldest = frame.locator(`.results .vrow[aria-posinset="${TOTAL}"] article.experience`);
    assert.match(await oldest.innerText(), /feat\(parser\): add a tokenizer/, 'the oldest commit ends the list');
    assert.ok(view.rendered.length < TOTAL && view.rendered[0]! > 1, `the rows at the top left the DOM (${view.rendered[0]}–${view.rendered.at(-1)} rendered)`);
    const [boxRect, oldestRect] = await Promise.all([list.boundingBox(), oldest.boundingBox()]);
    assert.ok(boxRect && oldestRect && oldestRect.y + oldestRect.height <= boxRect.y + boxRect.height + 2, 'the oldest card is fully in view at the end');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-end')}`);
    await list.press('Home');
    await listSettles(frame, (v) => v.inView[0] === 1 && v.scrollTop === 0, 'Home');

    // The place in the list is kept: the panel hidden behind another editor (its page is unloaded)
    // and shown again opens the list at the same row.
    await list.press('PageDown');
    await list.press('PageDown');
    const placed = (await listSettles(frame, (v) => v.inView[0]! > 3, 'two Page Downs')).inView;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'README.md' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Co-evolve: Memory & Skills' }).click();
    const shown = await memoryPanelFrame(page);
    const restored = await listSettles(shown, (v) => v.inView.length > 0, 'shown again');
    assert.ok(Math.abs(restored.inView[0]! - placed[0]!) <= 1, `the list opens where it was (row ${placed[0]}, now ${restored.inView[0]})`);
    await list.press('Home');
    await listSettles(frame, (v) => v.inView[0] === 1, 'Home after restore');

    // Filtering happens in the host: the kind filter shrinks the list to the fixes, from page 1 again.
    await chooseKind(frame, 'fix');
    await summary(frame, new RegExp(`^${FIXES} matching past changes, newest first$`));
    view = await listSettles(frame, (v) => v.setSize === FIXES, 'kind: fix');
    assert.equal(view.rendered[0], 1, 'a new filter starts at the top');
    assert.deepEqual([...new Set(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-kind'))))], ['fix']);
    // The fix commit is the oldest fix: at the end of the list.
    await list.press('End');
    await listSettles(frame, (v) => v.inView.at(-1) === FIXES, 'End of the fixes');
    assert.equal(await frame.locator(`.results article.experience[data-sha="${fixSha}"]`).count(), 1);
    // Q over time on the one credited experience (charts are fetched for the rows rendered, at once).
    const creditedCard = frame.locator(`.results article.experience[data-sha="${fixSha}"]`);
    await creditedCard.locator('svg.sparkline').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await frame.locator('.results svg.sparkline').count(), 1, 'only credited memories have a chart');
    assert.deepEqual([...new Set(await cards.evaluateAll((items) => items.map((item) => item.getAttribute('data-kind'))))], ['fix']);
    await creditedCard.scrollIntoViewIfNeeded();
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-kind-fix')}`);
    t.diagnostic(`screenshot: ${await closeUp(creditedCard, 'memory-browser-sparkline')}`);

    // Author and file (a glob) narrow further; Clear Filters brings the whole list back.
    await frame.locator('#filter-author input').fill('ada');
    await summary(frame, new RegExp(`^${ADA_FIXES} matching past changes`));
    await chooseKind(frame, 'All kinds');
    await summary(frame, new RegExp(`^${ADA} matching past changes`));
    await listSettles(frame, (v) => v.setSize === ADA, 'author: ada');
    assert.ok((await cards.allInnerTexts()).every((text) => text.includes('· Ada Lovelace')), 'each card names its author');
    await frame.locator('#filter-file input').fill('test/*.test.ts');
    await summary(frame, new RegExp(`^${ADA_TESTS} matching past changes`));
    await listSettles(frame, (v) => v.setSize === ADA_TESTS, 'author and file');
    assert.ok((await cards.allInnerTexts()).every((text) => /test: cover step/.test(text)));
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-author-file')}`);
    await frame.locator('#filter-clear').click();
    await summary(frame, new RegExp(`^${TOTAL} past changes, newest first$`));

    // Memory: the fix commit is recalled for a task that resembles it.
    await frame.locator('#memory-query input').fill('empty input tokenize');
    await frame.locator('#memory-query input').press('Enter');
    const card = frame.locator(`.results article.experience[data-sha="${fixSha}"]`);
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await card.innerText(), /fix\(parser\): handle empty input in tokenize/);
    assert.match(await card.innerText(), /Q 0\.24\s*· helpful 2 · harmful 1 · uses 3/);
    const spark = card.locator('svg.sparkline');
    await spark.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await spark.getAttribute('aria-label'), 'Q over 3 credits: 0.30 → 0.24');
    assert.deepEqual(await spark.locator('circle').evaluateAll((dots) => dots.map((dot) => dot.getAttribute('class'))), ['credit up', 'credit down', 'credit up']);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-search')}`);
    // The card shows how the change went: its hunk, read from git on opening, diff-coloured.
    await card.locator('details.change-code > summary').click();
    const hunk = card.locator('details.change-code pre.hunk[data-path="src/parser.ts"]');
    await hunk.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await card.locator('details.change-code .hunk-file').first().innerText(), /^src\/parser\.ts$/);
    assert.deepEqual(await hunk.locator('.line').evaluateAll((lines) => lines.map((line) => `${line.className.replace('line ', '')}|${line.textContent}`)), [
      'hunk-header|@@ -1,3 +1,4 @@',
      'ctx| export function tokenize(input: string): string[] {',
      'del|-  return input.split(/\\s+/);',
      'add|+  if (!input.trim()) return [];',
      'add|+  return input.trim().split(/\\s+/);',
      'ctx| }',
    ]);
    const colour = (selector: string) => hunk.locator(selector).first().evaluate((line) => line.ownerDocument.defaultView!.getComputedStyle(line).backgroundColor);
    const [added, removed, context] = await Promise.all([colour('.line.add'), colour('.line.del'), colour('.line.ctx')]);
    assert.ok(added !== context && removed !== context && added !== removed, `added, removed and context lines are told apart by colour (${added}, ${removed}, ${context})`);
    t.diagnostic(`screenshot: ${await closeUp(card, 'memory-browser-change-hunks')}`);
    // The search says how to get back to the whole list; the search itself is then repeated.
    await frame.locator('#show-all').click();
    await summary(frame, new RegExp(`^${TOTAL} past changes, newest first$`));
    await frame.locator('#memory-query input').fill('empty input tokenize');
    await frame.locator('#memory-query input').press('Enter');
    await card.waitFor({ state: 'visible', timeout: 30_000 });

    // Pin reaches the store and shows on the card; the commit opens in an editor beside the panel.
    await card.locator('vscode-button.action-pin').click();
    await card.locator('.pin-badge').waitFor({ timeout: 15_000 });
    assert.ok(readFileSync(join(repo.dir, '.coevolve', 'memory', 'experiences', 'shard-000000.json'), 'utf8').includes('"pinned":true'), 'the experience is pinned on disk');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-pinned')}`);
    await card.locator('a.show-commit').click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'handle empty input in tokenize' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-commit')}`);
    // Closed again (it has the focus), so the layout is as before for what follows.
    await runCommand(page, 'View: Revert and Close Editor');
    await page.locator('.monaco-editor .view-lines', { hasText: 'handle empty input in tokenize' }).first().waitFor({ state: 'detached', timeout: 15_000 });
    await card.locator('vscode-button.action-unpin').click();
    await card.locator('vscode-button.action-pin').waitFor({ timeout: 15_000 });

    // Quarantine reaches the store; the card now offers Restore.
    await card.locator('vscode-button.action-quarantine').click();
    await card.locator('vscode-button.action-restore').waitFor({ timeout: 15_000 });
    const shard = readFileSync(join(repo.dir, '.coevolve', 'memory', 'experiences', 'shard-000000.json'), 'utf8');
    assert.ok(shard.includes('"quarantined":"manual"'), 'the experience is quarantined on disk');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-quarantined')}`);

    // Forget… asks in VS Code's modal first; confirmed, the card becomes a tombstone and no file of
    // the store holds the commit's words any more (the commit itself stays in git).
    const feat = frame.locator('article.experience', { hasText: 'feat(parser): add a tokenizer for arithmetic expressions' }).first();
    const featSha = await feat.getAttribute('data-sha');
    await feat.locator('vscode-button.action-forget').click();
    const forgetDialog = page.locator('.monaco-dialog-box');
    await forgetDialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await forgetDialog.innerText(), /Forget "feat\(parser\): add a tokenizer for arithmetic expressions" \([0-9a-f]{10}\)\?[\s\S]*The commit stays in git/);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-forget')}`);
    await forgetDialog.locator('.monaco-button', { hasText: /^Forget$/ }).click();
    const tombstone = frame.locator(`article.experience.is-forgotten[data-sha="${featSha}"]`);
    await tombstone.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await tombstone.innerText(), /Forgotten commit[\s\S]*forgotten \d{4}-\d{2}-\d{2}/);
    assert.ok(!readFileSync(join(repo.dir, '.coevolve', 'memory', 'experiences', 'shard-000000.json'), 'utf8').includes('add a tokenizer for arithmetic expressions'), 'the shard no longer holds the commit');
    assert.match(repo.git('log', '--format=%s'), /feat\(parser\): add a tokenizer for arithmetic expressions/);

    // Fixes: the recorded fix.
    await frame.locator('vscode-tab-header', { hasText: 'Fixes' }).click();
    const fixRow = frame.locator('vscode-table-row[data-id="fix:run-1"]');
    await fixRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await fixRow.innerText(), /tokenize should ignore trailing spaces[\s\S]*accepted[\s\S]*verified[\s\S]*Q 0\.30/);
    const fixSpark = frame.locator('.fixes-body:not([aria-busy]) vscode-table-row[data-id="fix:run-1"] svg.sparkline');
    await fixSpark.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await fixSpark.getAttribute('aria-label'), 'Q over 1 credit: 0.30 → 0.30');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-fixes')}`);

    // Skills: the skill's lineage (two versions, v2 from v1), the acceptance of each, the evolution
    // decision that produced v2, and its SKILL.md shown as text (the markup in it is not run or rendered).
    await frame.locator('vscode-tab-header', { hasText: 'Skills' }).click();
    const skillRow = frame.locator('vscode-table-row[data-name="guard-empty-input"]');
    await skillRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await skillRow.innerText(), /guard-empty-input[\s\S]*skill[\s\S]*v2 \(of 1, 2\)[\s\S]*candidate/);
    await skillRow.click();
    const markdown = frame.locator('pre.skill-markdown');
    await markdown.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await markdown.innerText(), /<script>alert\("not markup"\)<\/script>/);
    assert.equal(await frame.locator('.skill-detail script').count(), 0);
    const versionRow = (version: number) => frame.locator(`.skill-detail tr.version-row[data-version="${version}"]`);
    await versionRow(2).waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await versionRow(2).innerText(), /v2\s*current[\s\S]*v1[\s\S]*candidate[\s\S]*unused[\s\S]*evolution, 2 runs/);
    assert.match(await versionRow(1).innerText(), /v1[\s\S]*—[\s\S]*active[\s\S]*2\/2 \(100%\)[\s\S]*manual/);
    const evolution = frame.locator('.skill-detail .evolution li.decision');
    assert.equal(await evolution.count(), 1);
    assert.match(await evolution.innerText(), /accepted[\s\S]*edit skill → saved as v2 \(candidate\)/);
    assert.match(await evolution.innerText(), /Replays: 2 wins, 0 losses in 2 pairs · Held-out: 3 of 3 passed with it, 2 without/);
    assert.match(await evolution.innerText(), /wins 2 > losses 0; held-out 3\/3 with, 2\/3 without/);
    const findings = frame.locator('.skill-detail .safety.findings');
    assert.match(await findings.innerText(), /Safety scan of v2: 1 finding to review before approving[\s\S]*network[\s\S]*example\.com/);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-skills')}`);

    // Approve: VS Code's modal lists the safety findings and asks for an explicit "Approve Anyway".
    const dialog = page.locator('.monaco-dialog-box');
    await frame.locator('#skill-approve').click();
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await dialog.innerText(), /Approve skill "guard-empty-input" v2 despite 1 safety finding\?[\s\S]*network[\s\S]*SKILL\.md:\d+[\s\S]*example\.com/);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-skill-approve')}`);
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    assert.equal((await readSkill(join(repo.dir, '.coevolve'), 'guard-empty-input')).doc.meta.status, 'candidate', 'cancelled: still a candidate');

    // Roll back to v1, chosen in its row and confirmed in the modal: v1 is current again, on disk too.
    await versionRow(1).locator('vscode-button.rollback-to').click();
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await dialog.innerText(), /Roll skill "guard-empty-input" back from v2 to v1\?[\s\S]*v2: not used yet · v1: 2\/2 accepted/);
    await dialog.locator('.monaco-button', { hasText: /^Roll Back to v1$/ }).click();
    await frame.locator('.skill-detail tr.version-row.current[data-version="1"]').waitFor({ timeout: 15_000 });
    assert.match(await frame.locator('.skill-detail .history tbody tr').first().innerText(), /rollback v2 → v1[\s\S]*rolled back from v2 to v1 in the memory browser/);
    assert.match(await skillRow.innerText(), /v1 \(of 1, 2\)[\s\S]*active/);
    const storeDir = join(repo.dir, '.coevolve');
    assert.equal((await readSkill(storeDir, 'guard-empty-input')).doc.meta.version, 1, 'v1 is current on disk');
    assert.equal((await readDecisions(storeDir)).at(-1)?.action, 'rollback');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-skill-rollback')}`);

    // A dark theme, picked as a user does: the panel follows VS Code's colours without reopening.
    await switchToDarkTheme(page);
    await frame.locator('vscode-tab-header', { hasText: 'Memory' }).click();
    await frame.locator('#show-all').click();
    await chooseKind(frame, 'fix');
    await summary(frame, new RegExp(`^${FIXES} matching past changes`));
    await listSettles(frame, (v) => v.setSize === FIXES, 'kind: fix, dark');
    await list.press('End');
    await listSettles(frame, (v) => v.inView.at(-1) === FIXES, 'End of the fixes, dark');
    const background = await frame.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor);
    assert.notEqual(background, 'rgb(255, 255, 255)', 'the page takes the dark editor background');
    const darkSpark = creditedCard.locator('svg.sparkline');
    await darkSpark.waitFor({ state: 'visible', timeout: 15_000 });
    await creditedCard.scrollIntoViewIfNeeded();
    // The chart draws with the theme's chart colours: the line is not the light theme's.
    const stroke = await darkSpark.locator('polyline.q').evaluate((line) => line.ownerDocument.defaultView!.getComputedStyle(line).stroke);
    assert.notEqual(stroke, 'none');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-dark')}`);
    t.diagnostic(`screenshot: ${await closeUp(creditedCard, 'memory-browser-sparkline-dark')}`);
    await frame.locator('vscode-tab-header', { hasText: 'Fixes' }).click();
    // The tab reads its list again when shown: busy until the rows and their charts are in.
    await frame.locator('.fixes-body:not([aria-busy]) vscode-table-row[data-id="fix:run-1"] svg.sparkline').waitFor({ state: 'visible', timeout: 15_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-fixes-dark')}`);
    await frame.locator('vscode-tab-header', { hasText: 'Skills' }).click();
    await frame.locator('.skill-detail tr.version-row.current[data-version="1"]').waitFor({ timeout: 15_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-skills-dark')}`);

    // The walkthrough: four steps, each with its command and its page from media/walkthrough/.
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await pickQuickItem(page, 'Get Started with Co-evolve');
    const steps = page.locator('.gettingStartedContainer .getting-started-step');
    await steps.first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await steps.allInnerTexts()).join('\n'), /Mine the project's history[\s\S]*Configure a model[\s\S]*Solve a task[\s\S]*Browse memory & skills/);
    // The step's page is the markdown from the VSIX, rendered in a webview of its own.
    const media = page.frameLocator('.gettingStartedContainer iframe.webview.ready').frameLocator('iframe#active-frame');
    await media.locator('h1', { hasText: "Mine the project's history" }).waitFor({ timeout: 30_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'walkthrough')}`);
  });
});

// A store past the size where its recall index moves to disk (SQLite in WebAssembly, loaded from the
// VSIX's dist/): the extension host pages and filters from that index.
test('Memory & Skill Browser: the same list and kind filter from a store whose index is on disk', { timeout: 300_000 }, async (t) => {
  process.env.COEVOLVE_MEMORY_ENGINE = 'sqlite';
  let built: Awaited<ReturnType<typeof fixture>>;
  try {
    built = await fixture();
  } finally {
    delete process.env.COEVOLVE_MEMORY_ENGINE;
  }
  const { repo, fixSha } = built;
  // Mined here with the disk engine; the host keeps to it because the index exists (no variable reaches it).
  assert.ok(existsSync(join(repo.dir, '.coevolve', 'cache', 'history-index.sqlite')), 'the index is on disk');
  assert.ok(!existsSync(join(repo.dir, '.coevolve', 'cache', 'recall-index.json')), 'no in-memory index cache');
  await inVsCode(t, { name: 'memory-browser-disk', folder: repo.dir, cleanup: [() => repo.remove()] }, async ({ page }) => {
    await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
    const frame = await memoryPanelFrame(page);
    await frame.locator('.where').filter({ hasText: 'Memory of' }).waitFor({ timeout: 20_000 });
    await summary(frame, new RegExp(`^${TOTAL} past changes, newest first$`));
    await chooseKind(frame, 'fix');
    await summary(frame, new RegExp(`^${FIXES} matching past changes, newest first$`));
    const list = frame.locator('.results .vlist[role="list"]');
    await list.press('End');
    await listSettles(frame, (v) => v.inView.at(-1) === FIXES, 'End of the fixes');
    assert.equal(await frame.locator(`.results article.experience[data-sha="${fixSha}"]`).count(), 1, 'the oldest fix, read through the disk index');
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-disk-index')}`);
  });
});
