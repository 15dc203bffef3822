import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real git repository in a temp folder, driven with real git commands. */
export class GitRepo {
  private clock = 1_600_000_000;

  constructor(readonly dir: string) {}

  static create(prefix = 'coevolve-test-'): GitRepo {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const repo = new GitRepo(dir);
    repo.git('init', '-q', '-b', 'main');
    repo.git('config', 'user.name', 'Test Author');
    repo.git('config', 'user.email', 'author@example.com');
    repo.git('config', 'commit.gpgsign', 'false');
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  gitBytes(args: string[]): Buffer {
    return execFileSync('git', args, { cwd: this.dir, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Writes (string/Buffer), deletes (null) files, stages everything and commits; returns the sha. */
  commit(message: string | Buffer, files: Record<string, string | Buffer | null> = {}, options: { allowEmpty?: boolean } = {}): string {
    for (const [path, content] of Object.entries(files)) this.write(path, content);
    this.git('add', '-A');
    const args = ['commit', '-q', '--no-verify'];
    if (options.allowEmpty) args.push('--allow-empty');
    if (Buffer.isBuffer(message)) {
      const file = join(this.dir, '.git', 'MSG');
      writeFileSync(file, message);
      args.push('-F', file);
    } else {
      args.push('-m', message);
    }
    execFileSync('git', args, { cwd: this.dir, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    return this.head();
  }

  write(path: string, content: string | Buffer | null): void {
    const full = join(this.dir, path);
    if (content === null) {
      unlinkSync(full);
      return;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  private env(): NodeJS.ProcessEnv {
    this.clock += 3600;
    const date = `${this.clock} +0000`;
    return { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_CONFIG_NOSYSTEM: '1', HOME: this.dir };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function tempDir(prefix = 'coevolve-tmp-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Temporary folders and repositories a test file makes, removed when it ends: `scratch` is a fresh
 * folder, `repoWith` a repository with one commit of `files`, `track` anything else to undo.
 */
export function scratchSpace(after: (fn: () => void) => void): { scratch: (prefix: string) => string; repoWith: (prefix: string, files: Record<string, string>) => GitRepo; track: (fn: () => void) => void } {
  const undo: Array<() => void> = [];
  after(() => undo.forEach((fn) => fn()));
  return {
    scratch: (prefix) => {
      const dir = tempDir(prefix);
      undo.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    repoWith: (prefix, files) => {
      const repo = GitRepo.create(prefix);
      undo.push(() => repo.remove());
      repo.commit('start', files);
      return repo;
    },
    track: (fn) => void undo.push(fn),
  };
}
