// End to end in a real VS Code with workspace trust on and the folder NOT trusted (Restricted Mode):
// mining and browsing memory work, the memory browser says what is off and why, and Solve Task is
// refused with the way to trust the folder — without a single request reaching the model server.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';
import { planStep, teamProject } from '../helpers/teamFixtures.ts';
import { memoryPanelFrame, screenshot } from './harness/browser.ts';
import { runCommand, waitForNotification, waitForToastsSettled } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';

test('Restricted Mode: mining and browsing work, solving is refused and the panel says why', { timeout: 300_000 }, async (t) => {
  const models = await ScriptedModelServer.start();
  const repo = teamProject(models.baseURL);
  models.scriptFor('gen', planStep());
  const commits = Number(repo.git('rev-list', '--count', 'HEAD').trim());

  await inVsCode(
    t,
    { name: 'restricted', folder: repo.dir, untrusted: true, cleanup: [() => models.close(), () => repo.remove()] },
    async ({ page }) => {
      // VS Code itself says the folder is in Restricted Mode.
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 30_000 });

      await runCommand(page, 'Co-evolve: Mine Project History');
      const mined = await waitForNotification(page, /^Co-evolve: (?!mining project history)/, 120_000);
      assert.equal(mined.text, `Co-evolve: Mined ${commits} commits: ${commits} experiences in memory.`);
      assert.ok(existsSync(join(repo.dir, '.coevolve', 'memory', 'meta.json')));

      await runCommand(page, 'Co-evolve: Open Memory & Skill Browser');
      const frame = await memoryPanelFrame(page);
      const banner = frame.locator('#restricted-banner');
      await banner.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await banner.innerText(), /Restricted Mode: this workspace is not trusted\.[\s\S]*Solving tasks \(Solve Task…, Fix with Co-evolve\), evolving skills and testing the model connection stay off/);
      await frame.locator('article.experience').first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await frame.locator('article.experience').count(), commits, 'browsing memory works in Restricted Mode');
      await waitForToastsSettled(page);
      t.diagnostic(`screenshot: ${await screenshot(page, 'restricted-memory-browser')}`);

      await runCommand(page, 'Co-evolve: Solve Task…');
      const refused = await waitForNotification(page, /^Co-evolve: solving a task/, 30_000);
      assert.equal(refused.text, "Co-evolve: solving a task runs the project's own checks, so it needs a trusted workspace.");
      assert.equal(refused.severity, 'warning');
      await waitForToastsSettled(page);
      t.diagnostic(`screenshot: ${await screenshot(page, 'restricted-solve-refused')}`);
      assert.equal(models.requests.length, 0, 'nothing reached the model server');
      assert.equal(repo.git('status', '--porcelain'), '');
    },
  );
});
