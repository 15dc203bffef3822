import { KEPT_READER_MAX_BYTES, keptBlobReader } from '../git/keptBlobReader.ts';
import { mineHistory } from './miner.ts';
import { Repository } from '../git/repository.ts';

/**
 * For a long-lived process that serves one store (the MCP server): before memory is used, what was
 * committed on the mined branch since the last use is mined (mineHistory's onlyNew), so an agent
 * that commits and then recalls finds its commit. Asking git for HEAD goes through the kept
 * `cat-file` (well under a millisecond); mining happens only when HEAD moved. A HEAD the follow
 * leaves alone (mineHistory's onlyNew: another branch, a long rewrite) is said once and not looked
 * at again until it moves.
 */
export class HeadFollower {
  private elsewhere: string | undefined;
  /** Opened once: each follow then starts no git process to find the repository again. */
  private repository: Repository | undefined;

  constructor(
    private readonly repoRoot: string,
    private readonly storeDir: string,
    private readonly onNote: (note: string) => void,
  ) {}

  /** True when commits were mined (the caller reloads). Never throws: memory as it is still answers. */
  async catchUp(minedHead: string | undefined): Promise<boolean> {
    if (!minedHead) return false;
    try {
      const head = (await keptBlobReader(this.repoRoot, KEPT_READER_MAX_BYTES).lookup('HEAD'))?.id;
      if (!head || head === minedHead || head === this.elsewhere) return false;
      this.repository ??= await Repository.open(this.repoRoot);
      const result = await mineHistory(this.repository, { storeDir: this.storeDir, onlyNew: true });
      if (result.followed === 'elsewhere') {
        this.elsewhere = head;
        this.onNote(`HEAD (${head.slice(0, 10)}) is not on the branch memory follows (another branch, a detached HEAD, or a rewrite that would forget many mined commits): memory is left as it is; run \`coevolve mine\` to mine this line (it forgets mined commits that are not on it).`);
      }
      if (result.followed !== 'new-commits' && result.followed !== 'rewritten') return false;
      for (const notice of result.notices) this.onNote(notice);
      this.onNote(`mined ${result.mined} new commit(s) of the followed branch in ${Math.round(result.durationMs)} ms`);
      return true;
    } catch (error) {
      this.onNote(`could not mine the new commits (memory answers as it was): ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
