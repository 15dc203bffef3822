// End to end in a real VS Code: "Co-evolve: Start Local Model Sidecar" starts the node-llama-cpp
// sidecar from the installed VSIX (the engine found through coevolve.sidecar.enginePath, as a user
// who installed it separately would), the status bar shows it, it answers real HTTP, and
// "Stop Local Model Sidecar" ends the process and unregisters it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { serveSidecarOnce } from '../helpers/cliProcess.ts';
import { GitRepo } from '../helpers/gitRepo.ts';
import { writeTinyGguf } from '../helpers/tinyGguf.ts';
import { screenshot } from './harness/browser.ts';
import { NODE24, REPO_ROOT } from './harness/codeServer.ts';
import { inVsCode } from './harness/session.ts';
import { runCommand, waitForNotification, waitForNotificationGone, waitForToastsSettled } from './harness/palette.ts';


test('the local model sidecar starts, serves and stops from the command palette', { timeout: 300_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'coevolve-e2e-sidecar-'));
  const modelPath = join(work, 'tiny.gguf');
  writeTinyGguf(modelPath, { contextLength: 512 });
  const repo = GitRepo.create('coevolve-e2e-sidecar-repo-');
  repo.commit('initial', { 'README.md': '# fixture\n' });
  const state = join(work, 'state');
  await inVsCode(
    t,
    {
      name: 'sidecar',
      folder: repo.dir,
      prepare: (profile) => {
        // Machine-scoped settings (a workspace must never choose which engine code runs): with a remote
        // extension host, as in code-server, they live in the Machine settings file.
        mkdirSync(join(profile.userDataDir, 'Machine'), { recursive: true });
        writeFileSync(join(profile.userDataDir, 'Machine', 'settings.json'), JSON.stringify({
          'coevolve.sidecar.modelPath': modelPath,
          'coevolve.sidecar.gpu': 'cpu',
          // Installed by `npm run setup:engine` as a user would install it; the VSIX does not ship it.
          'coevolve.sidecar.enginePath': join(REPO_ROOT, '.sidecar-engine'),
        }));
        profile.env.COEVOLVE_SIDECAR_STATE = state;
      },
      cleanup: [() => repo.remove(), () => rmSync(work, { recursive: true, force: true })],
    },
    async ({ page }) => {
      await runCommand(page, 'Co-evolve: Start Local Model Sidecar');
      const ready = await waitForNotification(page, /^Co-evolve: (sidecar serving|the sidecar did not start)/, 120_000);
      assert.equal(ready.text, 'Co-evolve: sidecar serving tiny on the CPU.');
      assert.equal(ready.severity, 'info');
      await waitForNotificationGone(page, /starting the local model sidecar/);
      await waitForToastsSettled(page);
      const statusItem = page.locator('.statusbar-item[id$="coevolve.sidecar"]');
      await statusItem.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await statusItem.getAttribute('aria-label')) ?? '', /Sidecar/);
      t.diagnostic(`screenshot: ${await screenshot(page, 'sidecar-running')}`);

      const endpoint = JSON.parse(readFileSync(join(state, 'endpoint.json'), 'utf8')) as { baseURL: string; token: string; pid: number };
      process.kill(endpoint.pid, 0);
      const response = await fetch(`${endpoint.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }),
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { usage: { completion_tokens: number } };
      assert.equal(body.usage.completion_tokens, 5);

      await runCommand(page, 'Co-evolve: Stop Local Model Sidecar');
      const deadline = Date.now() + 15_000;
      while (existsSync(join(state, 'endpoint.json')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(!existsSync(join(state, 'endpoint.json')), 'the endpoint is unregistered');
      assert.throws(() => process.kill(endpoint.pid, 0), 'the sidecar process is gone');
    },
  );
});

// The Node the editor runs on here (24) has its own compile cache, so the CLI's launcher takes the
// other path from the machine's Node 20: the sidecar's engine, an ES module, is imported through it there too.
test('`coevolve sidecar` serves on Node 24 too, from the CLI bundle', { timeout: 120_000 }, async () => {
  assert.equal(spawnSync(NODE24, ['-p', 'typeof require("node:module").enableCompileCache'], { encoding: 'utf8' }).stdout.trim(), 'function', 'a Node with its own compile cache');
  const work = mkdtempSync(join(tmpdir(), 'coevolve-e2e-sidecar-cli-'));
  try {
    const model = join(work, 'tiny.gguf');
    writeTinyGguf(model, { contextLength: 512 });
    const served = await serveSidecarOnce(['sidecar', '--model', model, '--gpu', 'cpu', '--threads', '1', '--llama-module', join(REPO_ROOT, '.sidecar-engine'), '--no-register'], work, { TMPDIR: work }, NODE24);
    assert.match(served, /Serving http:\/\/127\.0\.0\.1:\d+\/v1/, served);
    assert.match(served, /Stopped\./, served);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

