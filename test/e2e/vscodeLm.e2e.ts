// End to end in a real VS Code with its own AI surfaces: a TEST-ONLY extension (test/e2e/lmTestExtension,
// never in the VSIX) registers chat models through vscode.lm.registerLanguageModelChatProvider and
// forwards each request to the ScriptedModelServer (test code, real HTTP on 127.0.0.1). Co-evolve
// then uses those models as its `vscode-lm` provider, answers as @coevolve in the Chat view, and
// serves its memory as language-model tools.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { readOutcomes } from '../../src/core/memory/outcomeLog.ts';
import { mineHistory } from '../../src/core/mining/miner.ts';
import { ScriptedEmbeddingServer } from '../helpers/scriptedEmbeddingServer.ts';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';
import { diagnosisStep, edit, finish, MATH_BEFORE, planStep, teamProject, toolCall } from '../helpers/teamFixtures.ts';
import { screenshot } from './harness/browser.ts';
import { cancelChat, clickResponseButton, enableChat, fullResponseText, packTestModelExtension, responseReferences, sendChat, waitForActivation, waitForChatModel, waitForResponseText } from './harness/chat.ts';
import { installExtension } from './harness/codeServer.ts';
import type { Profile } from './harness/codeServer.ts';
import { answerInputBox, clickNotificationButton, runCommand, waitForNotification, waitForToastsSettled } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';

const MATH_AFTER = 'export function sum(values) {\n  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);\n}\n';

function lmModels(ids: { generator: string; implementer: string; rectifier: string }): string {
  const role = (id: string) => ({ provider: 'vscode', model: `coevolve-test/scripted/${id}` });
  return JSON.stringify({ providers: { vscode: { preset: 'vscode-lm' } }, roles: { generator: role(ids.generator), implementer: role(ids.implementer), rectifier: role(ids.rectifier) } });
}

/** The test model extension, the scripted server's URL and the Chat view, in a fresh profile. */
function prepareProfile(work: string, baseURL: string, toolOut: string, recordId = ''): (profile: Profile) => void {
  return (profile) => {
    profile.env.COEVOLVE_TEST_RECORD_ID = recordId;
    enableChat(profile);
    profile.env.COEVOLVE_TEST_LM_URL = baseURL;
    profile.env.COEVOLVE_TEST_TOOL_OUT = toolOut;
    profile.env.COEVOLVE_TEST_LM_LOG = join(work, 'lm.log');
    installExtension(profile, packTestModelExtension(join(work, 'lm-test.vsix')));
  };
}

function worktrees(repo: { git: (...args: string[]) => string }): number {
  return repo.git('worktree', 'list').trim().split('\n').length;
}

