import { posix } from 'node:path';

/**
 * Which files the implementer wrote since the sandbox's index last matched its files, so a
 * checkpoint can stage just those instead of scanning the whole tree. A command the model ran
 * could have written anywhere: then the next checkpoint scans everything.
 */
export class ChangeTracker {
  private readonly paths = new Set<string>();
  private unknown = false;

  noteWrite(path: string): void {
    this.paths.add(posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, ''));
  }

  noteUnknownWrites(): void {
    this.unknown = true;
  }

  /** The paths written so far (undefined: anything may have been), without starting afresh. */
  peek(): string[] | undefined {
    return this.unknown ? undefined : [...this.paths];
  }

  /** The paths to stage, or undefined for "scan everything"; starts afresh. */
  take(): string[] | undefined {
    const result = this.peek();
    this.reset();
    return result;
  }

  /** The index was brought back in line with the files (a restore or reset). */
  reset(): void {
    this.paths.clear();
    this.unknown = false;
  }
}
