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
 * Presses Enter only once the highlighted entry is that command. An extension's commands reach the
 * palette only once the (remote) extension host has registered it, and an open palette does not pick
 * them up later: so while the command is not listed, close the palette and type it again.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator(`${QUICK_INPUT} input`);
  // The entry's own label, exactly (a row's text also holds its keybinding and separator).
  const exact = new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`);
  const wanted = page.locator(`${QUICK_INPUT} .monaco-list-row.focused .label-name`).filter({ hasText: exact }).first();
  for (;;) {
    await openPalette(page, Math.max(deadline - Date.now(), 5_000));
    try {
      // Short: the widget found open may be one closing (a quick pick just answered) or sit under a
      // modal dialog; either way close it and open the palette afresh.
      await input.fill(`>${title}`, { timeout: 5_000 });
      await wanted.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        const rows = await page.locator(`${QUICK_INPUT} .monaco-list-row .label-name`).allTextContents();
        const dialogs = await page.locator('.monaco-dialog-box').allInnerTexts();
        throw new Error(`"${title}" is not the highlighted palette entry after ${timeoutMs} ms; entries: ${JSON.stringify(rows)}; dialogs: ${JSON.stringify(dialogs)}`, { cause: error });
      }
      await page.keyboard.press('Escape');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    }
  }
  await input.press('Enter');
  // The palette closes — or is reused at once by an input box the command opens.
  const closedBy = Date.now() + 10_000;
  for (;;) {
    const widget = page.locator(QUICK_INPUT);
    if (!(await widget.isVisible())) return;
    if (!(await input.inputValue().catch(() => '>')).startsWith('>')) return;
    if (Date.now() > closedBy) throw new Error(`the command palette did not close after running "${title}"`);
    await page.waitForTimeout(100);
  }
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

/** Waits until no notification toast matches `pattern` (e.g. a progress toast closing). */
export async function waitForNotificationGone(page: Page, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await notifications(page)).some((n) => pattern.test(n.text))) {
    if (Date.now() > deadline) {
      throw new Error(`a notification matching ${pattern} is still shown after ${timeoutMs} ms; on screen: ${JSON.stringify(await notifications(page))}`);
    }
    await page.waitForTimeout(200);
  }
}

/** Waits until every toast has finished fading in, so a screenshot shows them as a user sees them. */
export async function waitForToastsSettled(page: Page, timeoutMs = 5_000): Promise<void> {
  await page.locator('.notifications-toasts .notification-toast:not(.notification-fade-in-done)').first().waitFor({ state: 'detached', timeout: timeoutMs });
}

/** Clicks a button (by its label) on the notification toast whose message matches `pattern`. */
export async function clickNotificationButton(page: Page, pattern: RegExp, label: string, timeoutMs = 10_000): Promise<void> {
  const toast = page.locator('.notifications-toasts .notification-list-item').filter({ has: page.locator('.notification-list-item-message', { hasText: pattern }) }).first();
  await toast.hover({ timeout: timeoutMs });
  await toast.locator('.monaco-button', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }).first().click({ timeout: timeoutMs });
}

/**
 * Waits for the quick input titled `title`: one command's input boxes and quick picks reuse the same
 * widget, so typing before the next one is shown would answer the previous one.
 */
export async function waitForQuickInput(page: Page, title: string | RegExp, timeoutMs = 15_000): Promise<void> {
  await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: title }).waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Picks an entry of the quick pick a command opened (showQuickPick), by its label, as a user does:
 * types to filter, waits until that entry is highlighted, presses Enter. Returns the entry's text
 * (label and description) as shown.
 */
export async function pickQuickItem(page: Page, label: string, timeoutMs = 15_000): Promise<string> {
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(label);
  const row = page.locator(`${QUICK_INPUT} .monaco-list-row.focused`).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  const shown = (await row.innerText()).replace(/\s+/g, ' ').trim();
  await input.press('Enter');
  return shown;
}

/** Types into the input box a command opened (showInputBox) and presses Enter. */
export async function answerInputBox(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(text);
  await input.press('Enter');
}

/** Picks the "Dark Modern" color theme as a user does (runCommand wants its entry highlighted, and "Browse Color Themes in Marketplace" outranks it). */
export async function switchToDarkTheme(page: Page): Promise<void> {
  await openPalette(page);
  await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
  await page.locator('.quick-input-widget .monaco-list-row .label-name').filter({ hasText: /^\s*Preferences: Color Theme\s*$/ }).click();
  await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor({ timeout: 15_000 });
  // The picker labels it "Dark Modern" (the setting's value is "Default Dark Modern").
  await page.locator('.quick-input-widget input').fill('Dark Modern');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: /Dark Modern/ }).first().click();
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
}
