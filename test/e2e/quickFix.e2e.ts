// End to end in a real VS Code: a TypeScript error that a past commit already fixed once. The quick
// fix menu offers both "Apply past fix: …" (from mined memory) and "Fix with Co-evolve"; the past fix
// is previewed, applied as one edit, and undone with Ctrl+Z — and the memory records both.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mineHistory } from '../../src/core/mining/miner.ts';
import { GitRepo } from '../helpers/gitRepo.ts';
import { screenshot } from './harness/browser.ts';
import { inVsCode } from './harness/session.ts';

const BROKEN = 'export const name = "count";\nexport const count: number = "3";\nexport const done = true;\n';
const FIXED = 'export const name = "count";\nexport const count: number = 3;\nexport const done = true;\n';

test('quick fix: a past fix from memory is offered beside "Fix with Co-evolve", previewed, applied and undone', { timeout: 300_000 }, async (t) => {
  const repo = GitRepo.create('coevolve-e2e-quickfix-');
  repo.commit('feat(count): constants for the counter', { 'src/count.ts': BROKEN, 'tsconfig.json': '{ "compilerOptions": { "strict": true, "noEmit": true }, "include": ["src"] }\n', '.gitignore': '.coevolve/\n' });
  const fix = repo.commit('fix(count): count must be a number, not a string', { 'src/count.ts': FIXED });
  repo.commit('chore(count): restore the old constants file', { 'src/count.ts': BROKEN });
  await mineHistory(repo.dir, { storeDir: join(repo.dir, '.coevolve') });
  await inVsCode(
    t,
    {
      name: 'quickfix',
      folder: repo.dir,
      cleanup: [() => repo.remove()],
    },
    async ({ page }) => {
      // Open the file the way a user does, and wait for TypeScript to report the error.
      await page.keyboard.press('Control+P');
      const quickOpen = page.locator('.quick-input-widget input');
      await quickOpen.waitFor({ state: 'visible', timeout: 15_000 });
      await quickOpen.fill('count.ts');
      // Enter only once the file itself is the highlighted result (results arrive after typing).
      await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'count.ts' }).waitFor({ state: 'visible', timeout: 30_000 });
      await quickOpen.press('Enter');
      const squiggle = page.locator('.monaco-editor .squiggly-error').first();
      await squiggle.waitFor({ state: 'attached', timeout: 90_000 });
      await page.locator('.monaco-editor .view-line', { hasText: 'export const count' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');

      // The past fix is looked up in the background once the problem appears; ask until it is offered.
      const menu = page.locator('.action-widget:not(.action-list-submenu-panel)').first();
      const pastFix = menu.locator('.action-label, .title, span', { hasText: /^Apply past fix: fix\(count\): count must be a number, not a string \(from [0-9a-f]{7}\)$/ }).first();
      const deadline = Date.now() + 60_000;
      for (;;) {
        await page.keyboard.press('Control+.');
        await menu.waitFor({ state: 'visible', timeout: 10_000 });
        if (await pastFix.isVisible().catch(() => false)) break;
        if (Date.now() > deadline) throw new Error(`no past fix offered; the menu shows: ${await menu.innerText()}`);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1_000);
      }
      assert.ok(await menu.locator('span, .title', { hasText: /^Fix with Co-evolve$/ }).first().isVisible(), 'Fix with Co-evolve is offered too');
      t.diagnostic(`screenshot: ${await screenshot(page, 'quickfix-menu')}`);
      assert.match(await pastFix.innerText(), new RegExp(`\\(from ${fix.slice(0, 7)}\\)`));

      await pastFix.click();
      // The preview opens as a diff; a modal asks before anything is written.
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 20_000 });
      t.diagnostic(`screenshot: ${await screenshot(page, 'quickfix-preview')}`);
      await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      const editorText = (): Promise<string> => page.locator('.monaco-editor.focused .view-lines, .editor-instance .monaco-editor .view-lines').first().innerText();
      const appliedBy = Date.now() + 15_000;
      while (!/count: number = 3;/.test((await editorText()).replace(/\u00a0/g, ' ')) && Date.now() < appliedBy) await page.waitForTimeout(200);
      assert.match((await editorText()).replace(/\u00a0/g, ' '), /export const count: number = 3;/);
      t.diagnostic(`screenshot: ${await screenshot(page, 'quickfix-applied')}`);
      const utilityOf = (): { helpful: number; harmful?: number; uses: number } =>
        (JSON.parse(readFileSync(join(repo.dir, '.coevolve', 'memory', 'experiences', 'shard-000000.json'), 'utf8').split('\n').find((l) => l.includes(fix))!.replace(/,$/, '')) as { utility: { helpful: number; harmful?: number; uses: number } }).utility;
      const waitForUses = async (uses: number) => {
        const by = Date.now() + 15_000;
        while (utilityOf().uses < uses && Date.now() < by) await page.waitForTimeout(200);
        return utilityOf();
      };
      const kept = await waitForUses(1);
      assert.deepEqual([kept.helpful, kept.uses], [1, 1]);

      // Undo reverts the edit, and counts against the memory it came from.
      await page.keyboard.press('Control+Z');
      const undoneBy = Date.now() + 15_000;
      while (!/count: number = "3";/.test((await editorText()).replace(/\u00a0/g, ' ')) && Date.now() < undoneBy) await page.waitForTimeout(200);
      assert.match((await editorText()).replace(/\u00a0/g, ' '), /export const count: number = "3";/);
      const utility = await waitForUses(2);
      assert.deepEqual([utility.helpful, utility.harmful, utility.uses], [1, 1, 2]);
      assert.equal(readFileSync(join(repo.dir, 'src/count.ts'), 'utf8'), BROKEN, 'nothing was saved behind the user\'s back');
    },
  );
});
