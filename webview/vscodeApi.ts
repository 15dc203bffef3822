import type { ExperienceFilter, RunFilter } from '../src/protocol/memoryPanel.ts';

// What VS Code injects into a webview: one call per page load, so it is made once, here.

export interface PanelState {
  tab?: number;
  query?: string;
  /** The Memory tab's filters and page, restored when the panel is shown again. */
  filter?: ExperienceFilter;
  offset?: number;
  skill?: string;
  /** The Runs tab's filters and page. */
  runsFilter?: RunFilter;
  runsOffset?: number;
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
