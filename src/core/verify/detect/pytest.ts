import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { displayArgv } from '../checkSpec.ts';
import type { Detection } from './detection.ts';
import { hasSrcLayout, importedByTests } from './pythonImports.ts';
import { choosePython } from './pythonInterpreter.ts';
import { ifPresent } from '../../util/fsProbe.ts';

/**
 * pytest, when the project configures it (`[tool.pytest.ini_options]` in pyproject.toml,
 * pytest.ini, `[tool:pytest]` in setup.cfg, `[pytest]` in tox.ini) or plainly uses it (conftest.py,
 * or a tests/ folder of `test_*.py` files). Run as `<python> -m pytest` with an interpreter chosen
 * for the tests (see pythonInterpreter.ts); without the cache plugin, so checks leave no
 * `.pytest_cache` in the worktree. With a src layout, src/ goes on PYTHONPATH so the tests import
 * the folder's code rather than a copy installed in the interpreter.
 */
export async function detectPytest(folder: string): Promise<Detection> {
  const evidence = await findEvidence(folder);
  if (!evidence) return { checks: [], notes: [] };
  const setup = await pytestSetup(folder);
  const argv = [setup.python, '-m', 'pytest', '-p', 'no:cacheprovider'];
  return {
    checks: [{ id: 'pytest', kind: 'test', command: { argv }, display: displayArgv(argv), cwd: folder, source: `detected:${evidence}`, ...(setup.env ? { env: setup.env } : {}) }],
    notes: setup.note ? [setup.note] : [],
  };
}

export interface PytestSetup {
  python: string;
  /**
   * PYTHONPATH for a src layout: `src`, relative, so that the same check run in a copy of the
   * folder (a sandbox of a replay worktree) tests the copy. Python makes it absolute at startup,
   * against the check's cwd, so a test that changes directory does not lose it.
   */
  env?: Record<string, string>;
  /** Modules the tests import that the chosen interpreter lacks. */
  missing: string[];
  /** For the user, when nothing found has every module. */
  note?: string;
}

/** The interpreter and environment for running `testFiles` (or the whole suite) of `folder`. */
export async function pytestSetup(folder: string, testFiles?: readonly string[]): Promise<PytestSetup> {
  const env = (await hasSrcLayout(folder)) ? { PYTHONPATH: 'src' } : undefined;
  const choice = await choosePython(folder, await importedByTests(folder, testFiles), env);
  const setup: PytestSetup = { python: choice.python, missing: choice.missing, ...(env ? { env } : {}) };
  if (choice.missing.length > 0) {
    const tried = choice.tried.map((t) => (t.missing ? `${t.python} (lacks ${t.missing.join(', ')})` : `${t.python} (would not run)`)).join('; ');
    setup.note = `No Python found has every module the tests import; using ${choice.python}, which lacks ${choice.missing.join(', ')}. Tried: ${tried || 'none found'}.`;
  }
  return setup;
}

async function findEvidence(folder: string): Promise<string | undefined> {
  if (/^\[tool\.pytest[\].]/m.test(await readText(join(folder, 'pyproject.toml')))) return 'pyproject.toml';
  if (existsSync(join(folder, 'pytest.ini'))) return 'pytest.ini';
  if (/^\[tool:pytest\]/m.test(await readText(join(folder, 'setup.cfg')))) return 'setup.cfg';
  if (/^\[pytest\]/m.test(await readText(join(folder, 'tox.ini')))) return 'tox.ini';
  if (existsSync(join(folder, 'conftest.py'))) return 'conftest.py';
  const tests = (await ifPresent(readdir(join(folder, 'tests')))) ?? [];
  if (tests.includes('conftest.py') || tests.some((name) => /^test_.*\.py$|_test\.py$/.test(name))) return 'tests/';
  return undefined;
}

async function readText(path: string): Promise<string> {
  return (await ifPresent(readFile(path, 'utf8'))) ?? '';
}
