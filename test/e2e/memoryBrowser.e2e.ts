// End to end in a real VS Code: a fixture repository is mined with the core (plus one skill and one
// recorded fix), "Co-evolve: Open Memory & Skill Browser" opens the webview panel, a search finds the
// right commit, the Skills tab shows the skill, and Quarantine reaches the store on disk.
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
import { runCommand } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';


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

test('Memory & Skill Browser: search, skills and quarantine in a real VS Code', { timeout: 300_000 }, async (t) => {
  const { repo, fixSha } = await fixture();
  await inVsCode(t, { name: 'memory-browser', folder: repo.dir, cleanup: [() => repo.remove()] }, async ({ page }) => {
    await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
    const frame = await panelFrame(page);
    await frame.locator('.where').filter({ hasText: 'Memory of' }).waitFor({ timeout: 20_000 });

    // Memory: the fix commit is recalled for a task that resembles it.
    await frame.locator('#memory-query input').fill('empty input tokenize');
    await frame.locator('#memory-query input').press('Enter');
    const card = frame.locator(`.results article.experience[data-sha="${fixSha}"]`);
    await card.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await card.innerText(), /fix\(parser\): handle empty input in tokenize/);
    assert.match(await card.innerText(), /Q 0\.00\s*· helpful 0 · harmful 0 · uses 0/);
    t.diagnostic(`screenshot: ${await screenshot(page, 'memory-browser-search')}`);

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
  });
});
