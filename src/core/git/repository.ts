import { simpleGit, GitError } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { CoevolveError } from '../errors.ts';
import { NEUTRAL_GIT_CONFIG } from './gitRunner.ts';
import { statIfPresent } from '../util/fsProbe.ts';

export { NEUTRAL_GIT_CONFIG };

export interface CommitRef {
  sha: string;
  commitTime: number;
}

/** The few git questions the miner asks, answered through simple-git. */
export class Repository {
  private constructor(
    readonly root: string,
    private readonly git: SimpleGit,
  ) {}

  /** Opens the repository that contains `path`; a clear `not-a-git-repo` error otherwise. */
  static async open(path: string): Promise<Repository> {
    const info = await statIfPresent(path);
    if (!info) throw new CoevolveError('not-a-git-repo', `${path} does not exist.`);
    if (!info.isDirectory()) throw new CoevolveError('not-a-git-repo', `${path} is not a folder.`);
    const probe = simpleGit({ baseDir: path, config: NEUTRAL_GIT_CONFIG, errors: strictErrors });
    let root: string;
    try {
      // One process for both answers (every command opens a repository): git fails outside a work
      // tree (a plain folder, a bare repository, the .git folder), else prints "true" and the root.
      const answer = await probe.raw(['rev-parse', '--is-inside-work-tree', '--show-toplevel']);
      if (!answer.startsWith('true\n')) throw notARepo(path);
      // The rest is the root, whatever it holds (a folder name may have a newline in it).
      root = answer.slice('true\n'.length).replace(/\n$/, '');
    } catch (error) {
      if (CoevolveError.is(error)) throw error;
      throw notARepo(path, error);
    }
    if (!root) throw new CoevolveError('not-a-git-repo', `${path} is inside a bare git repository; Co-evolve needs a working tree.`);
    return new Repository(root, simpleGit({ baseDir: root, config: NEUTRAL_GIT_CONFIG, maxConcurrentProcesses: 4, errors: strictErrors }));
  }

  /** HEAD's sha, or undefined for a repository without commits. */
  async head(): Promise<string | undefined> {
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The branch HEAD is on (`refs/heads/main`), or undefined when it is detached. */
  async branch(): Promise<string | undefined> {
    try {
      return (await this.git.raw(['symbolic-ref', '-q', 'HEAD'])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async isShallow(): Promise<boolean> {
    return (await this.run(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  }

  async exists(sha: string): Promise<boolean> {
    try {
      await this.git.raw(['cat-file', '-e', `${sha}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.git.raw(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch (error) {
      // Exit 1 means "no"; anything else (a missing object) is also "no" for the caller's purpose.
      if (error instanceof GitError) return false;
      throw error;
    }
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    try {
      return (await this.git.raw(['merge-base', a, b])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Number of commits on the first-parent chain ending at `sha`, itself included. */
  async firstParentDepth(sha: string): Promise<number> {
    return Number((await this.run(['rev-list', '--count', '--first-parent', sha, '--'])).trim());
  }

  /**
   * How many first-parent steps lead from `tip` down to `ancestor`, or undefined when `ancestor`
   * is not on `tip`'s first-parent line (history was rewritten, or it was only merged in).
   * Walks only the commits in between, unlike a depth count from the root.
   */
  async firstParentDistance(tip: string, ancestor: string): Promise<number | undefined> {
    try {
      const count = Number((await this.git.raw(['rev-list', '--count', '--first-parent', tip, `^${ancestor}`, '--'])).trim());
      const landed = (await this.git.raw(['rev-parse', '--verify', '--quiet', `${tip}~${count}^{commit}`])).trim();
      return landed === ancestor ? count : undefined;
    } catch {
      return undefined;
    }
  }

  /** Resolves a sha, branch, tag or other revision to a commit. */
  async resolve(revision: string): Promise<CommitRef | undefined> {
    try {
      const out = (await this.git.raw(['log', '-1', '--format=%H %ct', '--end-of-options', revision, '--'])).trim();
      const [sha, time] = out.split(' ');
      return sha ? { sha, commitTime: Number(time) } : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The newest commit strictly before a point: the first parent of a commit, or the last
   * first-parent commit of HEAD before a date. Undefined when nothing came before.
   */
  async lastCommitBefore(point: string): Promise<string | undefined> {
    const commit = await this.resolve(point);
    if (commit) return this.firstParent(commit.sha);
    const time = Date.parse(point);
    if (Number.isNaN(time)) return undefined;
    const out = await this.run(['rev-list', '-1', '--first-parent', `--before=${Math.floor(time / 1000) - 1}`, 'HEAD', '--']);
    return out.trim() || undefined;
  }

  /** The first parent of `sha`, or undefined for a root (or a shallow boundary). */
  async firstParent(sha: string): Promise<string | undefined> {
    const out = (await this.run(['rev-list', '--parents', '-n', '1', sha, '--'])).trim().split(' ');
    return out[1];
  }

  /** Shas on the first-parent chain from `tip` down to (not including) `stop`. */
  async firstParentShas(tip: string, stop?: string): Promise<string[]> {
    const args = ['rev-list', '--first-parent', tip];
    if (stop) args.push(`^${stop}`);
    args.push('--');
    return (await this.run(args)).split('\n').filter(Boolean);
  }

  private async run(args: string[]): Promise<string> {
    try {
      return await this.git.raw(args);
    } catch (error) {
      throw new CoevolveError('git-failed', `git ${args[0]} failed: ${error instanceof Error ? error.message.trim() : String(error)}`, { cause: error });
    }
  }
}

/**
 * simple-git only fails a command that wrote to stderr; `merge-base --is-ancestor` and
 * `cat-file -e` answer "no" with a silent exit 1, which must not read as "yes".
 */
function strictErrors(error: Buffer | Error | undefined, result: { exitCode: number }): Buffer | Error | undefined {
  if (error) return error;
  return result.exitCode === 0 ? undefined : new Error(`git exited with code ${result.exitCode}`);
}

function notARepo(path: string, cause?: unknown): CoevolveError {
  return new CoevolveError('not-a-git-repo', `${path} is not inside a git repository.`, {
    hint: 'Open a folder that is under git (run `git init` to start one), or pass the path of one.',
    cause,
  });
}
