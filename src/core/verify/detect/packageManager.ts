import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

const LOCKFILES: readonly [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** How far up to look for a workspace root's lockfile from a package inside it. */
const MAX_LEVELS = 8;

/**
 * The package manager a project uses: its `packageManager` field (`pnpm@9.1.0`) when it declares
 * one, else the lockfile in the folder or the nearest parent (a package inside a monorepo shares
 * the root's lockfile), stopping at the repository root; npm when nothing says otherwise.
 */
export function detectPackageManager(folder: string, packageManagerField: unknown): { manager: PackageManager; evidence: string } {
  if (typeof packageManagerField === 'string') {
    const name = /^(npm|pnpm|yarn|bun)@/.exec(packageManagerField)?.[1] as PackageManager | undefined;
    if (name) return { manager: name, evidence: 'package.json packageManager' };
  }
  let dir = folder;
  for (let level = 0; level < MAX_LEVELS; level++) {
    for (const [file, manager] of LOCKFILES) if (existsSync(join(dir, file))) return { manager, evidence: file };
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, '.git'))) break;
    dir = parent;
  }
  return { manager: 'npm', evidence: 'default' };
}

/** `npm run <script>` and friends. On Windows the managers are `.cmd` shims, which need a shell. */
export function runScriptCommand(manager: PackageManager, script: string): { argv: string[] } | { shell: string } {
  if (process.platform === 'win32') return { shell: `${manager} run ${script}` };
  return { argv: [manager, 'run', script] };
}
