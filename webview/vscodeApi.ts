// What VS Code injects into a webview: one call per page load, so it is made once, here.

export interface PanelState {
  tab?: number;
  query?: string;
  skill?: string;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi: VsCodeApi = acquireVsCodeApi();

export function loadState(): PanelState {
  const state = vscodeApi.getState();
  return state && typeof state === 'object' ? (state as PanelState) : {};
}

export function saveState(patch: PanelState): void {
  vscodeApi.setState({ ...loadState(), ...patch });
}
