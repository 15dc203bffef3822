import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository holding `folder`: its root, its git folder and the common one (they differ in a linked worktree). */
export function gitDirsOf(folder: string): { root: string; dir: string; common: string } | undefined {
  try {
    return findGitDirs(folder);
  } catch {
    // An unreadable folder on the way up: nothing to watch, and mining by command says why.
    return undefined;
  }
}

function findGitDirs(folder: string): { root: string; dir: string; common: string } | undefined {
  for (let at = resolve(folder); ; at = dirname(at)) {
    const dotGit = join(at, '.git');
    const kind = statSync(dotGit, { throwIfNoEntry: false });
    if (kind?.isDirectory()) return { root: at, dir: dotGit, common: dotGit };
    if (kind?.isFile()) {
      // A linked worktree or a submodule: `.git` is a file that says where the git folder is.
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
      if (!pointer) return undefined;
      const dir = resolve(at, pointer);
      const commonFile = join(dir, 'commondir');
      const common = existsSync(commonFile) ? resolve(dir, readFileSync(commonFile, 'utf8').trim()) : dir;
      return { root: at, dir, common };
    }
    if (dirname(at) === at) return undefined;
  }
}
