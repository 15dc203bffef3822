import type { SolveEvent } from '../core/agents/events.ts';

/** Every SolveEvent but `run`, which identifies the run rather than reporting progress. */
export type PanelSolveEvent = Exclude<SolveEvent, { type: 'run' }>;
import { MAX_LIVE_EVENTS } from '../protocol/memoryPanel.ts';
import type { LiveRun, RunEvent } from '../protocol/memoryPanel.ts';

// The solves running in this window, for the Runs tab: the solve command reports each SolveEvent
// here as well as to its notification, and an open panel listens. No `vscode` here, and nothing
// heavy: it lives in dist/features.cjs with the command, and costs nothing while no panel listens.

export type LiveChange =
  | { type: 'run'; run: LiveRun }
  | { type: 'event'; key: string; event: RunEvent }
  | { type: 'ended'; key: string; runId?: string };

/** One solve as the command drives it. */
export interface LiveRunHandle {
  /** The run's folder under <store>/runs, once known. */
  identify(runId: string | undefined): void;
  report(event: PanelSolveEvent): void;
  /** The team is done; the change waits for the user's Apply / Discard. */
  propose(runId: string): void;
  /** Over, however it ended: from now on the run is a row of the list. Safe to call twice. */
  end(): void;
}

export class LiveRuns {
  private readonly runs = new Map<string, LiveRun>();
  private readonly listeners = new Set<(change: LiveChange) => void>();
  private next = 1;

  start(task: string): LiveRunHandle {
    const key = `live-${this.next++}`;
    const run: LiveRun = { key, task: clip(task.split('\n')[0]?.trim() || '(no task)', 300), startedAt: Date.now(), state: 'running', events: [] };
    this.runs.set(key, run);
    this.emit({ type: 'run', run });
    const live = (): LiveRun | undefined => this.runs.get(key);
    return {
      identify: (runId) => {
        const current = live();
        if (!current || !runId || current.runId === runId) return;
        current.runId = runId;
        this.emit({ type: 'run', run: current });
      },
      report: (event) => {
        const current = live();
        if (!current) return;
        const shown = panelEvent(event);
        current.events.push(shown);
        // The trajectory on disk keeps everything; the panel needs the recent past.
        if (current.events.length > MAX_LIVE_EVENTS) current.events.splice(0, current.events.length - MAX_LIVE_EVENTS);
        this.emit({ type: 'event', key, event: shown });
      },
      propose: (runId) => {
        const current = live();
        if (!current) return;
        Object.assign(current, { runId, state: 'proposed', proposedAt: Date.now() });
        this.emit({ type: 'run', run: current });
      },
      end: () => {
        const current = live();
        if (!current) return;
        this.runs.delete(key);
        this.emit({ type: 'ended', key, ...(current.runId ? { runId: current.runId } : {}) });
      },
    };
  }

  /** Every live run, oldest first (the protocol carries at most 20). */
  snapshot(): LiveRun[] {
    return [...this.runs.values()].slice(-20);
  }

  /** Run ids the list leaves out: they are shown live. */
  runIds(): Set<string> {
    return new Set([...this.runs.values()].flatMap((run) => (run.runId ? [run.runId] : [])));
  }

  subscribe(listener: (change: LiveChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  private emit(change: LiveChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

/** A SolveEvent as the protocol carries it: strings clipped to its bounds, the plan cut to what is shown. */
export function panelEvent(event: PanelSolveEvent): RunEvent {
  switch (event.type) {
    case 'stage':
      return { type: 'stage', stage: event.stage, ...(event.round !== undefined ? { round: event.round } : {}), ...(event.detail ? { detail: clip(event.detail, 500) } : {}) };
    case 'checks':
      return { type: 'checks', checks: event.checks.slice(0, 20).map((c) => ({ id: clip(c.id, 100), command: clip(c.command, 300) })), notes: event.notes.slice(0, 10).map((note) => clip(note, 500)) };
    case 'check':
      return { type: 'check', phase: event.phase, round: event.round, id: clip(event.id, 100), status: clip(event.status, 40), durationMs: Math.max(0, event.durationMs), failures: Math.max(0, Math.floor(event.failures)) };
    case 'plan':
      return {
        type: 'plan',
        summary: clip(event.plan.summary, 1_000),
        steps: event.plan.steps.slice(0, 20).map((step) => clip(step.description, 300)),
        team: { generator: clip(event.team.generator ?? '', 200), implementer: clip(event.team.implementer ?? '', 200), rectifier: clip(event.team.rectifier ?? '', 200) },
      };
    case 'tool':
      return { type: 'tool', round: event.round, name: clip(event.name, 100), detail: clip(event.detail, 300), ok: event.ok };
    case 'verdict':
      return { type: 'verdict', round: event.round, ok: event.ok, evidence: event.evidence, text: clip(event.text, 2_000) };
    case 'diagnosis':
      return { type: 'diagnosis', round: event.round, trigger: event.trigger, strategy: clip(event.strategy, 40), rootCause: clip(event.rootCause, 1_000) };
    case 'note':
      return { type: 'note', text: clip(event.text, 1_000) };
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
