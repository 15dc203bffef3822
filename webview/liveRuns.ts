import { MAX_LIVE_EVENTS } from '../src/protocol/memoryPanel.ts';
import type { LiveRun, RunEvent } from '../src/protocol/memoryPanel.ts';
import { onNotification } from './rpc.ts';

// The solves running in the editor, as the host streams them: a whole state when a run starts,
// learns its id or waits for the user's decision, one event at a time in between, and every run
// again after "ready" (the page is rebuilt whenever the panel is shown again).

export type LiveChange = { type: 'all' } | { type: 'run'; run: LiveRun } | { type: 'event'; run: LiveRun; event: RunEvent } | { type: 'ended'; key: string; runId?: string | undefined };

const runs = new Map<string, LiveRun>();
const listeners: Array<(change: LiveChange) => void> = [];

function emit(change: LiveChange): void {
  for (const listener of listeners) listener(change);
}

onNotification('liveRuns', ({ runs: all }) => {
  runs.clear();
  for (const run of all) runs.set(run.key, run);
  emit({ type: 'all' });
});
onNotification('liveRun', (run) => {
  runs.set(run.key, run);
  emit({ type: 'run', run });
});
onNotification('runEvent', ({ key, event }) => {
  const run = runs.get(key);
  // An event of a run this page never heard of: the next "liveRuns" or "liveRun" brings it whole.
  if (!run) return;
  run.events.push(event);
  if (run.events.length > MAX_LIVE_EVENTS) run.events.splice(0, run.events.length - MAX_LIVE_EVENTS);
  emit({ type: 'event', run, event });
});
onNotification('runEnded', ({ key, runId }) => {
  runs.delete(key);
  emit({ type: 'ended', key, runId });
});

/** Oldest first. */
export function liveRuns(): LiveRun[] {
  return [...runs.values()];
}

export function onLiveChange(listener: (change: LiveChange) => void): void {
  listeners.push(listener);
}
