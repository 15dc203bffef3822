import type { EvolutionDecisionView, SkillHistoryView, SkillSafetyView, SkillVersionView, VersionStatsView } from '../src/protocol/memoryPanel.ts';
import { el } from './dom.ts';

// The parts of a skill's detail that show the evidence behind it: the safety scan, the versions
// (lineage and acceptance), the evolution decisions and the library's history. Text only: every
// string here comes from files in the store, written by models, people or other tools.

/** What the scan of the current version found: shown before anyone approves it. */
export function safetySection(safety: SkillSafetyView): HTMLElement {
  if (!safety.findings.length) return el('p', { class: 'safety clean' }, `Safety scan of v${safety.version}: nothing to review.`);
  return el(
    'section',
    { class: `safety findings${safety.hasSecret ? ' has-secret' : ''}`, attrs: { 'aria-label': 'Safety findings' } },
    el('h4', {}, `Safety scan of v${safety.version}: ${plural(safety.findings.length, 'finding')} to review before approving`),
    safety.hasSecret ? el('p', { class: 'error', attrs: { role: 'alert' } }, 'It holds a secret value, so it cannot be approved. Remove the value: a skill may name an environment variable, never hold its value.') : null,
    el('ul', { class: 'plain' }, ...safety.findings.map((finding) => el('li', { class: `finding kind-${finding.kind}` }, el('vscode-badge', {}, finding.kind), ' ', el('code', {}, finding.where), ` ${finding.detail}`))),
  );
}

/** Where the current version came from, on one line. */
export function provenanceLine(version: SkillVersionView): HTMLElement | null {
  const parts = provenanceParts(version);
  return parts.length ? el('span', { class: 'provenance', attrs: { title: `Provenance of v${version.version}` } }, `v${version.version}: ${parts.join(' · ')}`) : null;
}

/** For the versions table: where it came from, in a word or two (the cell's title has the rest). */
function shortProvenance(version: SkillVersionView): string {
  const { provenance } = version;
  const source = provenance?.source ?? (provenance?.imported ? 'import' : '—');
  return provenance?.runs?.length ? `${source}, ${plural(provenance.runs.length, 'run')}` : source;
}

function provenanceParts(version: SkillVersionView): string[] {
  const { provenance } = version;
  const parts: string[] = [];
  if (provenance?.source) parts.push(provenance.source);
  if (provenance?.imported) parts.push(`imported from ${provenance.imported}`);
  if (provenance?.runs?.length) parts.push(`from ${plural(provenance.runs.length, 'run')} (${provenance.runs.slice(0, 3).join(', ')}${provenance.runs.length > 3 ? ', …' : ''})`);
  if (provenance?.createdAt) parts.push(`created ${when(provenance.createdAt)}`);
  if (version.approvedBy) parts.push(`approved by ${version.approvedBy}`);
  return parts;
}

