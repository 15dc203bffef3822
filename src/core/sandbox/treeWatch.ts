import { randomBytes } from 'node:crypto';
import type { FSWatcher } from 'node:fs';
import { renameSync, watch } from 'node:fs';
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lstatQuietly } from '../util/lstatQuietly.ts';
import type { SandboxGit } from './sandboxGit.ts';
import { runGit, runGitWith, splitNul } from './sandboxGit.ts';

/** Paths touched since the files last matched the index, relative to the tree, '/'-separated. */
export interface WatchedChanges {
  readonly paths: ReadonlySet<string>;
  /** Those named by a create, delete or move: the ones that can be folders that came or went. */
  readonly moved: ReadonlySet<string>;
}

/** What was written from one moment on, while a recording runs. */
export interface WatchRecording {
  /** Stops recording: the paths touched since it started, or undefined where the watch lost track. */
  stop(): WatchedChanges | undefined;
  /** The paths touched so far, recording on (ask pending() first: only events read so far count). */
  peek(): WatchedChanges | undefined;
}

/** More folders than this and the sandbox scans with git instead (inotify watches are a finite resource). */
const MAX_FOLDERS = 20_000;
/** More touched paths than this and the watch gives up until the next full scan. */
const MAX_TOUCHED = 5_000;
const BARRIER_TIMEOUT_MS = 10_000;
/** The temp files of atomicWrite (`.coevolve-<12 hex>.tmp`): renamed over their target or removed. */
const OWN_TEMP = /(?:^|\/)\.coevolve-[0-9a-f]{12}\.tmp$/;

/**
 * Records every path written in a sandbox's tree, so that "are the files still what the index
 * holds?" needs git only for the paths touched, not a scan of the whole tree (two git processes
 * that stat every file). Linux only: one inotify watch per folder (Node's non-recursive
 * `fs.watch`), ignored folders and the linked dependency folders left out.
 *
 * The answer is only as fresh as the events read so far, so every question starts with a barrier:
 * a rename in a folder of our own that is watched on the same inotify queue. The kernel queues
 * events in the order the writes happened, so once the barrier's event arrives, the events of
 * every write that finished before it (a check's, a tool's) have been recorded.
 *
 * What it cannot see, like any inotify watcher (git's fsmonitor with Watchman has the same
 * limits): writes through a memory map and writes through a hard link that lives outside the
 * tree. Anything it cannot account for (an event it cannot name, a lost watch, a queue that
 * overflowed into too many paths) makes `pending()` answer undefined: the caller scans everything.
 */
export class TreeWatch {
  private readonly folders = new Map<string, FSWatcher>();
  private readonly touched = new Set<string>();
  private readonly moved = new Set<string>();
  private barrierWatcher: FSWatcher | undefined;
  private barrierSeq = 0;
  private waiter: { name: string; arrived: () => void } | undefined;
  private lostTrack = false;
  private closed = false;
  private readonly recordings = new Set<{ paths: Set<string>; moved: Set<string> }>();

  private constructor(
    private readonly root: string,
    private readonly barrierDir: string,
    private readonly git: SandboxGit,
    private readonly excluded: ReadonlySet<string>,
  ) {}

  static supported(): boolean {
    return process.platform === 'linux';
  }

