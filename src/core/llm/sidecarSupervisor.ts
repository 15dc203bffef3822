import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { CoevolveError } from '../errors.ts';
import type { CoevolveErrorReason } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { withoutSecrets } from '../security/childEnv.ts';
import { redactKeys } from './redactKeys.ts';

export interface SidecarLaunch {
  /** The sidecar bundle (dist/sidecar.cjs). */
  entry: string;
  /** The Node to run it with. In VS Code: the editor's own executable, with runAsNode. */
  nodePath?: string;
  runAsNode?: boolean;
  /** Node flags before the entry (tests run the TypeScript source through `--import tsx`). */
  execArgv?: string[];
  model: string;
  gpu?: string;
  contextSize?: number;
  gpuLayers?: number | 'auto';
  threads?: number;
  llamaModule?: string;
  /** Register in the endpoint file, so the CLI on this machine finds it too. */
  register?: boolean;
}

export interface SupervisorPolicy {
  startTimeoutMs: number;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  /** Consecutive failed health checks before the sidecar is restarted. */
  unhealthyAfter: number;
  /** Like vscode-languageclient: this many restarts within the window, then give up. */
  maxRestarts: number;
  restartWindowMs: number;
  stopGraceMs: number;
}

const DEFAULT_POLICY: SupervisorPolicy = {
  startTimeoutMs: 180_000,
  healthIntervalMs: 10_000,
  healthTimeoutMs: 5_000,
  unhealthyAfter: 3,
  maxRestarts: 4,
  restartWindowMs: 180_000,
  stopGraceMs: 5_000,
};

export type SidecarState = 'stopped' | 'starting' | 'running' | 'restarting' | 'failed';

export interface SidecarReady {
  baseURL: string;
  port: number;
  token: string;
  /** The sidecar's own report: backend, GPUs, layers offloaded, context. */
  info: Record<string, unknown>;
}

// Failures a restart cannot fix: the same model file or the same missing engine fails again.
const PERMANENT: ReadonlySet<string> = new Set(['sidecar-bad-model', 'sidecar-unavailable', 'bad-input']);

/**
 * Runs the sidecar as a child process the way vscode-eslint runs its server: an explicit start that
 * waits for "ready", periodic health checks, restarts on a crash within a budget, and a stop that
 * asks first (SIGTERM) and insists later (SIGKILL).
 */
export class SidecarSupervisor {
  private child: ChildProcess | undefined;
  private ready: SidecarReady | undefined;
  private currentState: SidecarState = 'stopped';
  private readonly listeners = new Set<(state: SidecarState, detail?: string) => void>();
  private readonly restarts: number[] = [];
  private healthTimer: NodeJS.Timeout | undefined;
  private failedChecks = 0;
  private stopping: Promise<void> | undefined;
  private readonly token = randomBytes(24).toString('base64url');
  private readonly policy: SupervisorPolicy;
  lastError: string | undefined;

  constructor(
    private readonly launch: SidecarLaunch,
    private readonly log: Logger,
    policy: Partial<SupervisorPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  get state(): SidecarState {
    return this.currentState;
  }

  get endpoint(): SidecarReady | undefined {
    return this.currentState === 'running' ? this.ready : undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  onStateChange(listener: (state: SidecarState, detail?: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async start(): Promise<SidecarReady> {
    if (this.currentState === 'running' && this.ready) return this.ready;
    if (this.stopping) await this.stopping;
    this.restarts.length = 0;
    this.setState('starting');
    try {
      return await this.spawnOnce();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.setState('failed', this.lastError);
      throw error;
    }
  }

  /** Resolves once the process is gone; safe to call in any state (deactivate() returns it). */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => { this.stopping = undefined; });
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    this.clearHealth();
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.policy.stopGraceMs);
      await exited;
      clearTimeout(timer);
    }
    this.setState('stopped');
  }

