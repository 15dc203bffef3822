import { CoevolveError } from '../core/errors.ts';
import { recordRunOutcome } from '../core/learning/runOutcome.ts';
import type { RequestHandlers, RunRow } from '../protocol/memoryPanel.ts';
import { runsQueryFor } from './runsQuery.ts';

// The Runs tab's requests, in core terms. No `vscode`: the panel host passes in what the list hides
// (runs shown live) and how the user confirms a decision (a modal, in the editor).

export interface RunsHandlerOptions {
  /** Run ids shown live at the top of the tab, left out of the list until they end. */
  live(): ReadonlySet<string>;
  /** Asks the user; false when they did not confirm. */
  confirmFeedback(run: RunRow, outcome: 'accepted' | 'rejected'): Promise<boolean>;
}

export function runsHandlers(storeDir: () => Promise<string>, options: RunsHandlerOptions): Pick<RequestHandlers, 'listRuns' | 'runFeedback'> {
  return {
    async listRuns({ filter, offset, limit }) {
      return runsQueryFor(await storeDir()).page(filter, offset, limit, options.live());
    },

    async runFeedback({ runId, outcome }) {
      const dir = await storeDir();
      const query = runsQueryFor(dir);
      const run = await query.run(runId);
      if (!run) throw new CoevolveError('bad-input', `There is no run ${runId}.`);
      // The page only offers it on such rows; the host holds the rule, not the page.
      if (!run.decidable || options.live().has(runId)) {
        throw new CoevolveError('bad-input', run.decision ? `Run ${runId} was already decided (${run.decision}).` : `Run ${runId} is not a finished task of yours waiting for a decision.`);
      }
      if (!(await options.confirmFeedback(run, outcome))) throw new CoevolveError('cancelled', 'Cancelled.');
      await recordRunOutcome(dir, runId, outcome);
      const decided = await query.run(runId);
      if (!decided) throw new CoevolveError('bad-input', `Run ${runId} is gone.`);
      return { run: decided };
    },
  };
}
