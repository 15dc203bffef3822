import { EXPERIENCE_KINDS } from '../src/protocol/memoryPanel.ts';
import type { ExperienceFilter } from '../src/protocol/memoryPanel.ts';
import { el } from './dom.ts';

type Field = HTMLElement & { value: string };

// Typing in a text filter asks the host again once the user pauses, not on every key.
const TYPING_PAUSE_MS = 350;

/**
 * The Memory tab's filter bar: kind, file (a path substring or a glob) and author. It only collects
 * what the user chose; the host does the filtering, over the whole store.
 */
export function memoryFilters(initial: ExperienceFilter, changed: (filter: ExperienceFilter) => void): { element: HTMLElement; value(): ExperienceFilter } {
  const kind = el(
    'vscode-single-select',
    { attrs: { 'id': 'filter-kind', 'label': 'Filter by kind' } },
    el('vscode-option', { attrs: { value: '', selected: !initial.kind } }, 'All kinds'),
    ...EXPERIENCE_KINDS.map((name) => el('vscode-option', { attrs: { value: name, selected: initial.kind === name } }, name)),
  ) as Field;
  const file = el('vscode-textfield', { attrs: { 'id': 'filter-file', 'placeholder': 'File: path or glob, e.g. src/**/*.ts', 'aria-label': 'Filter by file' } }) as Field;
  const author = el('vscode-textfield', { attrs: { 'id': 'filter-author', 'placeholder': 'Author: name or email', 'aria-label': 'Filter by author' } }) as Field;
  file.value = initial.file ?? '';
  author.value = initial.author ?? '';

  const value = (): ExperienceFilter => {
    // Empty fields are left out: the protocol refuses blank filter values.
    const filter: ExperienceFilter = {};
    if (kind.value) filter.kind = kind.value as ExperienceFilter['kind'];
    if (file.value.trim()) filter.file = file.value.trim();
    if (author.value.trim()) filter.author = author.value.trim();
    return filter;
  };
  let last = JSON.stringify(value());
  const report = (): void => {
    const now = JSON.stringify(value());
    if (now === last) return;
    last = now;
    changed(value());
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(report, TYPING_PAUSE_MS);
  };
  kind.addEventListener('change', report);
  for (const field of [file, author]) {
    field.addEventListener('input', soon);
    field.addEventListener('keydown', (event) => {
      if ((event as KeyboardEvent).key === 'Enter') {
        clearTimeout(timer);
        report();
      }
    });
  }
  const clear = el(
    'vscode-button',
    {
      attrs: { secondary: true, id: 'filter-clear' },
      on: {
        click: () => {
          kind.value = '';
          file.value = '';
          author.value = '';
          report();
        },
      },
    },
    'Clear Filters',
  );
  const element = el('div', { class: 'filters', attrs: { role: 'group', 'aria-label': 'Filters' } }, el('span', { class: 'label' }, 'Filter:'), kind, file, author, clear);
  return { element, value };
}
