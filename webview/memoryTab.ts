import type { ExperienceRow, RequestResult, UtilityView } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren, shortSha } from './dom.ts';
import { notify, request } from './rpc.ts';
import { loadState, saveState } from './vscodeApi.ts';

/** Memory: search past changes, see why each was recalled and what it learned, quarantine or restore it. */
export function memoryTab(): HTMLElement {
  const field = el('vscode-textfield', { attrs: { placeholder: 'Search memory: a task, an error message, a file path…', 'aria-label': 'Search memory', id: 'memory-query' } }) as HTMLElement & { value: string };
  field.value = loadState().query ?? '';
  const results = el('div', { class: 'results', attrs: { 'aria-live': 'polite' } });
  const quarantined = el('div', { class: 'quarantined' });

  const search = async (): Promise<void> => {
    const text = field.value.trim();
    saveState({ query: text });
    if (!text) {
      replaceChildren(results, emptyLine('Type what you are working on to see the past changes that relate to it.'));
      return;
    }
    replaceChildren(results, el('vscode-progress-ring', { attrs: { 'aria-label': 'Searching' } }));
    try {
      renderResults(results, await request('search', { text }), refreshQuarantined);
    } catch (error) {
      replaceChildren(results, errorLine(error));
    }
  };
  const refreshQuarantined = async (): Promise<void> => {
    try {
      const { experiences } = await request('listQuarantined', {});
      replaceChildren(quarantined, experiences.length ? el('h3', {}, `Quarantined (${experiences.length})`) : null, ...experiences.map((e) => experienceCard(e, refreshQuarantined)));
    } catch (error) {
      replaceChildren(quarantined, errorLine(error));
    }
  };

  field.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Enter') void search();
  });
  const button = el('vscode-button', { attrs: { id: 'memory-search' }, on: { click: () => void search() } }, 'Search');
  void refreshQuarantined();
  if (field.value) void search();
  else replaceChildren(results, emptyLine('Type what you are working on to see the past changes that relate to it.'));
  return el('section', { class: 'tab memory' }, el('div', { class: 'search' }, field, button), results, quarantined);
}

function renderResults(target: HTMLElement, result: RequestResult<'search'>, changed: () => Promise<void>): void {
  replaceChildren(
    target,
    el('h3', {}, `Past changes (${result.experiences.length})`),
    result.experiences.length ? null : emptyLine('Nothing in memory matches.'),
    ...result.experiences.map((experience) => experienceCard(experience, changed)),
    result.files.length ? el('h3', {}, 'Files') : null,
    result.files.length ? el('ul', { class: 'plain' }, ...result.files.map((file) => el('li', {}, fileLink(file.path), whyText(file.why)))) : null,
    result.symbols.length ? el('h3', {}, 'Symbols') : null,
    result.symbols.length
      ? el('ul', { class: 'plain' }, ...result.symbols.map((symbol) => el('li', {}, el('code', {}, symbol.name), ` ${symbol.kind} in `, fileLink(symbol.path), whyText(symbol.why))))
      : null,
  );
}

function experienceCard(experience: ExperienceRow, changed: () => Promise<void>): HTMLElement {
  const utility = el('div', { class: 'utility' });
  const status = el('div', { class: 'status' });
  const card = el(
    'article',
    { class: 'experience', attrs: { 'data-sha': experience.sha } },
    el('div', { class: 'title' }, el('vscode-badge', { attrs: { variant: 'counter' } }, experience.kind), el('strong', {}, experience.subject)),
    el('div', { class: 'meta' }, el('code', {}, shortSha(experience.sha)), ` · ${experience.time.slice(0, 10)}`, experience.score ? ` · score ${experience.score.toFixed(2)}` : ''),
    experience.why.length ? el('div', { class: 'why' }, 'Why: ', experience.why.join('; ')) : null,
    experience.files.length ? el('div', { class: 'files' }, 'Files: ', ...experience.files.slice(0, 20).flatMap((path, i) => [i ? ', ' : '', fileLink(path)])) : null,
    experience.symbols.length ? el('div', { class: 'symbols' }, 'Symbols: ', experience.symbols.slice(0, 20).join(', ')) : null,
    utility,
    status,
  );
  const render = (view: UtilityView): void => {
    const action = view.quarantined ? 'restore' : 'quarantine';
    const button = el(
      'vscode-button',
      {
        attrs: { secondary: true, class: `action-${action}` },
        on: {
          click: () => {
            replaceChildren(status);
            request('memoryAction', { sha: experience.sha, action })
              .then((result) => {
                render(result.utility);
                void changed();
              })
              .catch((error: unknown) => replaceChildren(status, errorLine(error)));
          },
        },
      },
      view.quarantined ? 'Restore' : 'Quarantine',
    );
    card.classList.toggle('is-quarantined', Boolean(view.quarantined));
    replaceChildren(
      utility,
      el('span', { attrs: { title: 'Learned utility Q in [-1, 1], decayed since last use' } }, `Q ${view.q.toFixed(2)}`),
      ` · helpful ${view.helpful} · harmful ${view.harmful} · uses ${view.uses}`,
      view.quarantined ? el('vscode-badge', { class: 'quarantine-badge' }, `quarantined (${view.quarantined})`) : null,
      button,
    );
  };
  render(experience.utility);
  return card;
}

function fileLink(path: string): HTMLElement {
  return el('a', { attrs: { href: '#', title: `Open ${path}` }, on: { click: (event) => (event.preventDefault(), notify('openFile', { path })) } }, path);
}

function whyText(why: string[]): HTMLElement | null {
  return why.length ? el('span', { class: 'why' }, ` — ${why.join('; ')}`) : null;
}

