// The memory & skill browser's page (bundled for the browser by scripts/build.mjs). Only the web
// components it uses are imported, so the bundle carries nothing else.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { el, replaceChildren } from './dom.ts';
import { fixesTab } from './fixesTab.ts';
import { memoryTab } from './memoryTab.ts';
import { restrictedBanner } from './restrictedBanner.ts';
import { notify, onNotification } from './rpc.ts';
import { runsTab } from './runsTab.ts';
import { skillsTab } from './skillsTab.ts';
import { loadState, saveState } from './vscodeApi.ts';

const app = document.getElementById('app')!;
// How many solves are running, on the Runs tab's header: seen from any tab.
const liveCount = el('vscode-badge', { attrs: { variant: 'tab-header-counter', slot: 'content-after', id: 'runs-live-count', hidden: true } });
const runs = runsTab((live) => {
  liveCount.toggleAttribute('hidden', live === 0);
  replaceChildren(liveCount, live ? String(live) : null);
  liveCount.setAttribute('aria-label', `${live} running`);
});
const fixes = fixesTab();
const skills = skillsTab();
// Runs, fixes and skills are read when their tab is shown (each time: the CLI may change them).
const onShow: Record<number, () => Promise<void>> = { 1: runs.refresh, 2: fixes.refresh, 3: skills.refresh };

const selected = loadState().tab ?? 0;
const tabs = el(
  'vscode-tabs',
  { attrs: { 'selected-index': String(selected), id: 'tabs' } },
  el('vscode-tab-header', { attrs: { slot: 'header' } }, 'Memory'),
  el('vscode-tab-panel', {}, memoryTab()),
  el('vscode-tab-header', { attrs: { slot: 'header', id: 'runs-tab' } }, 'Runs', liveCount),
  el('vscode-tab-panel', {}, runs.element),
  el('vscode-tab-header', { attrs: { slot: 'header' } }, 'Fixes'),
  el('vscode-tab-panel', {}, fixes.element),
  el('vscode-tab-header', { attrs: { slot: 'header' } }, 'Skills'),
  el('vscode-tab-panel', {}, skills.element),
);
tabs.addEventListener('vsc-tabs-select', (event) => {
  const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  saveState({ tab: index });
  void onShow[index]?.();
});

const where = el('p', { class: 'where' });
onNotification('workspace', ({ folder, storeDir }) => replaceChildren(where, folder ? `Memory of ${folder} (store: ${storeDir ?? '?'})` : 'No folder is open.'));

replaceChildren(app, restrictedBanner(), where, tabs);
app.removeAttribute('aria-busy');
void onShow[selected]?.();
// Says "ready" only once it listens: the host posts nothing before this.
notify('ready', {});
