import type { ExperienceRow, UtilityView } from '../src/protocol/memoryPanel.ts';
import { el, errorLine, replaceChildren, shortSha } from './dom.ts';
import { notify, PanelError, request } from './rpc.ts';
import { trendSlot } from './sparkline.ts';

/** One past change: what it was, why it was recalled, what it learned; pin it, quarantine or restore it, open its commit. */
export function experienceCard(experience: ExperienceRow, changed: () => Promise<void>): HTMLElement {
  if (experience.forgotten) return forgottenCard(experience);
  const utility = el('div', { class: 'utility' });
  const status = el('div', { class: 'status' });
  // Q over time, filled in by the list for the whole page at once (fillTrends).
  const trend = trendSlot(`commit:${experience.sha}`);
  const card = el(
    'article',
    { class: 'experience', attrs: { 'data-sha': experience.sha, 'data-kind': experience.kind } },
    el('div', { class: 'title' }, el('vscode-badge', { attrs: { variant: 'counter' } }, experience.kind), el('strong', {}, experience.subject)),
    el('div', { class: 'meta' }, el('a', { class: 'show-commit', attrs: { href: '#', title: 'Show the commit (message, files, diff)' }, on: { click: (event) => (event.preventDefault(), notify('showCommit', { sha: experience.sha })) } }, el('code', {}, shortSha(experience.sha))), ` · ${experience.time.slice(0, 10)}`, experience.author ? ` · ${experience.author}` : '', experience.score ? ` · score ${experience.score.toFixed(2)}` : ''),
    experience.why.length ? el('div', { class: 'why' }, 'Why: ', experience.why.join('; ')) : null,
    experience.files.length ? el('div', { class: 'files' }, 'Files: ', ...experience.files.slice(0, 20).flatMap((path, i) => [i ? ', ' : '', fileLink(path)])) : null,
    experience.symbols.length ? el('div', { class: 'symbols' }, 'Symbols: ', experience.symbols.slice(0, 20).join(', ')) : null,
    utility,
    status,
  );
  const render = (view: UtilityView): void => {
    const button = (action: 'quarantine' | 'restore' | 'pin' | 'unpin' | 'forget', label: string): HTMLElement =>
      el(
        'vscode-button',
        {
          attrs: { secondary: true, class: `action-${action}` },
          on: {
            click: () => {
              replaceChildren(status);
              request('memoryAction', { sha: experience.sha, action })
                .then((result) => {
                  if (result.forgotten) card.replaceWith(forgottenCard({ ...experience, forgotten: result.forgotten }));
                  else render(result.utility);
                  void changed();
                })
                // Declined in VS Code's confirmation: nothing to say.
                .catch((error: unknown) => {
                  if (!PanelError.is(error, 'cancelled')) replaceChildren(status, errorLine(error));
                });
            },
          },
        },
        label,
      );
    card.classList.toggle('is-quarantined', Boolean(view.quarantined));
    card.classList.toggle('is-pinned', Boolean(view.pinned));
    replaceChildren(
      utility,
      el('span', { attrs: { title: 'Learned utility Q in [-1, 1], decayed since last use' } }, `Q ${view.q.toFixed(2)}`),
      trend,
      ` · helpful ${view.helpful} · harmful ${view.harmful} · uses ${view.uses}`,
      view.quarantined ? el('vscode-badge', { class: 'quarantine-badge' }, `quarantined (${view.quarantined})`) : null,
      view.pinned ? el('vscode-badge', { class: 'pin-badge', attrs: { title: 'Ranked as fully useful in every recall; never decays' } }, 'pinned') : null,
      el('span', { class: 'actions' }, view.pinned ? button('unpin', 'Unpin') : button('pin', 'Pin'), view.quarantined ? button('restore', 'Restore') : button('quarantine', 'Quarantine'), button('forget', 'Forget…')),
    );
  };
  render(experience.utility);
  return card;
}

/** What is left of a commit memory was told to forget: its sha and dates, nothing it said or touched. */
function forgottenCard(experience: ExperienceRow): HTMLElement {
  return el(
    'article',
    { class: 'experience is-forgotten', attrs: { 'data-sha': experience.sha, 'data-kind': 'forgotten' } },
    el('div', { class: 'title' }, el('vscode-badge', { class: 'forgotten-badge' }, 'forgotten'), el('strong', {}, 'Forgotten commit')),
    el('div', { class: 'meta' }, el('code', {}, shortSha(experience.sha)), ` · ${experience.time.slice(0, 10)} · forgotten ${(experience.forgotten ?? '').slice(0, 10)}; its message, files and score are no longer in memory`),
  );
}

export function fileLink(path: string): HTMLElement {
  return el('a', { attrs: { href: '#', title: `Open ${path}` }, on: { click: (event) => (event.preventDefault(), notify('openFile', { path })) } }, path);
}