async function until(page: Page, check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

test('vscode-lm provider, @coevolve in the Chat view and the memory tools, in a real VS Code', { timeout: 900_000 }, async (t) => {
  const models = await ScriptedModelServer.start();
  const embeddings = await ScriptedEmbeddingServer.start();
  const repo = teamProject(models.baseURL);
  const modelsFile = join(repo.dir, '.coevolve', 'models.json');
  writeFileSync(modelsFile, lmModels({ generator: 'gen', implementer: 'impl', rectifier: 'rect' }));
  await mineHistory(repo.dir, { storeDir: join(repo.dir, '.coevolve') });
  const shas = repo.git('log', '--format=%H').trim().split('\n');
  const work = mkdtempSync(join(tmpdir(), 'coevolve-e2e-lm-'));
  const toolOut = join(work, 'tool.json');

  await inVsCode(
    t,
    { name: 'vscode-lm', folder: repo.dir, prepare: prepareProfile(work, models.baseURL, toolOut, `commit:${shas.at(-1)}`), cleanup: [() => models.close(), () => embeddings.close(), () => repo.remove(), () => t.diagnostic(`test model log:\n${existsSync(join(work, 'lm.log')) ? readFileSync(join(work, 'lm.log'), 'utf8').slice(-3000) : '(none)'}`), () => rmSync(work, { recursive: true, force: true })] },
    async ({ page }) => {
      const pickerModel = await waitForChatModel(page);
      t.diagnostic(`the Chat view's model: ${pickerModel}`);

      // 1. The recall tool through vscode.lm.invokeTool (as Copilot's agent mode calls it): memory comes back.
      await runCommand(page, 'Coevolve Test: Invoke Recall Tool');
      await until(page, () => existsSync(toolOut), 30_000, 'the recall tool result');
      const tool = JSON.parse(readFileSync(toolOut, 'utf8')) as { ok: boolean; text?: string; error?: string };
      assert.ok(tool.ok, `invokeTool failed: ${tool.error}`);
      assert.match(tool.text!, /^Recall for the query \(keywords: [^)]*\): \d+ past changes/);
      assert.ok(shas.some((sha) => tool.text!.includes(`commit:${sha}`)), `the tool's answer names a real commit:\n${tool.text}`);
      assert.match(tool.text!, /"feat: sum"/);

      // 2. "Solve Task…" on the vscode-lm provider: the first patch breaks a test, the rectifier repairs it.
      models.scriptFor('gen', planStep());
      models.scriptFor('impl', toolCall('read_file', { path: 'src/math.js' }), edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b);'), finish('sum skips null'));
      models.scriptFor('rect', diagnosisStep('revise-patch', 'reduce() without an initial value throws on []', 'Give reduce the initial value 0.'));
      models.scriptFor('impl', edit('src/math.js', '.reduce((a, b) => a + b);', '.reduce((a, b) => a + b, 0);'), finish('sum skips null values; an empty list still sums to 0.'));
      await runCommand(page, 'Co-evolve: Solve Task…');
      await answerInputBox(page, 'sum should skip null values');
      const offer = await waitForNotification(page, /^Co-evolve: (the checks pass|.*NOT verified|.*failed|.*did not)/, 240_000);
      assert.equal(offer.text, 'Co-evolve: the checks pass with this change to 1 file, but no test demonstrates it (no regressions only). sum skips null values; an empty list still sums to 0.');
      assert.deepEqual(models.remaining(), { '': 0, gen: 0, impl: 0, rect: 0 });
      const served = models.requests.filter((r) => r.path.endsWith('/chat/completions'));
      assert.deepEqual([...new Set(served.map((r) => r.body.model))].sort(), ['gen', 'impl', 'rect'], 'every role went through VS Code to its own model');
      const implTools = served.filter((r) => r.body.model === 'impl').map((r) => ((r.body.tools ?? []) as { function: { name: string } }[]).map((tool) => tool.function.name));
      assert.ok(implTools.length === 5 && implTools.every((names) => names.includes('edit_file') && names.includes('finish')), `the implementer's tools went through the LM API: ${JSON.stringify(implTools)}`);
      // A tool call and its result went back to the model as LanguageModelToolCallPart / ToolResultPart.
      const second = served.filter((r) => r.body.model === 'impl')[1]!.body.messages as { role: string; content?: string; tool_calls?: { id: string; function: { name: string } }[]; tool_call_id?: string }[];
      const called = second.find((m) => m.role === 'assistant' && m.tool_calls?.[0]?.function.name === 'read_file');
      assert.ok(called, 'the implementer\'s read_file call is in its next request');
      assert.match(second.find((m) => m.role === 'tool' && m.tool_call_id === called.tool_calls![0]!.id)?.content ?? '', /export function sum\(values\)/, 'and so is the file it read');
      await clickNotificationButton(page, /the checks pass with this change/, 'Discard');
      await until(page, () => worktrees(repo) === 1, 15_000, 'the sandbox to go');
      assert.equal(readFileSync(join(repo.dir, 'src/math.js'), 'utf8'), MATH_BEFORE);
      await waitForToastsSettled(page);

      // 3. A model that is not there: a clear message pointing to "Configure Model Provider".
      writeFileSync(modelsFile, lmModels({ generator: 'missing', implementer: 'impl', rectifier: 'rect' }));
      await runCommand(page, 'Co-evolve: Solve Task…');
      const missing = await waitForNotification(page, /^Co-evolve: No VS Code language model/, 30_000);
      assert.match(missing.text, /^Co-evolve: No VS Code language model is available for the generator role \(looked for coevolve-test\/scripted\/missing\)\. .*Configure Model Provider/);
      assert.equal(missing.severity, 'error');
      await page.locator('.notification-toast', { hasText: 'No VS Code language model' }).locator('.monaco-button', { hasText: 'Configure Model Provider' }).first().waitFor({ state: 'visible', timeout: 5_000 });
      t.diagnostic(`screenshot: ${await screenshot(page, 'vscode-lm-no-model')}`);
      await page.keyboard.press('Escape');
      await waitForToastsSettled(page);

      // 4. Consent denied (the provider refuses, as VS Code does when the user declines): the typed error, with the remedy.
      writeFileSync(modelsFile, lmModels({ generator: 'denied', implementer: 'impl', rectifier: 'rect' }));
      const before = models.requests.length;
      await runCommand(page, 'Co-evolve: Solve Task…');
      await answerInputBox(page, 'sum should skip null values');
      const denied = await waitForNotification(page, /^Co-evolve: VS Code did not allow/, 120_000);
      assert.match(denied.text, /^Co-evolve: VS Code did not allow Co-evolve to use the generator model \(coevolve-test\/scripted\/denied in VS Code\).*Manage Language Model Access.*Configure Model Provider/);
      assert.equal(models.requests.length, before, 'nothing reached the model server');
      await until(page, () => worktrees(repo) === 1, 15_000, 'the sandbox to go');
      await waitForToastsSettled(page);

      // From here the chat request's model serves every role (no models.json).
      rmSync(modelsFile);

      // 5. @coevolve /recall: the evidence as references to real commits, with the embedder's
      // channel fused in (a models.json that names only an embedder; the query embeds memory first).
      writeFileSync(modelsFile, JSON.stringify({ providers: { embed: { preset: 'openai-compatible', baseURL: embeddings.baseURL } }, roles: { embedder: { provider: 'embed', model: 'hash-embed' } } }));
      const recall = await sendChat(page, '@coevolve /recall sum of values');
      await waitForResponseText(recall, /past change/, 60_000);
      const references = await responseReferences(recall);
      t.diagnostic(`references: ${JSON.stringify(references)}`);
      assert.ok(references.includes(`${shas.at(-1)!.slice(0, 10)} feat: sum.diff`), `a reference names the real commit "feat: sum": ${JSON.stringify(references)}`);
      assert.match(references, /math\.js/, 'and the file it touched');
      assert.ok(embeddings.embeddedTexts.includes('sum of values'), `the chat's query went to the embedder: ${JSON.stringify(embeddings.embeddedTexts)}`);
      assert.ok(embeddings.embeddedTexts.some((text) => text.startsWith('feat: sum')), 'memory was embedded for it');
      const recalled = await fullResponseText(recall);
      t.diagnostic(`the /recall response:\n${recalled}`);
      assert.doesNotMatch(recalled, /Semantic recall was skipped/);
      assert.doesNotMatch(recalled, /cosine (0\.00|-)/, 'nothing unrelated is offered as close in meaning');
      t.diagnostic(`screenshot: ${await screenshot(page, 'vscode-lm-chat-recall')}`);
      rmSync(modelsFile);

      // 6. A cancelled /solve: the sandbox is removed and nothing is applied.
      models.script({ kind: 'slow', delayMs: 60_000, then: planStep() });
      const cancelled = await sendChat(page, '@coevolve /solve sum should skip null values');
      await until(page, () => models.requests.length > before, 120_000, 'the plan request');
      await until(page, () => worktrees(repo) === 2, 10_000, 'the sandbox');
      const asked = models.requests.length;
      await cancelChat(page);
      // VS Code ends a cancelled response itself (nothing more renders in it); what matters is the tree.
      await until(page, () => worktrees(repo) === 1, 30_000, 'the sandbox to go');
      await page.waitForTimeout(2_000);
      assert.equal(models.requests.length, asked, 'no model was asked anything after the cancel');
      assert.equal(readFileSync(join(repo.dir, 'src/math.js'), 'utf8'), MATH_BEFORE);
      assert.equal(repo.git('status', '--porcelain'), '');
      assert.doesNotMatch(await cancelled.innerText(), /Nothing is written until you apply it/, 'no change was offered');
      t.diagnostic(`screenshot: ${await screenshot(page, 'vscode-lm-chat-cancelled')}`);
      models.reset();

      // 7. @coevolve /solve with the chat's own model: progress streams, Apply writes the file.
      models.script(planStep(), edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);'), finish('sum skips null values.'));
      const solved = await sendChat(page, '@coevolve /solve sum should skip null values');
      await waitForResponseText(solved, /Nothing is written until you apply it/, 240_000);
      const text = await fullResponseText(solved);
      t.diagnostic(`the /solve response:\n${text}`);
      assert.match(text, /Plan: Make sum skip null values\./);
      assert.match(text, /edit_file/);
      assert.match(text, /check .*test.*before the change/);
      assert.match(text, /Checks pass \(no regressions\)/);
      assert.equal(models.remaining()[''], 0);
      assert.ok(models.requests.every((r) => r.body.model === models.requests[0]!.body.model), 'one model, the chat request\'s, served every role');
      t.diagnostic(`served by: ${String(models.requests[0]?.body.model)}`);
      t.diagnostic(`screenshot: ${await screenshot(page, 'vscode-lm-chat-solve')}`);
      assert.equal(readFileSync(join(repo.dir, 'src/math.js'), 'utf8'), MATH_BEFORE);
      await clickResponseButton(solved, 'Apply');
      // Until the write is whole: the editor's save truncates first, and a read in between sees an empty file.
      await until(page, () => readFileSync(join(repo.dir, 'src/math.js'), 'utf8') === MATH_AFTER, 20_000, 'the file to be written');
      assert.equal(readFileSync(join(repo.dir, 'src/math.js'), 'utf8'), MATH_AFTER);
      await waitForNotification(page, /^Co-evolve: applied to 1 file/, 20_000);
      assert.equal(worktrees(repo), 1, 'the sandbox worktree is gone');
      t.diagnostic(`screenshot: ${await screenshot(page, 'vscode-lm-chat-applied')}`);

      // 8. The one tool that writes asks first: declined, nothing is recorded; confirmed, the outcome is.
      const storeDir = join(repo.dir, '.coevolve');
      for (const answer of ['Cancel', 'Yes'] as const) {
        rmSync(toolOut, { force: true });
        await runCommand(page, 'Coevolve Test: Invoke Record Outcome Tool');
        const confirm = page.locator('.monaco-dialog-box', { hasText: "Record an outcome in Co-evolve's project memory?" });
        await confirm.waitFor({ state: 'visible', timeout: 15_000 });
        assert.match(await confirm.innerText(), new RegExp(`Record that 1 item\\(s\\) helped: commit:${shas.at(-1)}\\.`));
        if (answer === 'Cancel') t.diagnostic(`screenshot: ${await screenshot(page, 'vscode-lm-record-confirm')}`);
        await confirm.locator('.monaco-button', { hasText: new RegExp(`^${answer}$`) }).click();
        await until(page, () => existsSync(toolOut), 15_000, 'the record tool result');
        const recorded = JSON.parse(readFileSync(toolOut, 'utf8')) as { ok: boolean; text?: string; error?: string };
        const outcomes = await readOutcomes(storeDir);
        if (answer === 'Cancel') {
          assert.equal(recorded.ok, false, 'a declined call does not run');
          assert.deepEqual(outcomes, [], 'nothing was recorded');
        } else {
          assert.ok(recorded.ok, recorded.error);
          assert.match(recorded.text!, /^Recorded: 1 item\(s\) helped at /);
          assert.deepEqual(outcomes.map((o) => [o.itemIds, o.outcome, o.client]), [[[`commit:${shas.at(-1)}`], 'helped', 'coevolve-vscode-lm-tools']]);
        }
      }
    },
  );
});

