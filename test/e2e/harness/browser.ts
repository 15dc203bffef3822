import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { E2E_DIR } from './codeServer.ts';

/** Debian's chromium; `npx playwright install` cannot download browsers here. Override with E2E_CHROMIUM. */
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOTS ?? join(E2E_DIR, 'screenshots');

export interface Session {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors, for a failure message. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Session> {
  // launchServer (not launch) keeps a handle on the browser process, so close() can always kill it.
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  const browserProcess = server.process();
  const killOnExit = () => browserProcess.kill('SIGKILL');
  process.on('exit', killOnExit);
  let browser: Browser | undefined;
  try {
    browser = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      // A graceful close can hang on a wedged renderer; the browser process is killed regardless.
      let timer: NodeJS.Timeout | undefined;
      const graceful = browser?.close().then(() => server.close());
      await Promise.race([graceful, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]).catch(() => {});
      clearTimeout(timer);
      await server.kill().catch(() => {});
      process.off('exit', killOnExit);
    };
    return { browser, page, errors, close };
  } catch (error) {
    await browser?.close().catch(() => {});
    await server.kill().catch(() => {});
    throw error;
  }
}

/** Opens `folder` in the workbench served at `url` and waits until the workbench is interactive. */
export async function openWorkbench(page: Page, url: string, folder: string, timeoutMs = 60_000): Promise<void> {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar, .monaco-workbench .part.sidebar').first().waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer shows the folder once the remote file system answered: the server side is connected.
  const name = folder.split('/').filter(Boolean).pop() ?? folder;
  await page
    .locator('.monaco-workbench .explorer-folders-view, .monaco-workbench .pane-header')
    .filter({ hasText: new RegExp(escapeRegExp(name), 'i') })
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** The memory browser's page: VS Code nests a webview in two iframes, the host frame, then the page's own. */
export async function memoryPanelFrame(page: Page): Promise<FrameLocator> {
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('vscode-tabs').waitFor({ state: 'visible', timeout: 30_000 });
  return frame;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false, timeout: 30_000 });
  return path;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
