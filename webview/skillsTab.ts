import type { SkillDetail, SkillLineage, SkillRow } from '../src/protocol/memoryPanel.ts';
import { el, emptyLine, errorLine, replaceChildren } from './dom.ts';
import { PanelError, request } from './rpc.ts';
import { evolutionSection, historySection, provenanceLine, safetySection, versionsSection } from './skillEvidence.ts';
import { loadState, saveState } from './vscodeApi.ts';

/**
 * Skills: the library's skills and mistake notes. Pick one to see its lineage (every version, its
 * parent and acceptance), the evolution decisions and history behind it, its safety scan and its
 * SKILL.md; approve, disable, or roll back to any version. Every action is confirmed by the host.
 */
export function skillsTab(): { element: HTMLElement; refresh(): Promise<void> } {
  const list = el('div', { class: 'skills-list' });
  const detail = el('div', { class: 'skill-detail' });
  // Answers can arrive out of order when the user clicks quickly: only the latest is shown.
  let latest = 0;

  const show = async (name: string, version?: number): Promise<void> => {
    saveState({ skill: name });
    for (const row of list.querySelectorAll('vscode-table-row')) row.classList.toggle('selected', row.getAttribute('data-name') === name);
    const asked = ++latest;
    try {
      const [skill, lineage] = await Promise.all([request('showSkill', version === undefined ? { name } : { name, version }), request('skillLineage', { name })]);
      if (asked === latest) renderDetail(detail, skill, lineage, show, refresh);
    } catch (error) {
      if (asked === latest) replaceChildren(detail, errorLine(error));
    }
  };
  const refresh = async (): Promise<void> => {
    try {
      const { skills } = await request('listSkills', {});
      replaceChildren(list, skills.length ? skillsTable(skills, (name) => void show(name)) : emptyLine('No skills yet: the skill evolver proposes them from repeated fixes.'));
      const remembered = loadState().skill;
      if (remembered && skills.some((skill) => skill.name === remembered)) await show(remembered);
      else replaceChildren(detail);
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

function renderDetail(target: HTMLElement, skill: SkillDetail, lineage: SkillLineage, show: (name: string, version?: number) => Promise<void>, refresh: () => Promise<void>): void {
  const status = el('div', { class: 'status', attrs: { role: 'status' } });
  const act = (action: 'approve' | 'disable' | 'rollback', version?: number): void => {
    replaceChildren(status);
    // The host asks for confirmation (a modal, with the safety findings for approve): a message from
    // the webview alone changes nothing.
    request('skillAction', version === undefined ? { name: skill.name, action } : { name: skill.name, action, version })
      .then(() => refresh())
      .catch((error: unknown) => {
        if (!PanelError.is(error, 'cancelled')) replaceChildren(status, errorLine(error));
      });
  };
  const { safety } = lineage;
  const secret = safety?.hasSecret === true;
  const current = lineage.versions.find((version) => version.current);
  const approveTitle = skill.status === 'active' ? 'Already active' : secret ? 'It holds a secret: it cannot be approved' : safety?.findings.length ? 'Shows the safety findings, then asks you to confirm' : 'Asks you to confirm';
  replaceChildren(
    target,
    el('h3', {}, skill.name, ' ', el('vscode-badge', { class: `status-${skill.status}` }, skill.status), ' ', el('span', { class: 'meta' }, `${skill.kind} · current v${skill.version}`)),
    el(
      'div',
      { class: 'actions' },
      el('vscode-button', { attrs: { disabled: skill.status === 'active' || secret, id: 'skill-approve', title: approveTitle }, on: { click: () => act('approve', skill.version) } }, 'Approve…'),
      el('vscode-button', { attrs: { secondary: true, disabled: skill.status === 'retired', id: 'skill-disable' }, on: { click: () => act('disable') } }, 'Disable…'),
      current ? provenanceLine(current) : null,
    ),
    status,
    ...lineage.problems.map((problem) => el('p', { class: 'error problem' }, `Could not read ${problem}`)),
    el(
      'div',
      { class: 'skill-body' },
      el(
        'div',
        { class: 'skill-evidence' },
        safety ? safetySection(safety) : null,
        versionsSection(lineage.versions, skill.shownVersion, (version) => void show(skill.name, version), (version) => act('rollback', version)),
        evolutionSection(lineage.evolution, lineage.evolutionTotal),
        historySection(lineage.history, lineage.historyTotal),
      ),
      el(
        'div',
        { class: 'skill-text' },
        el('h4', {}, `SKILL.md of v${skill.shownVersion}`, skill.shownVersion === skill.version ? ' (current)' : ''),
        // Repository text: shown verbatim as text, never parsed as HTML or Markdown.
        el('pre', { class: 'skill-markdown', attrs: { 'aria-label': `SKILL.md of ${skill.name} v${skill.shownVersion}` } }, skill.markdown),
      ),
    ),
  );
}
