import type { ExperienceFilter, ExperienceRow, RequestResult } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren } from './dom.ts';
import { experienceCard, fileLink } from './experienceCard.ts';
import { memoryFilters } from './memoryFilters.ts';
import { request } from './rpc.ts';
import { fillTrends } from './sparkline.ts';
import { virtualList } from './virtualList.ts';
import type { VirtualList } from './virtualList.ts';
import { loadState, saveState } from './vscodeApi.ts';

/** Rows per request of the browse list: the host sends the rows near the viewport, never the store. */
const PAGE_SIZE = 50;
/** Trend charts of the cards rendered while scrolling are asked for together, once scrolling pauses. */
const TRENDS_PAUSE_MS = 100;

/**
 * Memory: with no search text, every past change in one scrolling list, newest first (only the rows
 * in view are rendered, and only their pages are asked for); with search text, the changes that
 * relate to it, best first. Both honour the filters. Quarantine or restore any.
 */
export function memoryTab(): HTMLElement {
  const state = loadState();
  const field = el('vscode-textfield', { attrs: { placeholder: 'Search memory: a task, an error message, a file path…', 'aria-label': 'Search memory', id: 'memory-query' } }) as HTMLElement & { value: string };
  field.value = state.query ?? '';
  const results = el('div', { class: 'results', attrs: { 'aria-live': 'polite' } });
  const quarantined = el('div', { class: 'quarantined' });
  /** The browse list's first visible row: where it opens again (saved as `offset`). */
  let offset = state.offset ?? 0;
  // Answers can arrive out of order while the user types: only the latest one is shown.
  let latest = 0;
  let list: VirtualList | undefined;

  const show = async (): Promise<void> => {
    const text = field.value.trim();
    const filter = filters.value();
    saveState({ query: text, filter, offset });
    const asked = ++latest;
    // The list of another filter stops here: its answers still on the way are ignored.
    list?.destroy();
    list = undefined;
    replaceChildren(results, el('vscode-progress-ring', { attrs: { 'aria-label': text ? 'Searching' : 'Loading' } }));
    try {
      if (text) {
        const found = await request('search', { text, filter });
        if (asked !== latest) return;
        renderSearch(results, found, filter, showAll, changed);
        void fillTrends(results);
      } else {
        // The page that holds the row to open at: it also tells how many rows there are.
        const first = Math.floor(offset / PAGE_SIZE) * PAGE_SIZE;
        const page = await request('browse', { filter, offset: first, limit: PAGE_SIZE });
        if (asked !== latest) return;
        // The store shrank (re-mined, repaired) below the row remembered: start over.
        if (page.total > 0 && offset >= page.total) return goTo(0);
        if (page.total === 0) {
          replaceChildren(results, emptyLine(isFiltered(filter) ? 'No past change passes these filters.' : 'Memory is empty: run "Co-evolve: Mine Project History" first.'));
          return;
        }
        const summary = el('span', { class: 'summary' }, summaryText(page.total, filter));
        list = virtualList<ExperienceRow>({
          label: 'Past changes, newest first',
          total: page.total,
          pageSize: PAGE_SIZE,
          initial: { offset: first, items: page.experiences },
          startIndex: offset,
          fetch: async (from, limit) => {
            const answer = await request('browse', { filter, offset: from, limit });
            return { items: answer.experiences, total: answer.total };
          },
          render: (experience) => experienceCard(experience, changed),
          onRendered: trendsSoon,
          onFirstVisible: (index) => {
            offset = index;
            saveState({ offset });
          },
          onTotal: (total) => (total ? replaceChildren(summary, summaryText(total, filter)) : void show()),
        });
        replaceChildren(results, el('div', { class: 'list-summary', attrs: { id: 'memory-summary' } }, summary), list.element);
      }
    } catch (error) {
      if (asked === latest) replaceChildren(results, errorLine(error));
    }
  };
  const goTo = (to: number): Promise<void> => {
    offset = to;
    return show();
  };
  const showAll = (): void => {
    field.value = '';
    void goTo(0);
  };
  const filters = memoryFilters(state.filter ?? {}, () => void goTo(0));
  const refreshQuarantined = async (): Promise<void> => {
    try {
      const { experiences } = await request('listQuarantined', {});
      replaceChildren(quarantined, experiences.length ? el('h3', {}, `Quarantined (${experiences.length})`) : null, ...experiences.map((e) => experienceCard(e, changed)));
      void fillTrends(quarantined);
    } catch (error) {
      replaceChildren(quarantined, errorLine(error));
    }
  };
  // A card changed a memory (pin, quarantine): the card shows it at once; the list's cached rows are
  // asked for again when next rendered, so that scrolling back does not show the old state.
  const changed = (): Promise<void> => {
    list?.invalidate();
    return refreshQuarantined();
  };
  // Cards rendered while scrolling: their charts come from one request once scrolling pauses.
  let fresh: HTMLElement[] = [];
  let trendTimer: ReturnType<typeof setTimeout> | undefined;
  const trendsSoon = (rows: HTMLElement[]): void => {
    fresh.push(...rows);
    clearTimeout(trendTimer);
    trendTimer = setTimeout(() => {
      const shown = fresh.filter((row) => row.isConnected);
      fresh = [];
      if (shown.length) void fillTrends(rowsRoot(shown));
    }, TRENDS_PAUSE_MS);
  };

  field.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') void goTo(0);
  });
  const button = el('vscode-button', { attrs: { id: 'memory-search' }, on: { click: () => void goTo(0) } }, 'Search');
  void refreshQuarantined();
  void show();
  return el(
    'section',
    { class: 'tab memory' },
    el('div', { class: 'search' }, field, button),
    filters.element,
    results,
    quarantined,
  );
}

