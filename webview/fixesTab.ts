import type { FixRow } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren } from './dom.ts';
import { notify, request } from './rpc.ts';
import { fillTrends, trendSlot } from './sparkline.ts';

/** Fixes: the tasks solved here and what the user decided; only accepted, verified ones guide later tasks. */
export function fixesTab(): { element: HTMLElement; refresh(): Promise<void> } {
  const body = el('div', { class: 'fixes-body' });
  const refresh = async (): Promise<void> => {
    // Busy until the rows and their charts are in (the list is read again each time the tab is shown).
    body.setAttribute('aria-busy', 'true');
    try {
      const { fixes } = await request('listFixes', {});
      replaceChildren(body, fixes.length ? fixesTable(fixes) : emptyLine('No fixes recorded yet: a solved task you accept or reject appears here.'));
      // Q over time for every row, in one request.
      await fillTrends(body);
    } catch (error) {
      replaceChildren(body, errorLine(error));
    } finally {
      body.removeAttribute('aria-busy');
    }
  };
  return { element: el('section', { class: 'tab fixes' }, body), refresh };
}

function fixesTable(fixes: FixRow[]): HTMLElement {
  const table = el(
    'vscode-table',
    { attrs: { 'zebra': true, 'bordered-rows': true, 'resizable': true } },
    el('vscode-table-header', { attrs: { slot: 'header' } }, ...['Task', 'Outcome', 'Verified', 'Utility', 'Files', 'When'].map((name) => el('vscode-table-header-cell', {}, name))),
    el(
      'vscode-table-body',
      { attrs: { slot: 'body' } },
      ...fixes.map((fix) =>
        el(
          'vscode-table-row',
          { attrs: { 'data-id': fix.id } },
          el('vscode-table-cell', { attrs: { title: fix.summary } }, fix.task.split('\n')[0] ?? ''),
          el('vscode-table-cell', {}, el('vscode-badge', { class: `outcome-${fix.outcome}` }, fix.outcome), fix.active ? ' active' : ''),
          el('vscode-table-cell', {}, fix.verified ? 'verified' : 'not verified'),
          el(
            'vscode-table-cell',
            {},
            el(
              'span',
              { class: 'utility-inline' },
              fix.utility ? el('span', { attrs: { title: `Learned utility Q in [-1, 1], decayed since last use · helpful ${fix.utility.helpful} · harmful ${fix.utility.harmful} · uses ${fix.utility.uses}` } }, `Q ${fix.utility.q.toFixed(2)}`) : null,
              trendSlot(fix.id, 'row'),
            ),
          ),
          el('vscode-table-cell', {}, ...fix.files.flatMap((path, i) => [i ? ', ' : '', el('a', { attrs: { href: '#' }, on: { click: (event) => (event.preventDefault(), notify('openFile', { path })) } }, path)])),
          el('vscode-table-cell', {}, new Date(fix.time * 1000).toISOString().slice(0, 16).replace('T', ' ')),
        ),
      ),
    ),
  ) as HTMLElement & { columns: string[] };
  table.columns = ['30%', '12%', '10%', '18%', '16%', '14%'];
  return table;
}
