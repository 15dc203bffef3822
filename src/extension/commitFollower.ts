import * as vscode from 'vscode';
import { CoevolveError } from '../core/errors.ts';
import { mineHistory } from '../core/mining/miner.ts';
import { resolveWorkspace } from '../core/workspace.ts';
import { REFRESH_MEMORY_STATUS } from './memoryStatus.ts';
import { oneMineAtATime } from './miningQueue.ts';
import type { Host } from './vscodeHost.ts';

/**
 * Mines the commits made on top of a mined repository's history as they appear (headWatch.ts says
 * when), in the background: a spinner in the status bar, a line in the log, the count updated. It
 * never mines a repository for the first time, follows only the branch that was mined, and forgets
 * only what an amend or a short rebase of that branch replaced (mineHistory's onlyNew).
 */
export class CommitFollower implements vscode.Disposable {
  private readonly controller = new AbortController();
  /** Per folder: a follow asked for while one runs is run once after it (a burst of commits is one catch-up). */
  private readonly again = new Set<string>();
  private readonly running = new Set<string>();
  /** Per store, the mined head for which "HEAD is elsewhere" was said: once, not on every commit made there. */
  private readonly toldElsewhere = new Map<string, string>();

  constructor(private readonly host: Host) {}

  async follow(folder: string): Promise<void> {
    if (this.running.has(folder)) {
      this.again.add(folder);
      return;
    }
    this.running.add(folder);
    try {
      do {
        this.again.delete(folder);
        await this.catchUp(folder);
      } while (this.again.has(folder) && !this.controller.signal.aborted);
    } finally {
      this.running.delete(folder);
    }
  }

  private async catchUp(folder: string): Promise<void> {
    try {
      const storePath = this.host.setting<string>('storePath') || undefined;
      const maxCommits = this.host.setting<number>('mining.maxCommits') ?? 0;
      const workspace = await resolveWorkspace(folder, storePath, { requireGit: true });
      const result = await oneMineAtATime(workspace.storeDir, async () =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Co-evolve: learning from new commits' }, () =>
          mineHistory(workspace.repository ?? workspace.root, { storeDir: workspace.storeDir, onlyNew: true, signal: this.controller.signal, ...(maxCommits > 0 ? { maxCommits } : {}) }),
        ),
      );
      if (result.followed === 'new-commits' || result.followed === 'rewritten') {
        this.toldElsewhere.delete(workspace.storeDir);
        this.host.log.info(`Followed ${result.mined} new commit(s) of ${workspace.root} in ${Math.round(result.durationMs)} ms; ${result.experiences} experiences.`);
        for (const notice of result.notices) this.host.log.info(notice);
        await vscode.commands.executeCommand(REFRESH_MEMORY_STATUS).then(undefined, () => undefined);
      } else if (result.followed === 'elsewhere' && result.head !== undefined && this.toldElsewhere.get(workspace.storeDir) !== result.head) {
        this.toldElsewhere.set(workspace.storeDir, result.head);
        this.host.log.info(
          `HEAD of ${workspace.root} is not on the branch memory follows (another branch, a detached HEAD, or a rewrite that would forget many mined commits): memory is left as it is. ` +
            'Run "Co-evolve: Mine Project History" to mine this line instead (it forgets mined commits that are not on it).',
        );
      }
    } catch (error) {
      if (CoevolveError.is(error, 'cancelled')) return;
      // In the background: the log says why, and the next commit (or the command) tries again.
      this.host.log.warn(`Following new commits in ${folder} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    this.controller.abort();
  }
}
