import { CHECKOUT_ATTRIBUTES, GitBatch } from './gitBatch.ts';
import { shellQuote, ShellLauncher } from './shellLauncher.ts';
import { gitFailure, runGitBytes, runGitWith, sandboxGit, sandboxGitArgv } from './sandboxGit.ts';
import { TreeBuilder } from './treeBuilder.ts';

/**
 * A sandbox's long-lived git processes, and how its git commands start: through the launcher
 * where there is one (no process start from Node, which forks all of Node and blocks its event
 * loop for ~5 ms), else directly. Each process is started where missing or ended, and a caller
 * asks for one only while it is usable.
 */
export class SandboxProcesses {
  /** Starts the checkpoints' git commands without a process start from Node (POSIX). */
  private shell: ShellLauncher | undefined;
  /** Object contents (`cat-file --batch`): blobs for putting files back, folders for the builder. */
  private blobs: GitBatch | undefined;
  /** Attributes (`check-attr`) for putting files back. */
  private attributes: GitBatch | undefined;
  /** Writes checkpoint trees without the index (see TreeBuilder). */
  private builder: TreeBuilder | undefined;
  /** Whether git takes a file's executable bit from the file (core.fileMode), as TreeBuilder does. */
  private fileMode: Promise<boolean> | undefined;
  /** Whether core.autocrlf makes checkout rewrite line endings (then files are put back by git). */
  private autocrlf: Promise<boolean> | undefined;

  constructor(
    private readonly root: string,
    private readonly jobsDir: string,
  ) {}

  /** The launcher, where one was started (git commands that take a launcher go through it). */
  get launcher(): ShellLauncher | undefined {
    return this.shell;
  }

  /**
   * (Re)starts what is missing or ended: the launcher, the object reader and the tree builder for
   * every staging, and with `forPuttingBack` the attribute reader too (resets need it). The first
   * reset (after the baseline checks) starts them all, so the rounds that follow find them ready.
   */
  start(forPuttingBack: boolean): void {
    if (this.shell === undefined || !this.shell.usable) {
      this.shell?.close();
      this.shell = ShellLauncher.start(this.root, this.jobsDir, ['git', ...sandboxGitArgv([])]);
    }
    if (!this.blobs?.usable) {
      this.blobs?.close();
      this.blobs = GitBatch.start(this.root, ['cat-file', '--batch']);
    }
    if (!this.builder?.usable) {
      this.builder?.close();
      // The builder reads folders through the same cat-file that files are put back from.
      this.builder = TreeBuilder.start(this.root, this.blobs);
    }
    this.fileMode ??= this.git(['config', '--bool', '--get', 'core.fileMode'], undefined).then(
      (value) => value.trim() !== 'false',
      // Not set: git's default, true.
      () => true,
    );
    if (!forPuttingBack) return;
    if (!this.attributes?.usable) {
      this.attributes?.close();
      this.attributes = GitBatch.start(this.root, ['check-attr', '-z', '--stdin', ...CHECKOUT_ATTRIBUTES]);
    }
    // core.autocrlf=true converts line endings of every text file on checkout.
    this.autocrlf ??= this.git(['config', '--get', 'core.autocrlf'], undefined).then(
      (value) => ['true', 'yes', 'on', '1'].includes(value.trim().toLowerCase()),
      () => false,
    );
    void this.autocrlf.catch(() => undefined);
  }

  /** The tree builder, where it is running and git takes executable bits from the files as it does. */
  async treeBuilder(): Promise<TreeBuilder | undefined> {
    const builder = this.builder;
    return builder?.usable && (await this.fileMode) ? builder : undefined;
  }

  /**
   * The readers for putting files back by hand, where checkout would write blobs as stored (no
   * core.autocrlf; attributes are asked per file); undefined where git has to do it.
   */
  async checkoutReaders(): Promise<{ blobs: GitBatch; attributes: GitBatch } | undefined> {
    const { blobs, attributes } = this;
    if (!blobs?.usable || !attributes?.usable || (await this.autocrlf?.catch(() => true)) !== false) return undefined;
    return { blobs, attributes };
  }

  /** `git <args>`'s output as text. */
  async git(args: string[], signal: AbortSignal | undefined, input?: string): Promise<string> {
    return (await this.launch(args, signal, input, [])).stdout;
  }

  /** Like git(), but stdout's exact bytes (a patch of a file that is not UTF-8 survives). */
  async gitBytes(args: string[], signal: AbortSignal | undefined): Promise<Buffer> {
    const shell = this.shell;
    if (!shell?.usable) return runGitBytes(this.root, args, signal);
    return (await this.viaLauncher(shell, args, signal, undefined, [])).stdout;
  }

  /** A git command whose answer is its exit code (0 or 1). */
  async gitCode(args: string[], signal: AbortSignal | undefined): Promise<number> {
    return (await this.launch(args, signal, undefined, [1])).code;
  }

  close(): void {
    this.shell?.close();
    this.builder?.close();
    this.blobs?.close();
    this.attributes?.close();
  }

  private async launch(args: string[], signal: AbortSignal | undefined, input: string | undefined, okCodes: readonly number[]): Promise<{ stdout: string; code: number }> {
    const shell = this.shell;
    if (!shell?.usable) return runGitWith(sandboxGit(this.root, signal), args, { ...(input === undefined ? {} : { input }), okCodes });
    const { stdout, code } = await this.viaLauncher(shell, args, signal, input, okCodes);
    return { stdout: stdout.toString('utf8'), code };
  }

  /** `git <args>` started by the launcher; an exit code outside 0 and `okCodes` is a git failure. */
  private async viaLauncher(shell: ShellLauncher, args: string[], signal: AbortSignal | undefined, input: string | undefined, okCodes: readonly number[]): Promise<{ stdout: Buffer; code: number }> {
    const { stdout, stderr, code } = await shell.run(`exec "$@" ${args.map(shellQuote).join(' ')}`, { ...(input === undefined ? {} : { input }), ...(signal ? { signal } : {}) });
    if (code !== 0 && !okCodes.includes(code)) throw gitFailure(args, new Error(stderr.trim() || `git exited with code ${code}`), signal);
    return { stdout, code };
  }
}
