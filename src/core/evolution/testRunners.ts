import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ConfiguredChecksSetting } from '../verify/configuredChecks.ts';

/** The languages whose test files a replay task can run one by one (others fall back to the suite). */
export type TestRunnerFamily = 'js' | 'python' | 'go' | 'suite';

const JS = /\.(m|c)?(j|t)sx?$/;

/** Which runner family a test file belongs to; undefined for files no runner would pick up (fixtures, snapshots). */
export function testRunnerFamily(path: string): TestRunnerFamily | undefined {
  if (JS.test(path)) return 'js';
  if (/\.py$/.test(path)) return /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(path) ? 'python' : undefined;
  if (/_test\.go$/.test(path)) return 'go';
  if (/\.(rs|java|kt|rb|cs|swift|scala|php|ex|exs|c|cc|cpp)$/.test(path)) return 'suite';
  return undefined;
}

/**
 * How to run just the given tests: configured checks (for planChecks' `replace` mode) when the
 * runner can take files or packages, or undefined when only the project's detected test command
 * will do. Built from the task's own file list and the project's package.json, never from text a
 * model wrote.
 */
export async function replayChecks(worktree: string, testFiles: readonly string[]): Promise<ConfiguredChecksSetting | undefined> {
  const checks: ConfiguredChecksSetting = [];
  const families = new Map<TestRunnerFamily, string[]>();
  for (const file of testFiles) {
    const family = testRunnerFamily(file);
    if (!family) continue;
    families.set(family, [...(families.get(family) ?? []), file]);
  }
  if (families.has('suite')) return undefined;
  const js = families.get('js');
  if (js) {
    // Files in different packages run from each package's folder, with that package's runner.
    const byPackage = new Map<string, string[]>();
    for (const file of js) {
      const pkg = await nearestPackage(worktree, file);
      if (pkg === undefined) return undefined;
      byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), file]);
    }
    for (const [pkg, files] of byPackage) {
      const command = await jsCommand(join(worktree, pkg), files.map((f) => (pkg ? posix.relative(pkg, f) : f)));
      if (!command) return undefined;
      checks.push({ name: `replay-js-${checks.length + 1}`, kind: 'test', command: pkg ? `cd ${quote(pkg)} && ${command}` : command });
    }
  }
  const python = families.get('python');
  if (python) checks.push({ name: 'replay-pytest', kind: 'test', command: `python -m pytest -q ${python.map(quote).join(' ')}` });
  const go = families.get('go');
  if (go) {
    const packages = [...new Set(go.map((f) => `./${posix.dirname(f)}`.replace(/\/\.$/, '')))];
    checks.push({ name: 'replay-go', kind: 'test', command: `go test ${packages.map(quote).join(' ')}` });
  }
  return checks.length > 0 ? checks : undefined;
}

/** The runner the package's test script uses, given the files; undefined when it is not one we know. */
async function jsCommand(packageDir: string, files: readonly string[]): Promise<string | undefined> {
  const manifest = await readJson(join(packageDir, 'package.json'));
  const script = typeof manifest?.scripts?.test === 'string' ? manifest.scripts.test : '';
  const args = files.map(quote).join(' ');
  const deps = { ...manifest?.dependencies, ...manifest?.devDependencies };
  // `node --import tsx --test test/` keeps its loader flags; only the file selection changes.
  const nodeTest = /\bnode\b([^&|;]*?)\s--test\b/.exec(script);
  if (nodeTest) return `node${nodeTest[1] ?? ''} --test ${args}`;
  if (/\bvitest\b/.test(script) || ('vitest' in deps && !/\bjest\b|\bmocha\b/.test(script))) return `npx --no-install vitest run ${args}`;
  if (/\bjest\b/.test(script) || 'jest' in deps) return `npx --no-install jest ${args}`;
  if (/\bmocha\b/.test(script) || 'mocha' in deps) return `npx --no-install mocha ${args}`;
  return undefined;
}

interface Manifest {
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

async function readJson(path: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The folder (relative, '' for the root) of the package.json nearest above `file`. */
async function nearestPackage(worktree: string, file: string): Promise<string | undefined> {
  let dir = posix.dirname(file);
  for (;;) {
    const here = dir === '.' ? '' : dir;
    if (await readJson(join(worktree, here, 'package.json'))) return here;
    if (here === '') return undefined;
    dir = posix.dirname(dir);
  }
}

/** POSIX shell quoting: the paths come from git, and may hold spaces or quotes. */
export function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

