import type { ExperienceRow, RequestResult, UtilityView } from '../src/protocol/memoryPanel.ts';
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
    changeCode(experience.sha),
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

/**
 * How the change went, on demand: its hunks are read from git (by the host, bounded and redacted)
 * the first time the disclosure is opened, and shown diff-coloured, line by line as text.
 */
function changeCode(sha: string): HTMLElement {
  const body = el('div', { class: 'hunks', attrs: { 'aria-busy': 'true' } }, 'Reading the change…');
  let asked = false;
  const details = el('details', { class: 'change-code' }, el('summary', {}, 'Code of this change'), body);
  details.addEventListener('toggle', () => {
    if (!(details as HTMLDetailsElement).open || asked) return;
    asked = true;
    request('changeExcerpt', { sha })
      .then((excerpt) => {
        body.removeAttribute('aria-busy');
        replaceChildren(body, ...renderHunks(excerpt));
      })
      .catch((error: unknown) => {
        body.removeAttribute('aria-busy');
        replaceChildren(body, errorLine(error));
      });
  });
  return details;
}

function renderHunks(excerpt: RequestResult<'changeExcerpt'>): HTMLElement[] {
  if (!excerpt.hunks.length) return [el('p', { class: 'empty' }, 'No code to show: the change touched only files memory does not show (keys, binaries, lock files), or git no longer has the commit.')];
  const lineClass = (line: string): string => (line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx');
  const out: HTMLElement[] = [];
  let path: string | undefined;
  for (const hunk of excerpt.hunks) {
    if (hunk.path !== path) out.push(el('div', { class: 'hunk-file' }, fileLink(hunk.path)));
    path = hunk.path;
    out.push(
      el(
        'pre',
        { class: 'hunk', attrs: { 'data-path': hunk.path } },
        el('span', { class: 'line hunk-header' }, hunk.header),
        ...hunk.lines.map((line) => el('span', { class: `line ${lineClass(line)}` }, line)),
        hunk.cut ? el('span', { class: 'line cut' }, `… ${hunk.cut} more lines of this hunk`) : null,
      ),
    );
  }
  const notes = [excerpt.omittedLines ? `${excerpt.omittedLines} more changed lines are not shown.` : '', excerpt.sourceCut ? 'The change is larger than what is read of it.' : ''].filter(Boolean);
  if (notes.length) out.push(el('p', { class: 'empty' }, notes.join(' ')));
  return out;
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
