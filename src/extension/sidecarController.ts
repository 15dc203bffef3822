import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import type { Host } from './vscodeHost.ts';
import { SidecarSupervisor } from '../core/llm/sidecarSupervisor.ts';
import type { SidecarState } from '../core/llm/sidecarSupervisor.ts';

const LABEL: Record<SidecarState, string> = {
  stopped: '$(circle-slash) Sidecar',
  starting: '$(loading~spin) Sidecar',
  running: '$(chip) Sidecar',
  restarting: '$(loading~spin) Sidecar',
  failed: '$(error) Sidecar',
};

/**
 * The local model sidecar as the editor runs it: started on request (never on its own), shown in
 * the status bar, restarted by the supervisor's policy, and stopped with the editor.
 */
export class SidecarController implements vscode.Disposable {
  private supervisor: SidecarSupervisor | undefined;
  private readonly status = vscode.window.createStatusBarItem('coevolve.sidecar', vscode.StatusBarAlignment.Right, 100);

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: Host,
  ) {
    this.status.name = 'Co-evolve Sidecar';
    this.status.command = 'coevolve.sidecarStatus';
  }

  async start(): Promise<void> {
    let modelPath = this.host.setting<string>('sidecar.modelPath') || undefined;
    if (!modelPath) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'GGUF model': ['gguf'] }, openLabel: 'Serve this model' });
      modelPath = picked?.[0]?.fsPath;
      if (!modelPath) return;
      await vscode.workspace.getConfiguration('coevolve').update('sidecar.modelPath', modelPath, vscode.ConfigurationTarget.Global);
    }
    if (!existsSync(modelPath)) {
      void vscode.window.showErrorMessage(`Co-evolve: the sidecar model ${modelPath} does not exist. Fix coevolve.sidecar.modelPath.`);
      return;
    }
    await this.supervisor?.stop();
    const enginePath = this.host.setting<string>('sidecar.enginePath') || undefined;
    const contextSize = this.host.setting<number>('sidecar.contextSize') || undefined;
    const supervisor = new SidecarSupervisor(
      {
        entry: this.context.asAbsolutePath('dist/sidecar.cjs'),
        // The editor's own runtime runs it: VS Code's Electron as Node, or code-server's Node.
        nodePath: process.execPath,
        runAsNode: true,
        model: modelPath,
        gpu: this.host.setting<string>('sidecar.gpu') ?? 'auto',
        ...(contextSize ? { contextSize } : {}),
        ...(enginePath ? { llamaModule: enginePath } : {}),
      },
      this.host.log,
    );
    this.supervisor = supervisor;
    supervisor.onStateChange((state, detail) => this.show(state, detail));
    this.show('starting');
    try {
      const ready = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Co-evolve: starting the local model sidecar' }, () => supervisor.start());
      const info = ready.info as { backend?: string; gpuLayers?: number; totalLayers?: number; model?: { id?: string } };
      const where = info.backend === 'cpu' ? 'on the CPU' : `on ${String(info.backend).toUpperCase()}, ${info.gpuLayers} of ${info.totalLayers} layers on the GPU`;
      void vscode.window.showInformationMessage(`Co-evolve: sidecar serving ${info.model?.id ?? 'the model'} ${where}.`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = CoevolveError.is(error) && error.hint ? ` ${error.hint}` : '';
      void vscode.window.showErrorMessage(`Co-evolve: the sidecar did not start: ${message}${hint}`);
    }
  }

  stop(): Promise<void> {
    return this.supervisor?.stop() ?? Promise.resolve();
  }

  showStatus(): void {
    const s = this.supervisor;
    const detail = !s ? 'not started' : s.state === 'running' ? `running at ${s.endpoint?.baseURL}` : s.state === 'failed' ? `failed: ${s.lastError ?? ''}` : s.state;
    this.host.log.info(`Sidecar: ${detail}`);
    void vscode.window.showInformationMessage(`Co-evolve sidecar: ${detail}`, ...(s?.state === 'running' ? ['Stop'] : ['Start'])).then((choice) => {
      if (choice === 'Stop') void this.stop();
      if (choice === 'Start') void this.start();
    });
  }

  private show(state: SidecarState, detail?: string): void {
    this.status.text = LABEL[state];
    this.status.tooltip = `Co-evolve local model sidecar: ${state}${detail ? ` (${detail})` : ''}`;
    this.status.show();
  }

  dispose(): void {
    this.status.dispose();
    void this.stop();
  }
}