/** Every version with its parent, status and acceptance; view any, roll back to any but the current. */
export function versionsSection(versions: SkillVersionView[], shown: number, view: (version: number) => void, rollBack: (version: number) => void): HTMLElement {
  return el(
    'section',
    { class: 'lineage', attrs: { 'aria-label': 'Versions' } },
    el('h4', {}, `Versions (${versions.length})`),
    el(
      'table',
      { class: 'grid versions' },
      el('thead', {}, el('tr', {}, ...['Version', 'Parent', 'Status', 'Accepted', 'Provenance', ''].map((name) => el('th', {}, name)))),
      el(
        'tbody',
        {},
        // Newest first: the one most likely to be judged.
        ...[...versions].reverse().map((version) =>
          el(
            'tr',
            { class: `version-row${version.current ? ' current' : ''}${version.version === shown ? ' shown' : ''}`, attrs: { 'data-version': String(version.version) } },
            el('td', {}, el('strong', {}, `v${version.version}`), version.current ? el('span', { class: 'tag' }, 'current') : null),
            el('td', {}, version.parent ? `v${version.parent}` : '—'),
            el('td', {}, version.problem ? el('span', { class: 'error', attrs: { title: version.problem } }, 'unreadable') : el('vscode-badge', { class: `status-${version.status}` }, version.status)),
            el('td', { attrs: { title: `${version.stats.uses} uses: ${version.stats.accepted} accepted, ${version.stats.rejected} rejected` } }, acceptance(version.stats)),
            el('td', { class: 'provenance-cell', attrs: { title: [...provenanceParts(version), version.description].join('\n') } }, shortProvenance(version)),
            el(
              'td',
              { class: 'row-actions' },
              el('vscode-button', { attrs: { secondary: true, class: 'view-version', disabled: version.version === shown || Boolean(version.problem) }, on: { click: () => view(version.version) } }, 'View'),
              version.current
                ? null
                : el(
                    'vscode-button',
                    { attrs: { secondary: true, class: 'rollback-to', disabled: Boolean(version.problem), title: `Roll back to v${version.version}: it becomes current again (asks first)`, 'aria-label': `Roll back to v${version.version}` }, on: { click: () => rollBack(version.version) } },
                    'Roll Back…',
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The evolution loop's decisions about this skill: each candidate, its verdict and the replay evidence. */
export function evolutionSection(decisions: EvolutionDecisionView[], total: number): HTMLElement {
  return el(
    'section',
    { class: 'evolution', attrs: { 'aria-label': 'Evolution decisions' } },
    el('h4', {}, `Evolution decisions (${total})`),
    decisions.length
      ? el('ul', { class: 'plain decisions' }, ...decisions.map(evolutionItem))
      : el('p', { class: 'empty' }, 'None: this skill was not proposed by the evolution loop (written by hand, imported, or older than the decision log).'),
    total > decisions.length ? el('p', { class: 'empty' }, `The newest ${decisions.length} of ${total} are shown.`) : null,
  );
}

function evolutionItem(decision: EvolutionDecisionView): HTMLElement {
  const { proposal, saved } = decision;
  const what = proposal ? `${proposal.action} ${proposal.kind}` : 'no proposal';
  return el(
    'li',
    { class: `decision verdict-${decision.verdict}` },
    el(
      'div',
      { class: 'line' },
      el('vscode-badge', { class: `verdict verdict-${decision.verdict}` }, decision.verdict),
      el('span', { class: 'what' }, what, saved ? ` → saved as v${saved.version} (${saved.status})` : ''),
      el('span', { class: 'when' }, when(decision.at)),
    ),
    el(
      'div',
      { class: 'evidence' },
      decision.pairs ? `Replays: ${plural(decision.wins, 'win')}, ${plural(decision.losses, 'loss', 'losses')} in ${plural(decision.pairs, 'pair')}` : 'No replays',
      ' · ',
      decision.heldOut ? `Held-out: ${decision.heldOutPassedWith} of ${decision.heldOut} passed with it, ${decision.heldOutPassedWithout} without` : 'no held-out tasks',
      decision.safetyFindings ? ` · ${plural(decision.safetyFindings, 'safety finding')}` : '',
    ),
    el('div', { class: 'reason' }, el('span', { class: 'label' }, 'Reason: '), decision.reason),
    proposal?.rationale ? el('div', { class: 'meta', attrs: { title: 'The proposer\'s rationale' } }, `Why proposed: ${proposal.rationale}`) : null,
    el('div', { class: 'meta' }, decision.signature ? `Failure: ${decision.signature}` : '', decision.runs.length ? `${decision.signature ? ' · ' : ''}from ${plural(decision.runs.length, 'run')}: ${decision.runs.slice(0, 5).join(', ')}${decision.runs.length > 5 ? ', …' : ''}` : ''),
  );
}

/** The library's own log for this skill (skills/history.jsonl): versions, status changes, rollbacks. */
export function historySection(history: SkillHistoryView[], total: number): HTMLElement {
  return el(
    'section',
    { class: 'history', attrs: { 'aria-label': 'History' } },
    el('h4', {}, `History (${total})`),
    history.length
      ? el(
          'table',
          { class: 'grid history-table' },
          el('thead', {}, el('tr', {}, ...['When', 'Action', 'Reason'].map((name) => el('th', {}, name)))),
          el('tbody', {}, ...history.map((entry) => el('tr', {}, el('td', { class: 'when' }, when(entry.at)), el('td', { class: 'action' }, actionText(entry)), el('td', {}, entry.reason)))),
        )
      : el('p', { class: 'empty' }, 'No decisions recorded.'),
    total > history.length ? el('p', { class: 'empty' }, `The newest ${history.length} of ${total} are shown.`) : null,
  );
}

function actionText(entry: SkillHistoryView): string {
  const version = entry.version ? `v${entry.version}` : '';
  if (entry.action === 'version') return `new version ${version}`.trim();
  if (entry.action === 'rollback') return `rollback${entry.from ? ` v${entry.from}` : ''} → ${version}`;
  if (entry.action.startsWith('status:')) return `${version} ${entry.action.slice('status:'.length)}`.trim();
  return `${entry.action} ${version}`.trim();
}

function acceptance(stats: VersionStatsView): string {
  if (!stats.uses) return 'unused';
  return `${stats.accepted}/${stats.uses} (${Math.round((stats.accepted / stats.uses) * 100)}%)`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** An ISO time as "2025-01-31 14:05" (as written when it is not one). */
function when(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? iso.slice(0, 16).replace('T', ' ') : iso;
}
