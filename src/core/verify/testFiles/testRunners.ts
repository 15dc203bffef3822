import { join, posix } from 'node:path';
import type { ConfiguredChecksSetting } from '../configuredChecks.ts';
import { pytestSetup } from '../detect/pytest.ts';
import { jsCommand, nearestPackage } from './jsTestCommand.ts';
import { quote } from './shellQuote.ts';

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

/** The per-file commands of a replay task, and what the chosen Python lacks, if any. */
export interface ReplayChecks {
  /** For planChecks' `replace` mode; undefined when only the project's detected test command will do. */
  configured?: ConfiguredChecksSetting;
  /** Modules the Python tests import that no interpreter found has (see pythonInterpreter.ts). */
  pythonMissing?: string[];
  notes: string[];
}

/**
 * How to run just the given tests: configured checks (for planChecks' `replace` mode) when the
 * runner can take files or packages, or undefined when only the project's detected test command
 * will do. Built from the task's own file list and the project's own files (package.json, the
 * Makefile its test script defers to), never from text a model wrote.
 */
export async function replayChecks(worktree: string, testFiles: readonly string[]): Promise<ReplayChecks> {
  const checks: ConfiguredChecksSetting = [];
  const result: ReplayChecks = { notes: [] };
  const families = new Map<TestRunnerFamily, string[]>();
  for (const file of testFiles) {
    const family = testRunnerFamily(file);
    if (!family) continue;
    families.set(family, [...(families.get(family) ?? []), file]);
  }
  if (families.has('suite')) return result;
  const js = families.get('js');
  if (js) {
    // Files in different packages run from each package's folder, with that package's runner.
    const byPackage = new Map<string, string[]>();
    for (const file of js) {
      const pkg = await nearestPackage(worktree, file);
      if (pkg === undefined) return result;
      byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), file]);
    }
    for (const [pkg, files] of byPackage) {
      const command = await jsCommand(join(worktree, pkg), files.map((f) => (pkg ? posix.relative(pkg, f) : f)));
      if (!command) return result;
      checks.push({ name: `replay-js-${checks.length + 1}`, kind: 'test', command: pkg ? `cd ${quote(pkg)} && ${command}` : command });
    }
  }
  const python = families.get('python');
  if (python) {
    // The interpreter that has what these tests import, and the worktree's src/ ahead of any installed copy.
    const setup = await pytestSetup(worktree, python);
    if (setup.missing.length > 0) result.pythonMissing = setup.missing;
    if (setup.note) result.notes.push(setup.note);
    checks.push({ name: 'replay-pytest', kind: 'test', command: `${quote(setup.python)} -m pytest -q -p no:cacheprovider ${python.map(quote).join(' ')}`, ...(setup.env ? { env: setup.env } : {}) });
  }
  const go = families.get('go');
  if (go) {
    const packages = [...new Set(go.map((f) => `./${posix.dirname(f)}`.replace(/\/\.$/, '')))];
    checks.push({ name: 'replay-go', kind: 'test', command: `go test ${packages.map(quote).join(' ')}` });
  }
  if (checks.length > 0) result.configured = checks;
  return result;
}