  /**
   * Starts watching a tree whose files match its index right now (nothing else may write to it
   * until this returns). Undefined where watching is not possible: another platform, a file system
   * without events, too many folders, the system's watch limit reached.
   */
  static async start(root: string, barrierDir: string, git: SandboxGit, excluded: readonly string[]): Promise<TreeWatch | undefined> {
    if (!TreeWatch.supported()) return undefined;
    const tree = new TreeWatch(root, barrierDir, git, new Set(excluded));
    try {
      await tree.openBarrier();
      await tree.walk('', await ignoredFolders(git));
      // A file made and removed in the tree proves that its file system reports events at all.
      const probe = `.coevolve-${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(join(root, probe), '');
      await unlink(join(root, probe));
      await tree.barrier();
      if (tree.lostTrack || !tree.touched.has(probe)) throw new Error('no events from the tree');
      tree.touched.clear();
      tree.moved.clear();
      return tree;
    } catch {
      tree.close();
      return undefined;
    }
  }

  /** Whether the watch can no longer answer (the caller scans, then starts a new one). */
  get lost(): boolean {
    return this.lostTrack || this.closed;
  }

  /**
   * Every path touched since the last settle, once every write that finished before this call
   * has been seen; undefined when the watch lost track.
   */
  async pending(): Promise<WatchedChanges | undefined> {
    if (this.lost) return undefined;
    try {
      await this.barrier();
    } catch {
      this.lostTrack = true;
    }
    if (this.lost) return undefined;
    return { paths: new Set(this.touched), moved: new Set(this.moved) };
  }

  /**
   * The files match the index again (checked by git, or put there by git): forgets `seen`, stops
   * watching folders that went away and watches the new ones among them.
   */
  async settle(seen: WatchedChanges): Promise<void> {
    if (this.lost) return;
    for (const path of seen.paths) this.touched.delete(path);
    for (const path of seen.moved) this.moved.delete(path);
    if (!seen.moved.size) return;
    try {
      for (const [folder, watcher] of this.folders) {
        if (folder !== '' && underAny(folder, seen.moved)) {
          watcher.close();
          this.folders.delete(folder);
        }
      }
      // A few lstat calls: synchronous ones cost microseconds, a trip through the thread pool more.
      const folders = [...seen.moved].filter((path) => this.mayWatch(path) && this.folders.has(parentOf(path)) && lstatQuietly(join(this.root, path))?.isDirectory());
      if (!folders.length) return;
      const ignored = await ignoredFolders(this.git, folders);
      for (const folder of folders) if (!ignored.has(folder)) await this.walk(folder, ignored);
    } catch {
      this.lostTrack = true;
    }
  }

  /**
   * Records every path touched from now on (every event read from now on, that is: ask for
   * pending() first, so that the earlier writes' events are in). Settling does not clear it.
   */
  startRecording(): WatchRecording {
    const recording = { paths: new Set<string>(), moved: new Set<string>() };
    this.recordings.add(recording);
    return {
      stop: () => {
        const live = this.recordings.delete(recording);
        return live && !this.lost ? recording : undefined;
      },
      peek: () => (this.recordings.has(recording) && !this.lost ? { paths: new Set(recording.paths), moved: new Set(recording.moved) } : undefined),
    };
  }

  close(): void {
    this.closed = true;
    this.recordings.clear();
    for (const watcher of this.folders.values()) watcher.close();
    this.folders.clear();
    this.barrierWatcher?.close();
    this.barrierWatcher = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.arrived();
  }

  private mayWatch(path: string): boolean {
    return !this.excluded.has(path) && !path.split('/').includes('.git');
  }

  /** Watches a folder, then everything under it that git does not ignore as a whole. */
  private async walk(folder: string, ignored: ReadonlySet<string>): Promise<void> {
    if (this.folders.size >= MAX_FOLDERS) throw new Error('too many folders to watch');
    // Watch first, then list: a file made in between is reported rather than missed.
    this.watchFolder(folder);
    const entries = await readdir(join(this.root, folder), { withFileTypes: true });
    await Promise.all(
      entries.map((entry) => {
        if (!entry.isDirectory()) return undefined;
        // A name that is not UTF-8 cannot be handed to git as text: scan instead.
        if (entry.name.includes('\uFFFD')) throw new Error('a folder name that is not UTF-8');
        const path = folder ? `${folder}/${entry.name}` : entry.name;
        return this.mayWatch(path) && !ignored.has(path) ? this.walk(path, ignored) : undefined;
      }),
    );
  }

  private watchFolder(folder: string): void {
    this.folders.get(folder)?.close();
    const watcher = watch(join(this.root, folder), { persistent: false, encoding: 'buffer' }, (event, name) => this.record(folder, event, name));
    watcher.on('error', () => {
      this.lostTrack = true;
    });
    this.folders.set(folder, watcher);
  }

  private record(folder: string, event: string, name: Buffer | null): void {
    if (this.lostTrack) return;
    const text = name?.toString('utf8');
    if (!text || text.includes('\uFFFD') || this.touched.size >= MAX_TOUCHED) {
      this.lostTrack = true;
      return;
    }
    // The worktree's link to its repository (or a copy's own repository): git's, never a change.
    if (folder === '' && text === '.git') return;
    const path = folder ? `${folder}/${text}` : text;
    this.touched.add(path);
    if (event === 'rename') this.moved.add(path);
    for (const recording of this.recordings) {
      if (recording.paths.size >= MAX_TOUCHED) {
        this.lostTrack = true;
        return;
      }
      recording.paths.add(path);
      if (event === 'rename') recording.moved.add(path);
    }
  }

  private async openBarrier(): Promise<void> {
    await mkdir(this.barrierDir, { recursive: true });
    await writeFile(join(this.barrierDir, barrierName(0)), '');
    this.barrierWatcher = watch(this.barrierDir, { persistent: false }, (_event, name) => {
      if (this.waiter && name === this.waiter.name) {
        const { arrived } = this.waiter;
        this.waiter = undefined;
        arrived();
      }
    });
    this.barrierWatcher.on('error', () => {
      this.lostTrack = true;
    });
  }

  /**
   * Resolves once the event of a rename made now has arrived: a single inotify queue serves every
   * watch of this process, in order, so every earlier write's event has arrived too.
   */
  private async barrier(): Promise<void> {
    const from = join(this.barrierDir, barrierName(this.barrierSeq));
    this.barrierSeq += 1;
    const name = barrierName(this.barrierSeq);
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<void>((resolve, reject) => {
      this.waiter = { name, arrived: resolve };
      // Left referenced: the watchers are not, and something must keep Node running until the event.
      timer = setTimeout(() => reject(new Error('the watch stopped reporting')), BARRIER_TIMEOUT_MS);
    });
    try {
      // Synchronous: microseconds, where a trip through the thread pool can take a millisecond.
      renameSync(from, join(this.barrierDir, name));
      await arrived;
    } finally {
      clearTimeout(timer);
      this.waiter = undefined;
    }
  }
}

/**
 * The folders (among `within`, or in the whole tree) that git ignores as a whole: nothing in them
 * can show up in a scan, so they are not watched. `--directory` also names a folder that merely
 * holds nothing but ignored files; check-ignore keeps only the ones a pattern matches (a new file
 * there would not be ignored). A folder holding tracked files is never among them.
 */
export async function ignoredFolders(git: SandboxGit, within?: readonly string[]): Promise<Set<string>> {
  const specs = within?.map((path) => `:(top,literal)${path}`) ?? [];
  const out = await runGit(git, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...specs]);
  const folders = splitNul(out)
    .filter((entry) => entry.endsWith('/'))
    .map((entry) => entry.slice(0, -1));
  if (!folders.length) return new Set();
  const { stdout } = await runGitWith(git, ['check-ignore', '-z', '--stdin'], { input: folders.map((folder) => `${folder}\0`).join(''), okCodes: [1] });
  return new Set(splitNul(stdout));
}

/**
 * The touched paths that `known` (the paths the caller wrote) does not account for: the caller's
 * own atomic-write temp files that are gone again account for themselves.
 */
export function unexplained(seen: WatchedChanges, known: readonly string[], root: string): string[] {
  const knownSet = new Set(known);
  return [...seen.paths].filter((path) => !knownSet.has(path) && !(OWN_TEMP.test(path) && !lstatQuietly(join(root, path))));
}


function barrierName(seq: number): string {
  return `barrier-${seq}`;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * Whether anything in `written` (a recording) may have changed one of `paths`: the path itself,
 * or a folder holding it that was created, removed or moved.
 */
export function writtenAny(written: WatchedChanges, paths: Iterable<string>): boolean {
  for (const path of paths) if (written.paths.has(path) || underAny(path, written.moved)) return true;
  return false;
}

/** Whether `path` is one of `roots` or inside one. */
function underAny(path: string, roots: ReadonlySet<string>): boolean {
  for (let at = path.length; at > 0; at = path.lastIndexOf('/', at - 1)) {
    if (roots.has(path.slice(0, at))) return true;
  }
  return false;
}
