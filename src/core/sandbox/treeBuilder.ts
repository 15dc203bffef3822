import { join, posix } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { lstatQuietly } from '../util/lstatQuietly.ts';
import { GitBatch, lineAnswer, objectBytes } from './gitBatch.ts';

/** One entry of a git tree object. */
interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** A change this builder cannot make exactly as staging would: the caller lets git write the tree. */
class NotPlain extends Error {}

const TREE_MODE = '40000';
/** Parsed trees kept (trees are immutable; a round touches a few folders near the top). */
const CACHE_LIMIT = 2_000;

/**
 * Writes the tree that staging `paths` onto a known tree would give, without reading or writing
 * the index: the files' blobs from a long-lived `hash-object --stdin-paths` (the same filters as
 * `update-index`), the folders on their way from a long-lived `cat-file --batch`, the new folders
 * from a long-lived `mktree --batch`. A checkpoint then costs a few pipe round trips instead of a
 * `write-tree`, which on a large index reads and rewrites all of it.
 *
 * Plain files and removals only, with the executable bit as git records it (core.fileMode on):
 * anything else (a link, a folder, a submodule, a file where the tree has a folder or the other way
 * round) answers undefined, and the caller stages with git as before.
 */
export class TreeBuilder {
  private readonly trees = new Map<string, TreeEntry[]>();

  private constructor(
    private readonly root: string,
    private readonly reader: GitBatch,
    private readonly hasher: GitBatch,
    private readonly maker: GitBatch,
  ) {}

  /** `reader`: a `cat-file --batch` of the same repository, shared with its owner (who closes it). */
  static start(root: string, reader: GitBatch): TreeBuilder {
    return new TreeBuilder(
      root,
      reader,
      GitBatch.start(root, ['hash-object', '-w', '--stdin-paths']),
      // --missing: every object named was just written or read; checking each again is a lookup per entry.
      GitBatch.start(root, ['mktree', '-z', '--missing', '--batch']),
    );
  }

  get usable(): boolean {
    return this.reader.usable && this.hasher.usable && this.maker.usable;
  }

  close(): void {
    this.hasher.close();
    this.maker.close();
  }

  /** The tree `from` with `paths` as the files now hold them; undefined where git has to do it. */
  async build(from: string, paths: readonly string[]): Promise<string | undefined> {
    try {
      const changes = new Map<string, TreeEntry | null>();
      const files: string[] = [];
      for (const path of paths) {
        if (!plainPath(path)) return undefined;
        const info = lstatQuietly(join(this.root, path));
        if (!info) changes.set(path, null);
        else if (info.isFile()) files.push(path);
        else return undefined;
      }
      const oids = await Promise.all(files.map((path) => this.hasher.ask(`${path}\n`, lineAnswer)));
      files.forEach((path, i) => {
        const info = lstatQuietly(join(this.root, path));
        // Gone or replaced while it was read: git has to look again.
        if (!info?.isFile()) throw new NotPlain();
        changes.set(path, { mode: info.mode & 0o100 ? '100755' : '100644', name: posix.basename(path), oid: oids[i]! });
      });
      return (await this.rewrite(from, '', changes)) ?? (await this.make([]));
    } catch (error) {
      if (error instanceof NotPlain) return undefined;
      throw error;
    }
  }

  /** The folder `tree` (at `prefix`) with the changes under it applied; undefined when it ends up empty. */
  private async rewrite(tree: string | undefined, prefix: string, changes: ReadonlyMap<string, TreeEntry | null>): Promise<string | undefined> {
    const entries = new Map((tree ? await this.read(tree) : []).map((entry) => [entry.name, entry]));
    const below = new Map<string, Map<string, TreeEntry | null>>();
    let changed = false;
    for (const [path, change] of changes) {
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) {
        const old = entries.get(rest);
        if (old && old.mode !== '100644' && old.mode !== '100755') throw new NotPlain();
        if (change === null) changed = entries.delete(rest) || changed;
        else if (!old || old.oid !== change.oid || old.mode !== change.mode) {
          entries.set(rest, change);
          changed = true;
        }
        continue;
      }
      const folder = rest.slice(0, slash);
      let group = below.get(folder);
      if (!group) below.set(folder, (group = new Map()));
      group.set(path, change);
    }
    for (const [folder, group] of below) {
      const old = entries.get(folder);
      if (old && old.mode !== TREE_MODE) {
        // Only removals under a file: nothing to remove there.
        if ([...group.values()].every((change) => change === null)) continue;
        throw new NotPlain();
      }
      const next = await this.rewrite(old?.oid, `${prefix}${folder}/`, group);
      if (next === old?.oid) continue;
      changed = true;
      if (next === undefined) entries.delete(folder);
      else entries.set(folder, { mode: TREE_MODE, name: folder, oid: next });
    }
    if (!changed) return tree;
    return entries.size ? this.make([...entries.values()]) : undefined;
  }

  private async read(tree: string): Promise<TreeEntry[]> {
    const known = this.trees.get(tree);
    if (known) return known;
    const bytes = await objectBytes(this.reader, tree, 'tree');
    const entries: TreeEntry[] = [];
    const oidBytes = tree.length / 2;
    for (let at = 0; at < bytes.length; ) {
      const space = bytes.indexOf(0x20, at);
      const nul = bytes.indexOf(0, space);
      if (space < 0 || nul < 0 || nul + 1 + oidBytes > bytes.length) throw new CoevolveError('git-failed', `git cat-file printed a tree that cannot be read: ${tree}`);
      entries.push({ mode: bytes.toString('latin1', at, space), name: bytes.toString('utf8', space + 1, nul), oid: bytes.toString('hex', nul + 1, nul + 1 + oidBytes) });
      at = nul + 1 + oidBytes;
    }
    if (entries.some((entry) => entry.name.includes('\uFFFD'))) throw new NotPlain();
    if (this.trees.size >= CACHE_LIMIT) this.trees.clear();
    this.trees.set(tree, entries);
    return entries;
  }

  private make(entries: readonly TreeEntry[]): Promise<string> {
    const lines = entries.map((entry) => `${entry.mode} ${entry.mode === TREE_MODE ? 'tree' : 'blob'} ${entry.oid}\t${entry.name}\0`);
    // An empty record ends the tree.
    return this.maker.ask(`${lines.join('')}\0`, lineAnswer);
  }
}

/** A path both git and this builder read the same way: relative, no empty, `.` or `..` parts, no `.git`, one line. */
function plainPath(path: string): boolean {
  if (!path || path.includes('\n') || path.includes('\0') || path.startsWith('"') || path.includes('\\')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part.toLowerCase() !== '.git');
}
