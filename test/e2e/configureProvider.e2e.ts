// End to end in a real VS Code: "Co-evolve: Configure Model Provider" against a loopback server that
// speaks the OpenAI protocol (test code). The user picks a preset, types the URL and the key, picks a
// model from the list the server reports (with its context window), and the role; then tests the
// connection from the notification. The key goes to VS Code's secret storage only: it is sent to
// the server as the bearer token, and no file in the workspace holds it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GitRepo } from '../helpers/gitRepo.ts';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';
import { screenshot } from './harness/browser.ts';
import { answerInputBox, clickNotificationButton, pickQuickItem, runCommand, waitForNotification, waitForNotificationGone, waitForQuickInput, waitForToastsSettled } from './harness/palette.ts';
import { inVsCode } from './harness/session.ts';

const KEY = 'sk-e2e-0123456789abcdefghij';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map((entry) => join(dir, String(entry))).filter((path) => statSync(path).isFile());
}

test('Configure Model Provider: a listed model, the key in secret storage, and a tested connection', { timeout: 300_000 }, async (t) => {
  const server = await ScriptedModelServer.start();
  server.models = [
    { id: 'coder-7b', object: 'model', owned_by: 'test', max_model_len: 32_768 },
    { id: 'coder-1b', object: 'model', owned_by: 'test' },
  ];
  server.script({ kind: 'text', chunks: ['I am ', 'coder-7b.'], usage: { prompt_tokens: 21, completion_tokens: 5 } });
  const repo = GitRepo.create('coevolve-e2e-provider-');
  repo.commit('feat: start', { 'README.md': '# provider fixture\n' });

  await inVsCode(t, { name: 'configure-provider', folder: repo.dir, cleanup: [() => server.close(), () => repo.remove()] }, async ({ page }) => {
    await runCommand(page, 'Co-evolve: Configure Model Provider');
    await waitForQuickInput(page, 'Co-evolve: model provider');
    await pickQuickItem(page, 'OpenAI-compatible server');
    await waitForQuickInput(page, 'OpenAI-compatible server: base URL');
    await answerInputBox(page, server.baseURL);
    await waitForQuickInput(page, 'OpenAI-compatible server: API key');
    await answerInputBox(page, KEY);
    // The models come from the server's own list, each with the window it reports.
    await waitForQuickInput(page, 'OpenAI-compatible server: model');
    const picked = await pickQuickItem(page, 'coder-7b');
    assert.match(picked, /coder-7b.*context 32768/);
    await waitForQuickInput(page, 'Which role should use it?');
    await pickQuickItem(page, 'Every role');
    const done = await waitForNotification(page, /^Co-evolve: every role now use/, 30_000);
    assert.equal(done.text, 'Co-evolve: every role now use coder-7b on OpenAI-compatible server.');

    const config = JSON.parse(readFileSync(join(repo.dir, '.coevolve', 'models.json'), 'utf8')) as unknown;
    assert.deepEqual(config, {
      providers: { custom: { preset: 'openai-compatible', baseURL: server.baseURL, apiKeyEnv: 'CUSTOM_API_KEY' } },
      roles: { default: { provider: 'custom', model: 'coder-7b' } },
    });
    for (const file of filesUnder(repo.dir).filter((path) => !path.includes(`${join(repo.dir, '.git')}/`))) {
      assert.ok(!readFileSync(file, 'utf8').includes(KEY), `${file} must not hold the key`);
    }

    await clickNotificationButton(page, /every role now use coder-7b/, 'Test Model Connection');
    await pickQuickItem(page, 'generator');
    const answered = await waitForNotification(page, /^Co-evolve: the generator model answered/, 60_000);
    assert.match(answered.text, /^Co-evolve: the generator model answered \(21\+5 tokens in \d+ ms, context window 32768\)\. The answer is in the Co-evolve output\.$/);
    const chat = server.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(chat.length, 1);
    assert.equal(chat[0]!.authorization, `Bearer ${KEY}`, 'the key from secret storage reached the server');
    assert.equal(chat[0]!.body.model, 'coder-7b');
    await waitForNotificationGone(page, /^Co-evolve: asking the generator model/);
    await waitForToastsSettled(page);
    t.diagnostic(`screenshot: ${await screenshot(page, 'configure-provider-tested')}`);
  });
});
