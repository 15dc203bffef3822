import type { TestContext } from 'node:test';
import { screenshot } from './browser.ts';
import type { Session } from './browser.ts';
import type { CodeServer } from './codeServer.ts';
import { notifications } from './palette.ts';

/** What a failed e2e test leaves for whoever reads the log: a screenshot, the toasts, code-server's output. */
export async function reportFailure(t: TestContext, name: string, session: Session | undefined, server: CodeServer | undefined): Promise<void> {
  if (session) {
    t.diagnostic(`failure screenshot: ${await screenshot(session.page, `${name}-failure`).catch(() => 'none')}`);
    t.diagnostic(`notifications: ${JSON.stringify(await notifications(session.page).catch(() => []))}`);
    t.diagnostic(`browser errors:\n${session.errors.slice(-20).join('\n')}`);
  }
  if (server) t.diagnostic(`code-server output:\n${server.output().slice(-4000)}`);
}

/** Runs every cleanup step even when one before it fails: no browser or code-server outlives a test. */
export async function cleanUp(t: TestContext, steps: Array<() => unknown>): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      t.diagnostic(`cleanup: ${String(error)}`);
    }
  }
}
