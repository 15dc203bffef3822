import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { displayArgv } from '../checkSpec.ts';
import type { Detection } from './detection.ts';

/**
 * pytest, when the project configures it (`[tool.pytest.ini_options]` in pyproject.toml,
 * pytest.ini, `[tool:pytest]` in setup.cfg, `[pytest]` in tox.ini) or plainly uses it (conftest.py,
 * or a tests/ folder of `test_*.py` files). Run as `python -m pytest` with the project's virtual
 * environment when there is one, so the right interpreter and packages are used; without the
 * cache plugin, so checks leave no `.pytest_cache` in the worktree.
 */
export async function detectPytest(folder: string): Promise<Detection> {
  const evidence = await findEvidence(folder);
  if (!evidence) return { checks: [], notes: [] };
  const python = pythonFor(folder);
  const argv = [python, '-m', 'pytest', '-p', 'no:cacheprovider'];
  return {
    checks: [{ id: 'pytest', kind: 'test', command: { argv }, display: displayArgv(argv), cwd: folder, source: `detected:${evidence}` }],
    notes: [],
  };
}

async function findEvidence(folder: string): Promise<string | undefined> {
  if (/^\[tool\.pytest[\].]/m.test(await readText(join(folder, 'pyproject.toml')))) return 'pyproject.toml';
  if (existsSync(join(folder, 'pytest.ini'))) return 'pytest.ini';
  if (/^\[tool:pytest\]/m.test(await readText(join(folder, 'setup.cfg')))) return 'setup.cfg';
  if (/^\[pytest\]/m.test(await readText(join(folder, 'tox.ini')))) return 'tox.ini';
  if (existsSync(join(folder, 'conftest.py'))) return 'conftest.py';
  const tests = await readdir(join(folder, 'tests')).catch(() => [] as string[]);
  if (tests.includes('conftest.py') || tests.some((name) => /^test_.*\.py$|_test\.py$/.test(name))) return 'tests/';
  return undefined;
}

function pythonFor(folder: string): string {
  const candidates = process.platform === 'win32' ? ['.venv\\Scripts\\python.exe', 'venv\\Scripts\\python.exe'] : ['.venv/bin/python', 'venv/bin/python'];
  for (const candidate of candidates) if (existsSync(join(folder, candidate))) return join(folder, candidate);
  return process.platform === 'win32' ? 'python' : 'python3';
}

async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
