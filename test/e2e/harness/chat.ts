import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT } from './codeServer.ts';
import type { Profile } from './codeServer.ts';

// VS Code's Chat view, driven as a user does (selectors checked by hand in code-server 4.139.1:
// ../shared/notes/environment.md, "VS Code's AI APIs in code-server").

const INPUT = '.interactive-input-part';
const RESPONSE = '.interactive-item-container.interactive-response';

/** The settings a profile needs for the Chat view: AI features on, the secondary side bar shown. */
export function enableChat(profile: Profile): void {
  const file = join(profile.userDataDir, 'User', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  Object.assign(settings, { 'chat.disableAIFeatures': false, 'workbench.secondarySideBar.defaultVisibility': 'visible' });
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

/** Packs the test-only model extension (test/e2e/lmTestExtension) into a VSIX at `out`. */
export function packTestModelExtension(out: string): string {
  const vsce = join(REPO_ROOT, 'node_modules/.bin/vsce');
  const result = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: join(REPO_ROOT, 'test/e2e/lmTestExtension'), encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`packing the test model extension failed:\n${result.stdout}${result.stderr}`);
  return out;
}

/** Waits until the Chat view's model picker names a model (one is registered), and returns its label. */
export async function waitForChatModel(page: Page, timeoutMs = 60_000): Promise<string> {
  const label = page.locator(`${INPUT} .model-picker-item .chat-input-picker-label`).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await label.textContent({ timeout: 2_000 }).catch(() => null))?.trim();
    if (text && text !== 'Models') return text;
    if (Date.now() > deadline) throw new Error(`no model appeared in the Chat view's picker (label: ${JSON.stringify(text)})`);
    await page.waitForTimeout(500);
  }
}

/** Types a message into the Chat view and sends it; resolves with the locator of its response. */
export async function sendChat(page: Page, text: string): Promise<Locator> {
  const before = await page.locator(RESPONSE).count();
  await page.locator(`${INPUT} .monaco-editor`).first().click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  // The list is virtualized (older items unmount), so the newest response is the last one shown.
  const deadline = Date.now() + 30_000;
  while ((await page.locator(RESPONSE).count()) <= before && Date.now() < deadline) await page.waitForTimeout(200);
  return page.locator(RESPONSE).last();
}

/** Waits until the response's text matches `pattern`; returns its text. */
export async function waitForResponseText(response: Locator, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await response.innerText().catch(() => '');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the chat response did not match ${pattern} in ${timeoutMs} ms; it reads:\n${text}`);
    await response.page().waitForTimeout(300);
  }
}

/** The response's whole text, with the "Completed N steps" disclosure (progress, tool calls) opened. */
export async function fullResponseText(response: Locator): Promise<string> {
  const steps = response.locator('summary.completed-response-summary').first();
  if ((await steps.count()) && (await steps.getAttribute('aria-expanded')) !== 'true') await steps.click();
  await response.page().waitForTimeout(300);
  return response.innerText();
}

/** Clicks a button the response offers (stream.button). */
export async function clickResponseButton(response: Locator, title: string): Promise<void> {
  await response.locator('.monaco-button, a.monaco-button', { hasText: title }).first().click({ timeout: 15_000 });
}

/**
 * The response's references (stream.reference), as the Chat view lists them once expanded: the
 * "Completed N steps" disclosure, then "Used N references". Returns the list's text, one per line.
 */
export async function responseReferences(response: Locator): Promise<string> {
  const steps = response.locator('summary.completed-response-summary').first();
  if ((await steps.count()) && (await steps.getAttribute('aria-expanded')) !== 'true') await steps.click();
  const used = response.locator('.chat-used-context-label a.monaco-button', { hasText: /Used \d+ references?/ }).first();
  await used.waitFor({ state: 'visible', timeout: 10_000 });
  if ((await used.getAttribute('aria-expanded')) !== 'true') await used.click();
  const list = response.locator('.chat-used-context .monaco-list').first();
  await list.waitFor({ state: 'visible', timeout: 10_000 });
  return list.innerText();
}

/** Stops the request in progress, as the Chat view's stop button does. */
export async function cancelChat(page: Page): Promise<void> {
  await page.locator(`${INPUT} .codicon-stop-circle, ${INPUT} .codicon-debug-stop`).first().click({ timeout: 10_000 });
}

/** Waits until the extension host log says the extension `id` (publisher.name) was activated. */
export async function waitForActivation(page: Page, profile: Profile, id: string, timeoutMs = 60_000): Promise<void> {
  const logs = join(profile.userDataDir, 'logs');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hosts = existsSync(logs) ? readdirSync(logs, { recursive: true }).map(String).filter((p) => p.endsWith('exthost.log')) : [];
    if (hosts.some((p) => readFileSync(join(logs, p), 'utf8').includes(`_doActivateExtension ${id},`))) return;
    if (Date.now() > deadline) throw new Error(`${id} was not activated in ${timeoutMs} ms`);
    await page.waitForTimeout(500);
  }
}
