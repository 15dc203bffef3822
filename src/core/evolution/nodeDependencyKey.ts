import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGitBytes } from '../git/gitRunner.ts';
import { ifPresent } from '../util/fsProbe.ts';

/** Bumped when the way an install is made changes, so old cache folders are not reused for it. */
const RECIPE = 'coevolve-node-deps/1';

/** What a folder's node dependencies are, as far as its own files pin them. */
export interface NodeDependencySpec {
  /** Hex digest of what decides the installed tree (see nodeDependencySpec). */
  key: string;
  /** `npm ci` from an npm lockfile, else `npm install` from package.json's ranges. */
  install: 'ci' | 'install';
  /** The files to install from, by name: package.json and the npm lockfile, if any. */
  files: Record<string, Buffer>;
  /** npm, yarn or pnpm workspaces: an install needs every workspace package, not just these files. */
  workspaces: boolean;
  /** No dependency of any kind is declared: there is nothing to install. */
  empty: boolean;
}

export type NodeDependencyRead = { spec: NodeDependencySpec } | { none: true } | { error: string };

const NPM_LOCKS = ['npm-shrinkwrap.json', 'package-lock.json'] as const;
const OTHER_LOCKS = ['yarn.lock', 'pnpm-lock.yaml'] as const;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'overrides'] as const;

/** Reads a file of the package's root by name; undefined when there is none. */
export type RootFileReader = (name: string) => Promise<Buffer | undefined>;

/** Files as they are on disk in `folder` (the user's current tree). */
export function folderFiles(folder: string): RootFileReader {
  return (name) => ifPresent(readFile(join(folder, name)));
}

/** Files as they are in `commit` of the repository at `repoRoot` (at its root). */
export function commitFiles(repoRoot: string, commit: string, signal?: AbortSignal): RootFileReader {
  return async (name) => {
    const listed = (await runGitBytes(repoRoot, ['ls-tree', '-z', commit, '--', name], signal)).toString('utf8');
    // Only a regular file: a link or a folder of that name is nothing npm would read the same way.
    if (!/^100(644|755) blob /.test(listed)) return undefined;
    return runGitBytes(repoRoot, ['cat-file', 'blob', `${commit}:${name}`], signal);
  };
}

/**
 * The dependency spec of a package root. The key is a hash of the npm lockfile when there is one
 * (it pins every version); otherwise of package.json's dependency ranges plus the yarn or pnpm
 * lockfile, if any (npm cannot install from those, but they change exactly when the project's
 * dependencies do). Two trees with the same key get the same install.
 */
export async function nodeDependencySpec(read: RootFileReader): Promise<NodeDependencyRead> {
  const manifestBytes = await read('package.json');
  if (!manifestBytes) return { none: true };
  let manifest: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(manifestBytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'package.json is not a JSON object' };
    manifest = parsed as Record<string, unknown>;
  } catch (error) {
    return { error: `package.json is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const workspaces = manifest.workspaces !== undefined || (await read('pnpm-workspace.yaml')) !== undefined;
  const hash = createHash('sha256').update(RECIPE).update('\0');
  for (const name of NPM_LOCKS) {
    const lock = await read(name);
    if (!lock) continue;
    hash.update(`ci\0${name}\0`).update(lock);
    return { spec: { key: hash.digest('hex').slice(0, 32), install: 'ci', files: { 'package.json': manifestBytes, [name]: lock }, workspaces, empty: false } };
  }
  hash.update('install\0');
  hash.update(canonicalJson(Object.fromEntries(DEPENDENCY_FIELDS.map((field) => [field, manifest[field] ?? null]))));
  for (const name of OTHER_LOCKS) {
    const lock = await read(name);
    if (lock) hash.update(`\0${name}\0`).update(lock);
  }
  const empty = DEPENDENCY_FIELDS.every((field) => {
    const value = manifest[field];
    return value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);
  });
  return { spec: { key: hash.digest('hex').slice(0, 32), install: 'install', files: { 'package.json': manifestBytes }, workspaces, empty } };
}

/** JSON with object keys sorted at every level: the same ranges in another order are the same dependencies. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