/** fillTrends reads the trend slots under one root: here, under these rows only (not the whole list). */
function rowsRoot(rows: HTMLElement[]): ParentNode {
  const root: Pick<ParentNode, 'querySelectorAll'> = { querySelectorAll: (selectors: string) => rows.flatMap((row) => [...row.querySelectorAll(selectors)]) as unknown as NodeListOf<Element> };
  return root as ParentNode;
}

/** "12,345 past changes, newest first"; "7 matching past changes, newest first" when filtered. */
function summaryText(total: number, filter: ExperienceFilter): string {
  return `${count(total)} ${isFiltered(filter) ? 'matching ' : ''}past change${total === 1 ? '' : 's'}, newest first`;
}

function isFiltered(filter: ExperienceFilter): boolean {
  return Object.keys(filter).length > 0;
}

function renderSearch(target: HTMLElement, result: RequestResult<'search'>, filter: ExperienceFilter, showAll: () => void, changed: () => Promise<void>): void {
  replaceChildren(
    target,
    el(
      'h3',
      { class: 'search-heading' },
      `Past changes (${result.experiences.length})${isFiltered(filter) ? ', filtered' : ''}`,
      el('a', { class: 'show-all', attrs: { href: '#', id: 'show-all' }, on: { click: (event) => (event.preventDefault(), showAll()) } }, 'Show all, newest first'),
    ),
    ...(result.notes ?? []).map((note) => el('p', { class: 'search-note' }, note)),
    result.experiences.length ? null : emptyLine(isFiltered(filter) ? 'Nothing in memory matches with these filters.' : 'Nothing in memory matches.'),
    ...result.experiences.map((experience) => experienceCard(experience, changed)),
    result.files.length ? el('h3', {}, 'Files') : null,
    result.files.length ? el('ul', { class: 'plain' }, ...result.files.map((file) => el('li', {}, fileLink(file.path), whyText(file.why)))) : null,
    result.symbols.length ? el('h3', {}, 'Symbols') : null,
    result.symbols.length
      ? el('ul', { class: 'plain' }, ...result.symbols.map((symbol) => el('li', {}, el('code', {}, symbol.name), ` ${symbol.kind} in `, fileLink(symbol.path), whyText(symbol.why))))
      : null,
  );
}

function count(value: number): string {
  return value.toLocaleString();
}

function whyText(why: string[]): HTMLElement | null {
  return why.length ? el('span', { class: 'why' }, ` — ${why.join('; ')}`) : null;
}
