import type { FixRow } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren } from './dom.ts';
import { notify, request } from './rpc.ts';

/** Fixes: the tasks solved here and what the user decided; only accepted, verified ones guide later tasks. */
export function fixesTab(): { element: HTMLElement; refresh(): Promise<void> } {
  const body = el('div', { class: 'fixes-body' });
  const refresh = async (): Promise<void> => {
    try {
      const { fixes } = await request('listFixes', {});
      replaceChildren(body, fixes.length ? fixesTable(fixes) : emptyLine('No fixes recorded yet: a solved task you accept or reject appears here.'));
    } catch (error) {
      replaceChildren(body, errorLine(error));
    }
  };
  return { element: el('section', { class: 'tab fixes' }, body), refresh };
}

function fixesTable(fixes: FixRow[]): HTMLElement {
  const table = el(
    'vscode-table',
    { attrs: { 'zebra': true, 'bordered-rows': true, 'resizable': true } },
    el('vscode-table-header', { attrs: { slot: 'header' } }, ...['Task', 'Outcome', 'Verified', 'Files', 'When'].map((name) => el('vscode-table-header-cell', {}, name))),
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
          el('vscode-table-cell', {}, ...fix.files.flatMap((path, i) => [i ? ', ' : '', el('a', { attrs: { href: '#' }, on: { click: (event) => (event.preventDefault(), notify('openFile', { path })) } }, path)])),
          el('vscode-table-cell', {}, new Date(fix.time * 1000).toISOString().slice(0, 16).replace('T', ' ')),
        ),
      ),
    ),
  ) as HTMLElement & { columns: string[] };
  table.columns = ['40%', '14%', '12%', '20%', '14%'];
  return table;
}
