import { RUN_ORIGINS, RUN_STATUSES } from '../src/protocol/memoryPanel.ts';
import type { RequestResult, RunFilter } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren } from './dom.ts';
import { liveRunCard } from './liveRunCard.ts';
import { liveRuns, onLiveChange } from './liveRuns.ts';
import { request } from './rpc.ts';
import { runsList } from './runsList.ts';
import { loadState, saveState } from './vscodeApi.ts';

/** Rows per page; the host reads only the runs of the page asked for. */
const PAGE_SIZE = 50;

type Select = HTMLElement & { value: string };

/**
 * Runs: the solves in progress at the top, streamed as they work; below, every run of the store,
 * newest first, a page at a time, filtered by origin and status in the host. `changed(count)` tells
 * the tab header how many runs are live.
 */
export function runsTab(changed: (live: number) => void): { element: HTMLElement; refresh(): Promise<void> } {
  const state = loadState();
  let filter: RunFilter = state.runsFilter ?? {};
  let offset = state.runsOffset ?? 0;
  let latest = 0;
  const live = el('div', { class: 'live-runs', attrs: { 'aria-label': 'Running now' } });
  const list = el('div', { class: 'runs-list', attrs: { 'aria-live': 'polite' } });
  const status = el('div', { class: 'status' });
  const cards = new Map<string, ReturnType<typeof liveRunCard>>();

  const show = async (): Promise<void> => {
    saveState({ runsFilter: filter, runsOffset: offset });
    const asked = ++latest;
    if (!list.childElementCount) replaceChildren(list, el('vscode-progress-ring', { attrs: { 'aria-label': 'Loading runs' } }));
    try {
      const page = await request('listRuns', { filter, offset, limit: PAGE_SIZE });
      if (asked !== latest) return;
      // Fewer runs than the page remembered (a store cleaned up): start over.
      if (page.offset > 0 && !page.runs.length) return goTo(0);
      renderPage(list, page, filter, goTo, status);
    } catch (error) {
      if (asked === latest) replaceChildren(list, errorLine(error));
    }
  };
  const goTo = (to: number): Promise<void> => {
    offset = to;
    return show();
  };

  const dropCard = (key: string): void => {
    cards.get(key)?.dispose();
    cards.get(key)?.element.remove();
    cards.delete(key);
  };
  const renderLive = (): void => {
    for (const key of [...cards.keys()]) dropCard(key);
    for (const run of liveRuns()) {
      const card = liveRunCard(run);
      cards.set(run.key, card);
      // Newest on top, like the list.
      live.prepend(card.element);
    }
    live.toggleAttribute('hidden', cards.size === 0);
    changed(cards.size);
  };
  onLiveChange((change) => {
    if (change.type === 'all') renderLive();
    else if (change.type === 'run') {
      const card = cards.get(change.run.key);
      if (card) card.update(change.run);
      else renderLive();
    } else if (change.type === 'event') cards.get(change.run.key)?.add(change.event);
    else {
      dropCard(change.key);
      live.toggleAttribute('hidden', cards.size === 0);
      changed(cards.size);
      // The run is over: it is a row now (a new one on top, so the first page is where it is).
      void goTo(0).then(() => change.runId && list.querySelector(`li.run[data-run-id="${CSS.escape(change.runId)}"]`)?.classList.add('just-ended'));
    }
  });

  const origin = choice('runs-filter-origin', 'Filter by origin', 'All origins', RUN_ORIGINS, filter.origin);
  const statusChoice = choice('runs-filter-status', 'Filter by status', 'All statuses', RUN_STATUSES, filter.status);
  const filterChanged = (): void => {
    filter = {
      ...(origin.value ? { origin: origin.value as RunFilter['origin'] } : {}),
      ...(statusChoice.value ? { status: statusChoice.value as RunFilter['status'] } : {}),
    };
    void goTo(0);
  };
  origin.addEventListener('change', filterChanged);
  statusChoice.addEventListener('change', filterChanged);
  const refreshButton = el('vscode-button', { attrs: { secondary: true, id: 'runs-refresh', title: 'Read the runs again (the CLI adds runs too)' }, on: { click: () => void show() } }, 'Refresh');

  renderLive();
  return {
    element: el(
      'section',
      { class: 'tab runs' },
      live,
      el('div', { class: 'filters', attrs: { role: 'group', 'aria-label': 'Filters' } }, el('span', { class: 'label' }, 'Filter:'), origin, statusChoice, refreshButton),
      status,
      list,
    ),
    refresh: show,
  };
}

function choice(id: string, label: string, all: string, values: readonly string[], selected: string | undefined): Select {
  return el(
    'vscode-single-select',
    { attrs: { id, label } },
    el('vscode-option', { attrs: { value: '', selected: !selected } }, all),
    ...values.map((value) => el('vscode-option', { attrs: { value, selected: selected === value } }, value)),
  ) as Select;
}

function renderPage(target: HTMLElement, page: RequestResult<'listRuns'>, filter: RunFilter, goTo: (offset: number) => Promise<void>, status: HTMLElement): void {
  const filtered = Boolean(filter.origin || filter.status);
  if (!page.runs.length) {
    replaceChildren(target, emptyLine(filtered ? 'No run passes these filters.' : 'No finished runs yet: "Co-evolve: Solve Task…" (or Fix with Co-evolve on a problem) starts one.'));
    return;
  }
  const first = page.offset + 1;
  const last = page.offset + page.runs.length;
  const of = page.total !== undefined ? ` of ${page.total.toLocaleString()}${filtered ? ' matching' : ''}` : page.more ? ' matching (more, older)' : ' matching';
  const pager = (where: string): HTMLElement =>
    el(
      'div',
      { class: `pager ${where}`, attrs: { role: 'navigation', 'aria-label': `Pages (${where})` } },
      el('span', { class: 'summary' }, `Showing ${first.toLocaleString()}–${last.toLocaleString()}${of}, newest first`),
      el('vscode-button', { attrs: { secondary: true, class: 'page-prev', disabled: page.offset === 0 }, on: { click: () => void goTo(Math.max(0, page.offset - PAGE_SIZE)) } }, '‹ Previous'),
      el('vscode-button', { attrs: { secondary: true, class: 'page-next', disabled: !page.more }, on: { click: () => void goTo(page.offset + PAGE_SIZE) } }, 'Next ›'),
    );
  replaceChildren(target, pager('top'), runsList(page.runs, status), page.runs.length > 10 ? pager('bottom') : null);
}