test('Restricted Mode: @coevolve /solve is refused in the chat, and no model is asked', { timeout: 300_000 }, async (t) => {
  const models = await ScriptedModelServer.start();
  const repo = teamProject(models.baseURL);
  rmSync(join(repo.dir, '.coevolve', 'models.json'));
  models.script(planStep());
  const work = mkdtempSync(join(tmpdir(), 'coevolve-e2e-lm-'));
  await inVsCode(
    t,
    { name: 'vscode-lm-restricted', folder: repo.dir, untrusted: true, prepare: prepareProfile(work, models.baseURL, join(work, 'tool.json')), cleanup: [() => models.close(), () => repo.remove(), () => rmSync(work, { recursive: true, force: true })] },
    async ({ page, profile }) => {
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      // Restricted Mode lists no model in the picker, but the request still reaches @coevolve once it is active.
      await waitForActivation(page, profile, 'coevolve.coevolve');
      await waitForActivation(page, profile, 'coevolve-test.coevolve-lm-test');
      let refused = await sendChat(page, '@coevolve /solve sum should skip null values');
      let text = await waitForResponseText(refused, /needs a trusted workspace|Language model unavailable/, 60_000);
      if (/Language model unavailable/.test(text)) {
        // VS Code's chat answered before it had resolved any model for the request (seen once under
        // load, before @coevolve was called): a race in the workbench, not what is tested. Ask again.
        t.diagnostic('the chat had no model resolved yet; asking again');
        await page.waitForTimeout(3_000);
        refused = await sendChat(page, '@coevolve /solve sum should skip null values');
        text = await waitForResponseText(refused, /needs a trusted workspace/, 60_000);
      }
      assert.match(text, /Co-evolve: solving a task runs the project's own checks, so it needs a trusted workspace\./);
      await refused.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).first().waitFor({ state: 'visible', timeout: 5_000 });
      t.diagnostic(`screenshot: ${await screenshot(page, 'vscode-lm-chat-restricted')}`);
      assert.equal(models.requests.length, 0, 'nothing reached the model server');
      assert.equal(repo.git('status', '--porcelain'), '');
    },
  );
});
