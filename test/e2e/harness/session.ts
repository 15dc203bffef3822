import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { launchBrowser, openWorkbench } from './browser.ts';
import type { Session } from './browser.ts';
import { assertInstalled, createProfile, installExtension, REPO_ROOT, startCodeServer, UNTRUSTED_SETTINGS } from './codeServer.ts';
import type { CodeServer, Profile } from './codeServer.ts';
import { cleanUp, reportFailure } from './teardown.ts';

export const VSIX = process.env.E2E_VSIX ?? join(REPO_ROOT, 'coevolve.vsix');

export interface VsCodeRun {
  page: Page;
  server: CodeServer;
  session: Session;
  profile: Profile;
}

export interface VsCodeOptions {
  /** Names the failure screenshot. */
  name: string;
  folder: string;
  /** Open the folder in Restricted Mode (VS Code's workspace trust on, the folder not trusted); default trusted. */
  untrusted?: boolean;
  /** Adjusts the profile (settings files, environment) before code-server starts. */
  prepare?: (profile: Profile) => void;
  /** More cleanup after the browser, code-server and profile are gone (fixtures, servers). */
  cleanup?: Array<() => unknown>;
}

/**
 * A real VS Code for one test: the built VSIX installed in a fresh profile, code-server on the
 * folder, Chromium on the workbench. On failure it leaves a screenshot, the toasts and
 * code-server's output; whatever happens, nothing outlives the test.
 */
export async function inVsCode(t: TestContext, options: VsCodeOptions, body: (run: VsCodeRun) => Promise<void>): Promise<void> {
  assertInstalled();
  const profile = createProfile(options.untrusted ? UNTRUSTED_SETTINGS : {});
  let server: CodeServer | undefined;
  let session: Session | undefined;
  try {
    options.prepare?.(profile);
    installExtension(profile, VSIX);
    server = await startCodeServer(profile, { folder: options.folder, ...(options.untrusted ? { workspaceTrust: true } : {}) });
    session = await launchBrowser();
    await openWorkbench(session.page, server.url, options.folder);
    await body({ page: session.page, server, session, profile });
  } catch (error) {
    await reportFailure(t, options.name, session, server);
    throw error;
  } finally {
    await cleanUp(t, [() => session?.close(), () => server?.stop(), () => profile.remove(), ...(options.cleanup ?? [])]);
  }
}
