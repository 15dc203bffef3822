import * as vscode from 'vscode';
import type { HostMessage, RunRow } from '../protocol/memoryPanel.ts';
import type { LiveRuns } from './runsLive.ts';

// The Runs tab's editor side: live runs forwarded to the open panel, and the user's confirmation of
// a decision. The confirmation is the host's: a webview message alone cannot record an outcome.

/** Posts every change of a live run to the panel while it is open. */
export function forwardLiveRuns(live: LiveRuns, post: (message: HostMessage) => void): vscode.Disposable {
  return live.subscribe((change) => {
    if (change.type === 'run') post({ type: 'notify', name: 'liveRun', params: change.run });
    else if (change.type === 'event') post({ type: 'notify', name: 'runEvent', params: { key: change.key, event: change.event } });
    else post({ type: 'notify', name: 'runEnded', params: { key: change.key, ...(change.runId ? { runId: change.runId } : {}) } });
  });
}

export async function confirmRunFeedback(run: RunRow, outcome: 'accepted' | 'rejected'): Promise<boolean> {
  const verified = run.status === 'passed';
  const label = outcome === 'accepted' ? 'Accept' : 'Reject';
  const detail =
    outcome === 'rejected'
      ? 'It is kept as a rejected fix (evidence, never guidance), and every memory and skill it used counts it against them.'
      : verified
        ? 'This does not apply its patch (Open Patch shows it): accept it if you applied the change yourself. It becomes guidance for later tasks, and every memory and skill it used is credited.'
        : `Its checks did not pass (${run.status}), so it is kept as evidence only and the memories it used are not credited. This does not apply its patch.`;
  const choice = await vscode.window.showWarningMessage(`${label} the run "${run.task}"?`, { modal: true, detail }, label);
  return choice === label;
}
