import type { LiveRun, RunEvent } from '../src/protocol/memoryPanel.ts';
import { el, replaceChildren } from './dom.ts';
import { notify } from './rpc.ts';

type Stage = Extract<RunEvent, { type: 'stage' }>;

const STAGES: Record<Stage['stage'], string> = {
  memory: 'Recall memory',
  sandbox: 'Open sandbox',
  baseline: 'Checks before',
  plan: 'Plan',
  implement: 'Implement',
  verify: 'Verify',
  rectify: 'Diagnose',
  done: 'Done',
};

/**
 * A run in progress at the top of the Runs tab: its stages so far (the current one spinning), and its
 * events as they come, newest at the bottom. Everything shown is text from the model or the project:
 * text nodes only.
 */
export function liveRunCard(initial: LiveRun): { element: HTMLElement; update(run: LiveRun): void; add(event: RunEvent): void; dispose(): void } {
  let run = initial;
  const title = el('span', { class: 'task' });
  const elapsed = el('span', { class: 'elapsed' });
  const stages = el('ol', { class: 'stages', attrs: { 'aria-label': 'Stages' } });
  const state = el('p', { class: 'live-state', attrs: { role: 'status' } });
  const log = el('ol', { class: 'live-log', attrs: { 'aria-label': 'Events', 'aria-live': 'polite' } });
  const openLog = el('vscode-button', { attrs: { secondary: true, class: 'live-open-log' }, on: { click: () => run.runId && notify('openRunFile', { runId: run.runId, file: 'log' }) } }, 'Open Log');
  const element = el(
    'article',
    { class: 'live-run', attrs: { 'data-key': run.key } },
    el('div', { class: 'title' }, el('vscode-progress-ring', { class: 'spinner', attrs: { 'aria-label': 'Running' } }), title, elapsed, openLog),
    stages,
    state,
    log,
  );
  const tick = (): void => {
    const seconds = Math.max(0, Math.round(((run.proposedAt ?? Date.now()) - run.startedAt) / 1000));
    const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    replaceChildren(elapsed, run.proposedAt ? `took ${clock}` : clock);
  };
  const timer = setInterval(tick, 1000);

  const render = (): void => {
    element.setAttribute('data-state', run.state);
    if (run.runId) element.setAttribute('data-run-id', run.runId);
    replaceChildren(title, run.task);
    openLog.toggleAttribute('disabled', !run.runId);
    element.querySelector('.spinner')?.toggleAttribute('hidden', run.state !== 'running');
    renderStages(stages, run);
    replaceChildren(state, run.state === 'proposed' ? 'The team is done: the change waits for your decision (Apply or Discard in its notification).' : null);
    replaceChildren(log, ...run.events.map(eventLine));
    // The newest event in view, once the card is laid out (a rebuilt page shows a run mid-way).
    requestAnimationFrame(() => (log.scrollTop = log.scrollHeight));
    tick();
  };
  render();
  return {
    element,
    update(next) {
      run = next;
      render();
    },
    add(event) {
      // The event is already in run.events (the live list keeps it); only what it changes is redrawn.
      const stuck = log.scrollHeight - log.scrollTop - log.clientHeight < 8;
      if (event.type === 'stage') renderStages(stages, run);
      log.append(eventLine(event));
      while (log.childElementCount > run.events.length) log.firstElementChild?.remove();
      // Follows the newest event unless the user scrolled up to read.
      if (stuck) log.scrollTop = log.scrollHeight;
    },
    dispose() {
      clearInterval(timer);
    },
  };
}

function renderStages(target: HTMLElement, run: LiveRun): void {
  const reached = run.events.filter((event): event is Stage => event.type === 'stage' && event.stage !== 'done');
  const finished = run.state === 'proposed';
  replaceChildren(
    target,
    ...reached.map((stage, i) => {
      const current = !finished && i === reached.length - 1;
      const label = `${stage.round && stage.stage !== 'plan' ? `Round ${stage.round}: ` : ''}${STAGES[stage.stage]}`;
      return el('li', { class: current ? 'current' : 'done', attrs: { 'data-stage': stage.stage } }, current ? '… ' : '✓ ', label);
    }),
  );
}

function eventLine(event: RunEvent): HTMLElement {
  const line = (kind: string, ...text: string[]): HTMLElement => el('li', { class: `event ${kind}` }, ...text);
  switch (event.type) {
    case 'stage':
      return line('stage', `▸ ${event.round && event.stage !== 'plan' ? `Round ${event.round}: ` : ''}${STAGES[event.stage]}${event.detail ? ` — ${event.detail}` : ''}`);
    case 'checks':
      return line('checks', event.checks.length ? `checks: ${event.checks.map((c) => `${c.id} (${c.command})`).join(', ')}` : 'no checks found', ...event.notes.map((note) => ` · ${note}`));
    case 'check':
      return line(`check ${event.status}`, `${event.phase === 'before' ? 'before' : 'after'} ${event.id}: ${event.status}${event.failures ? `, ${event.failures} failure${event.failures === 1 ? '' : 's'}` : ''} (${(event.durationMs / 1000).toFixed(1)} s)`);
    case 'plan':
      return line('plan', `plan: ${event.summary}`, ...event.steps.map((step, i) => `\n  ${i + 1}. ${step}`));
    case 'tool':
      return line(event.ok ? 'tool' : 'tool failed', `${event.ok ? '·' : '✗'} ${event.name} ${event.detail}`);
    case 'verdict': {
      if (event.ok) return line(event.evidence === 'proven' ? 'verdict ok' : 'verdict unproven', `${event.evidence === 'proven' ? '✓' : '~'} ${event.text.split('\n')[0] ?? ''}`);
      const [headline, ...details] = event.text.split('\n').filter((text) => text.trim() !== '');
      return line('verdict failed', `checks fail — ${headline}`, ...details.map((detail) => `\n${detail}`));
    }
    case 'diagnosis':
      return line('diagnosis', `rectifier (${event.trigger === 'budget' ? 'over budget' : 'checks failed'}): ${event.strategy} — ${event.rootCause}`);
    case 'note':
      return line('note', `note: ${event.text}`);
  }
}
