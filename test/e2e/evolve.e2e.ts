// End to end in a real VS Code: "Co-evolve: Evolve Skills" over two real failed runs of the user's.
// The scripted model (test code, real HTTP) proposes a mistake note; the command replays both runs
// with and without it in worktrees, with real `node --test`, keeps it, and the Skills tab shows it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildEvolveFixture, mistakeNote, playTeam } from '../helpers/evolveFixture.ts';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';
import { teamModels } from '../helpers/teamFixtures.ts';
import { screenshot } from './harness/browser.ts';
import { clickNotificationButton, pickQuickItem, runCommand, waitForNotification, waitForToastsSettled } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';
import { readSkill } from '../../src/core/skills/skillLibrary.ts';

test('Evolve Skills: clusters, then keeps a mistake note that replay proves helpful, shown in the Skills tab', { timeout: 300_000 }, async (t) => {
  const models = await ScriptedModelServer.start();
  playTeam(models, () => mistakeNote());
  const fixture = await buildEvolveFixture(models, { storeInRepo: true });
  writeFileSync(join(fixture.storeDir, 'models.json'), JSON.stringify(teamModels(models.baseURL)));

  await inVsCode(t, { name: 'evolve', folder: fixture.repo.dir, cleanup: [() => models.close(), () => fixture.remove()] }, async ({ page }) => {
    await runCommand(page, 'Co-evolve: Evolve Skills');
    await pickQuickItem(page, 'Show Failure Clusters');
    const dry = await waitForNotification(page, /^Co-evolve: \d+ failure cluster/, 60_000);
    assert.equal(dry.text, 'Co-evolve: 1 failure cluster(s) in 2 run(s); 1 would get a candidate. Details in the log.');

    await runCommand(page, 'Co-evolve: Evolve Skills');
    await pickQuickItem(page, 'Evolve');
    const done = await waitForNotification(page, /^Co-evolve: "reduce-initial-value"/, 240_000);
    assert.equal(done.text, 'Co-evolve: "reduce-initial-value": accepted');
    const skill = await readSkill(fixture.storeDir, 'reduce-initial-value');
    assert.equal(skill.doc.meta.status, 'active');
    assert.equal(fixture.repo.git('status', '--porcelain'), '', 'the user\'s tree is untouched');
    assert.equal(fixture.repo.git('worktree', 'list').trim().split('\n').length, 1, 'no replay worktree is left');

    await waitForToastsSettled(page);
    await clickNotificationButton(page, /reduce-initial-value/, 'Open Skill Library');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.locator('vscode-tab-header', { hasText: 'Skills' }).click({ timeout: 30_000 });
    await frame.getByText('reduce-initial-value').first().waitFor({ state: 'visible', timeout: 30_000 });
    t.diagnostic(`screenshot: ${await screenshot(page, 'evolve-skill-library')}`);
  });
});
