import type { Page } from 'playwright-core';
import { escapeRegExp } from './browser.ts';

const QUICK_INPUT = '.quick-input-widget';

/** Opens the command palette with F1 (retrying while the workbench is still wiring its keybindings). */
export async function openPalette(page: Page, timeoutMs = 30_000): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.locator('.monaco-workbench').focus().catch(() => {});
    await page.keyboard.press('F1');
    try {
      await widget.waitFor({ state: 'visible', timeout: 3_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/**
 * Runs a command the way a user does: F1, type its title ("Category: Title"), Enter.
 * Presses Enter only once the highlighted entry is that command.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await openPalette(page, timeoutMs);
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.fill(`>${title}`);
  const exact = new RegExp(`^${escapeRegExp(title)}\\b`, 'i');
  const focused = page.locator(`${QUICK_INPUT} .monaco-list-row.focused`);
  await focused.filter({ hasText: exact }).first().waitFor({ state: 'visible', timeout: timeoutMs }).catch(async (error: unknown) => {
    const rows = await page.locator(`${QUICK_INPUT} .monaco-list-row`).allTextContents();
    throw new Error(`"${title}" is not the highlighted palette entry; entries: ${JSON.stringify(rows)}`, { cause: error });
  });
  await input.press('Enter');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: timeoutMs });
}

export interface Notification {
  text: string;
  severity: 'info' | 'warning' | 'error' | 'unknown';
}

/** Text and severity of every notification toast on screen. */
export async function notifications(page: Page): Promise<Notification[]> {
  return page.locator('.notifications-toasts .notification-list-item').evaluateAll((items) =>
    items.map((item) => {
      const text = item.querySelector('.notification-list-item-message')?.textContent?.trim() ?? '';
      const icon = item.querySelector('.notification-list-item-icon')?.className ?? '';
      const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : /codicon-info/.test(icon) ? 'info' : 'unknown';
      return { text, severity } as const;
    }),
  );
}

/** Waits for a notification toast whose message matches `pattern`; returns it. */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<Notification> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = (await notifications(page)).find((n) => pattern.test(n.text));
    if (match) return match;
    if (Date.now() > deadline) {
      throw new Error(`no notification matching ${pattern} within ${timeoutMs} ms; on screen: ${JSON.stringify(await notifications(page))}`);
    }
    await page.waitForTimeout(200);
  }
}
