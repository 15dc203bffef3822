import type { SkillDetail, SkillRow } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren } from './dom.ts';
import { PanelError, request } from './rpc.ts';
import { loadState, saveState } from './vscodeApi.ts';

/** Skills: the library's skills and mistake notes; pick one to read its SKILL.md and act on it. */
export function skillsTab(): { element: HTMLElement; refresh(): Promise<void> } {
  const list = el('div', { class: 'skills-list' });
  const detail = el('div', { class: 'skill-detail' });

  const show = async (name: string, version?: number): Promise<void> => {
    saveState({ skill: name });
    for (const row of list.querySelectorAll('vscode-table-row')) row.classList.toggle('selected', row.getAttribute('data-name') === name);
    try {
      renderDetail(detail, await request('showSkill', version === undefined ? { name } : { name, version }), show, refresh);
    } catch (error) {
      replaceChildren(detail, errorLine(error));
    }
  };
  const refresh = async (): Promise<void> => {
    try {
      const { skills } = await request('listSkills', {});
      replaceChildren(list, skills.length ? skillsTable(skills, (name) => void show(name)) : emptyLine('No skills yet: the skill evolver proposes them from repeated fixes.'));
      const remembered = loadState().skill;
      if (remembered && skills.some((skill) => skill.name === remembered)) await show(remembered);
    } catch (error) {
      replaceChildren(list, errorLine(error));
    }
  };
  return { element: el('section', { class: 'tab skills' }, list, detail), refresh };
}

function skillsTable(skills: SkillRow[], select: (name: string) => void): HTMLElement {
  const table = el(
    'vscode-table',
    { attrs: { 'zebra': true, 'bordered-rows': true } },
    el('vscode-table-header', { attrs: { slot: 'header' } }, ...['Name', 'Kind', 'Version', 'Status', 'Description'].map((name) => el('vscode-table-header-cell', {}, name))),
    el(
      'vscode-table-body',
      { attrs: { slot: 'body' } },
      ...skills.map((skill) =>
        el(
          'vscode-table-row',
          { class: 'clickable', attrs: { 'data-name': skill.name, tabindex: '0', role: 'button' }, on: { click: () => select(skill.name), keydown: (event) => (event as KeyboardEvent).key === 'Enter' && select(skill.name) } },
          el('vscode-table-cell', {}, skill.name),
          el('vscode-table-cell', {}, skill.kind),
          el('vscode-table-cell', {}, `v${skill.version}${skill.versions.length > 1 ? ` (of ${skill.versions.join(', ')})` : ''}`),
          el('vscode-table-cell', {}, el('vscode-badge', { class: `status-${skill.status}` }, skill.status)),
          el('vscode-table-cell', { attrs: { title: skill.problem ?? skill.description } }, skill.problem ? `⚠ ${skill.problem}` : skill.description),
        ),
      ),
    ),
  ) as HTMLElement & { columns: string[] };
  table.columns = ['20%', '10%', '14%', '12%', '44%'];
  return table;
}

function renderDetail(target: HTMLElement, skill: SkillDetail, show: (name: string, version?: number) => Promise<void>, refresh: () => Promise<void>): void {
  const status = el('div', { class: 'status' });
  const act = (action: 'approve' | 'disable' | 'rollback'): void => {
    replaceChildren(status);
    // The host asks for confirmation (a modal): a message from the webview alone changes nothing.
    request('skillAction', { name: skill.name, action })
      .then(() => refresh())
      .catch((error: unknown) => {
        if (!PanelError.is(error, 'cancelled')) replaceChildren(status, errorLine(error));
      });
  };
  const versions = skill.versions.map((version) =>
    el('vscode-button', { attrs: { secondary: version !== skill.shownVersion, class: 'version' }, on: { click: () => void show(skill.name, version) } }, `v${version}`),
  );
  replaceChildren(
    target,
    el('h3', {}, skill.name, ' ', el('vscode-badge', {}, skill.status), ' ', el('span', { class: 'meta' }, `${skill.kind} · current v${skill.version}`)),
    el(
      'div',
      { class: 'actions' },
      el('vscode-button', { attrs: { disabled: skill.status === 'active', id: 'skill-approve' }, on: { click: () => act('approve') } }, 'Approve'),
      el('vscode-button', { attrs: { secondary: true, disabled: skill.status === 'retired', id: 'skill-disable' }, on: { click: () => act('disable') } }, 'Disable'),
      el('vscode-button', { attrs: { secondary: true, disabled: skill.versions.length < 2, id: 'skill-rollback' }, on: { click: () => act('rollback') } }, 'Roll Back'),
      versions.length > 1 ? el('span', { class: 'versions' }, 'Versions: ', ...versions) : null,
    ),
    status,
    // Repository text: shown verbatim as text, never parsed as HTML or Markdown.
    el('pre', { class: 'skill-markdown', attrs: { 'aria-label': `SKILL.md of ${skill.name} v${skill.shownVersion}` } }, skill.markdown),
  );
}