  private spawnOnce(port = 0): Promise<SidecarReady> {
    const args = [...(this.launch.execArgv ?? []), this.launch.entry, '--model', this.launch.model, '--port', String(port), '--gpu', this.launch.gpu ?? 'auto'];
    if (this.launch.contextSize) args.push('--ctx', String(this.launch.contextSize));
    if (this.launch.gpuLayers !== undefined) args.push('--gpu-layers', String(this.launch.gpuLayers));
    if (this.launch.threads) args.push('--threads', String(this.launch.threads));
    if (this.launch.llamaModule) args.push('--llama-module', this.launch.llamaModule);
    if (this.launch.register ?? true) args.push('--register');
    // The token goes by environment, not argv: other users can read a command line in `ps`.
    const env: NodeJS.ProcessEnv = {
      ...withoutSecrets(process.env).env,
      // Our own settings are withheld from children by default; the sidecar needs these two.
      ...pick(process.env, ['COEVOLVE_SIDECAR_STATE', 'COEVOLVE_LLAMA_MODULE']),
      COEVOLVE_SIDECAR_TOKEN: this.token,
      ...(this.launch.runAsNode ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
    };
    const child = spawn(this.launch.nodePath ?? process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stderr! }).on('line', (line) => this.log.info(`[sidecar] ${redactKeys(line, [this.token])}`));

    return new Promise<SidecarReady>((resolve, reject) => {
      let settled = false;
      const settle = (error: CoevolveError | undefined, ready?: SidecarReady): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          if (child.exitCode === null) child.kill('SIGKILL');
          reject(error);
        } else {
          resolve(ready!);
        }
      };
      const timer = setTimeout(() => settle(new CoevolveError('sidecar-unavailable', `The sidecar did not become ready within ${this.policy.startTimeoutMs / 1000} s.`)), this.policy.startTimeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let event: { event?: string; baseURL?: string; port?: number; info?: Record<string, unknown>; reason?: string; message?: string; hint?: string };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          return;
        }
        if (event.event === 'ready' && event.baseURL && event.port) {
          this.ready = { baseURL: event.baseURL, port: event.port, token: this.token, info: event.info ?? {} };
          this.failedChecks = 0;
          this.setState('running');
          this.scheduleHealth();
          settle(undefined, this.ready);
        } else if (event.event === 'failed') {
          const reason = (PERMANENT.has(event.reason ?? '') ? event.reason : 'sidecar-unavailable') as CoevolveErrorReason;
          settle(new CoevolveError(reason, event.message ?? 'The sidecar failed to start.', event.hint ? { hint: event.hint } : undefined));
        }
      });
      child.once('error', (error) => settle(new CoevolveError('sidecar-unavailable', `Could not start the sidecar process: ${error.message}`)));
      child.once('exit', (code, signal) => {
        settle(new CoevolveError('sidecar-unavailable', `The sidecar exited before it was ready (${signal ?? `code ${code}`}).`));
        if (this.child === child) this.onUnexpectedExit(code, signal);
      });
    });
  }

  private onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.currentState !== 'running') return;
    this.clearHealth();
    this.child = undefined;
    const now = Date.now();
    while (this.restarts.length && now - this.restarts[0]! > this.policy.restartWindowMs) this.restarts.shift();
    const why = `The sidecar stopped unexpectedly (${signal ?? `exit code ${code}`}).`;
    if (this.restarts.length >= this.policy.maxRestarts) {
      this.lastError = `${why} It stopped ${this.restarts.length + 1} times within ${this.policy.restartWindowMs / 60_000} minutes; not restarting it again.`;
      this.log.error(this.lastError);
      this.setState('failed', this.lastError);
      return;
    }
    this.restarts.push(now);
    const delay = 500 * 2 ** (this.restarts.length - 1);
    this.log.warn(`${why} Restarting in ${delay} ms (restart ${this.restarts.length} of ${this.policy.maxRestarts}).`);
    this.setState('restarting', why);
    const previousPort = this.ready?.port ?? 0;
    setTimeout(() => {
      if (this.currentState !== 'restarting') return;
      // Same port when possible, so clients that cached the URL keep working.
      this.spawnOnce(previousPort)
        .catch((error: unknown) => {
          this.log.warn(`The sidecar could not restart on port ${previousPort} (${error instanceof Error ? error.message : String(error)}); trying any free port.`);
          return this.spawnOnce(0);
        })
        .catch((error: unknown) => {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.log.error(`The sidecar could not be restarted: ${this.lastError}`);
          this.setState('failed', this.lastError);
        });
    }, delay).unref();
  }

  private scheduleHealth(): void {
    this.clearHealth();
    this.healthTimer = setInterval(() => void this.checkHealth(), this.policy.healthIntervalMs);
    this.healthTimer.unref();
  }

  private clearHealth(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  private async checkHealth(): Promise<void> {
    const ready = this.ready;
    if (!ready || this.currentState !== 'running') return;
    const ok = await fetch(`${ready.baseURL.replace(/\/v1$/, '')}/health`, {
      headers: { authorization: `Bearer ${ready.token}` },
      signal: AbortSignal.timeout(this.policy.healthTimeoutMs),
    })
      .then((response) => response.ok)
      // No answer in time is what a failed health check means; it counts towards a restart below.
      .catch((error: unknown) => {
        this.log.warn(`The sidecar's health check failed: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      });
    if (ok) {
      this.failedChecks = 0;
      return;
    }
    this.failedChecks += 1;
    if (this.failedChecks >= this.policy.unhealthyAfter) {
      this.log.warn(`The sidecar failed ${this.failedChecks} health checks in a row; restarting it.`);
      this.failedChecks = 0;
      // Its exit goes through the restart policy like any crash.
      this.child?.kill('SIGKILL');
    }
  }

  private setState(state: SidecarState, detail?: string): void {
    this.currentState = state;
    for (const listener of this.listeners) listener(state, detail);
  }
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}
