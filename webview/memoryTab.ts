import type { ExperienceFilter, RequestResult } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren } from './dom.ts';
import { experienceCard, fileLink } from './experienceCard.ts';
import { memoryFilters } from './memoryFilters.ts';
import { request } from './rpc.ts';
import { fillTrends } from './sparkline.ts';
import { loadState, saveState } from './vscodeApi.ts';

/** Rows per page of the browse list; the host sends one page at a time, never the store. */
const PAGE_SIZE = 50;

/**
 * Memory: with no search text, every past change page by page, newest first; with search text,
 * the changes that relate to it, best first. Both honour the filters. Quarantine or restore any.
 */
export function memoryTab(): HTMLElement {
  const state = loadState();
  const field = el('vscode-textfield', { attrs: { placeholder: 'Search memory: a task, an error message, a file path…', 'aria-label': 'Search memory', id: 'memory-query' } }) as HTMLElement & { value: string };
  field.value = state.query ?? '';
  const results = el('div', { class: 'results', attrs: { 'aria-live': 'polite' } });
  const quarantined = el('div', { class: 'quarantined' });
  let offset = state.offset ?? 0;
  // Answers can arrive out of order while the user types: only the latest one is shown.
  let latest = 0;

  const show = async (): Promise<void> => {
    const text = field.value.trim();
    const filter = filters.value();
    saveState({ query: text, filter, offset });
    const asked = ++latest;
    replaceChildren(results, el('vscode-progress-ring', { attrs: { 'aria-label': text ? 'Searching' : 'Loading' } }));
    try {
      if (text) {
        const found = await request('search', { text, filter });
        if (asked !== latest) return;
        renderSearch(results, found, filter, showAll, refreshQuarantined);
        void fillTrends(results);
      } else {
        const page = await request('browse', { filter, offset, limit: PAGE_SIZE });
        if (asked !== latest) return;
        // The store shrank (re-mined, repaired) below the page remembered: start over.
        if (page.total > 0 && page.offset >= page.total) return goTo(0);
        renderPage(results, page, filter, goTo, refreshQuarantined);
        void fillTrends(results);
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
      replaceChildren(quarantined, experiences.length ? el('h3', {}, `Quarantined (${experiences.length})`) : null, ...experiences.map((e) => experienceCard(e, refreshQuarantined)));
      void fillTrends(quarantined);
    } catch (error) {
      replaceChildren(quarantined, errorLine(error));
    }
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

function isFiltered(filter: ExperienceFilter): boolean {
  return Object.keys(filter).length > 0;
}

function renderPage(target: HTMLElement, page: RequestResult<'browse'>, filter: ExperienceFilter, goTo: (offset: number) => Promise<void>, changed: () => Promise<void>): void {
  if (page.total === 0) {
    replaceChildren(target, emptyLine(isFiltered(filter) ? 'No past change passes these filters.' : 'Memory is empty: run "Co-evolve: Mine Project History" first.'));
    return;
  }
  const first = page.offset + 1;
  const last = page.offset + page.experiences.length;
  const pager = (where: string): HTMLElement =>
    el(
      'div',
      { class: `pager ${where}`, attrs: { role: 'navigation', 'aria-label': `Pages (${where})` } },
      el('span', { class: 'summary' }, `Showing ${count(first)}–${count(last)} of ${count(page.total)}${isFiltered(filter) ? ' matching' : ''}, newest first`),
      el('vscode-button', { attrs: { secondary: true, class: 'page-prev', disabled: page.offset === 0 }, on: { click: () => void goTo(Math.max(0, page.offset - PAGE_SIZE)) } }, '‹ Previous'),
      el('vscode-button', { attrs: { secondary: true, class: 'page-next', disabled: last >= page.total }, on: { click: () => void goTo(page.offset + PAGE_SIZE) } }, 'Next ›'),
    );
  replaceChildren(target, pager('top'), ...page.experiences.map((experience) => experienceCard(experience, changed)), page.experiences.length > 5 ? pager('bottom') : null);
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
