import { SOLVE_STATUSES } from '../src/protocol/memoryPanel.ts';
import type { RunRow } from '../src/protocol/memoryPanel.ts';
import { el, errorLine, replaceChildren } from './dom.ts';
import { fileLink } from './experienceCard.ts';
import { notify, PanelError, request } from './rpc.ts';

/**
 * The list of runs, one item each: status, task and when on the first line; what it did, the user's
 * decision (or the buttons that record one) and its log and patch on the second. It wraps rather
 * than clips, so the panel reads the same docked narrow or wide.
 */
export function runsList(runs: RunRow[], status: HTMLElement): HTMLElement {
  return el('ul', { class: 'run-items', attrs: { 'aria-label': 'Runs, newest first' } }, ...runs.map((run) => runItem(run, status)));
}

function runItem(run: RunRow, status: HTMLElement): HTMLElement {
  const item: HTMLElement = el(
    'li',
    { class: 'run', attrs: { 'data-run-id': run.id, 'data-status': run.status, 'data-decision': run.decision ?? (run.decidable ? 'undecided' : 'none') } },
    el(
      'div',
      { class: 'line' },
      el('vscode-badge', { class: `run-status status-${run.status}`, attrs: { title: run.reason || run.status } }, run.status),
      run.evidence ? el('span', { class: `run-evidence evidence-${run.evidence}`, attrs: { title: run.reason } }, run.evidence === 'proven' ? 'proven' : 'not proven') : null,
      el('span', { class: 'run-task', attrs: { title: `${run.task}\n${run.id}` } }, run.task),
      el('span', { class: 'when', attrs: { title: new Date(run.time).toString() } }, when(run.time)),
    ),
    el(
      'div',
      { class: 'line details' },
      el('span', { class: 'meta' }, ...meta(run)),
      el('span', { class: 'run-decision' }, ...decision(run, (decided) => item.replaceWith(runItem(decided, status)), status)),
      el(
        'span',
        { class: 'run-actions' },
        el('vscode-button', { attrs: { secondary: true, class: 'run-open-log', disabled: !run.hasLog, title: 'Open trajectory.jsonl: every model call, tool call and check' }, on: { click: () => notify('openRunFile', { runId: run.id, file: 'log' }) } }, 'Open Log'),
        el('vscode-button', { attrs: { secondary: true, class: 'run-open-patch', disabled: !run.hasPatch, title: 'Open patch.diff' }, on: { click: () => notify('openRunFile', { runId: run.id, file: 'patch' }) } }, 'Open Patch'),
      ),
    ),
    // Why a run did not pass is worth a line; "the checks pass" is what the badge already says.
    run.reason && run.status !== 'passed' ? el('div', { class: 'reason', attrs: { title: run.reason } }, run.reason) : null,
  );
  return item;
}

function meta(run: RunRow): Array<HTMLElement | string> {
  const parts: Array<Array<HTMLElement | string>> = [];
  if (run.origin && run.origin !== 'user') parts.push([run.origin]);
  if (run.rounds) parts.push([`${run.rounds} round${run.rounds === 1 ? '' : 's'}`]);
  const first = run.files[0];
  if (first) parts.push([fileLink(first), run.fileCount > 1 ? ` +${run.fileCount - 1} more` : '']);
  else if (SOLVE_STATUSES.some((finished) => finished === run.status)) parts.push(['no change']);
  if (run.tokens) parts.push([usage(run)]);
  return parts.flatMap((part, i) => (i ? [' · ', ...part] : part));
}

/** The decision as a badge, or for a user's undecided run the buttons that record one. */
function decision(run: RunRow, replace: (decided: RunRow) => void, status: HTMLElement): HTMLElement[] {
  // Said in words: next to the checks' "passed", a bare "rejected" would read as the checks' verdict.
  if (run.decision) return [el('span', { class: `decided decided-${run.decision}` }, `${run.decision === 'accepted' ? '✓' : run.decision === 'rejected' ? '✗' : '✎'} ${run.decision} by you`)];
  if (!run.decidable) return [];
  const decide = (outcome: 'accepted' | 'rejected'): void => {
    replaceChildren(status);
    // The host asks for confirmation in a modal; the item changes only once the store says so.
    request('runFeedback', { runId: run.id, outcome })
      .then(({ run: decided }) => replace(decided))
      .catch((error: unknown) => {
        if (!PanelError.is(error, 'cancelled')) replaceChildren(status, errorLine(error));
      });
  };
  return [
    el('vscode-button', { attrs: { class: 'run-accept', title: 'Record that you accepted this change (it does not apply the patch)' }, on: { click: () => decide('accepted') } }, 'Accept'),
    el('vscode-button', { attrs: { secondary: true, class: 'run-reject', title: 'Record that you rejected this change' }, on: { click: () => decide('rejected') } }, 'Reject'),
  ];
}

function usage(run: RunRow): string {
  const tokens = run.tokens >= 10_000 ? `${Math.round(run.tokens / 1000)}k` : run.tokens >= 1_000 ? `${(run.tokens / 1000).toFixed(1)}k` : String(run.tokens);
  // No price known for some model: the cost is a lower bound, and nothing when it is all unknown.
  if (!run.costUsd) return `${tokens} tokens`;
  return `${tokens} tokens · ${run.costIncomplete ? '≥ ' : ''}$${run.costUsd.toFixed(run.costUsd < 1 ? 3 : 2)}`;
}

/** Today's runs by time, older ones by date and time, in the user's locale. */
function when(time: number): string {
  const date = new Date(time);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
