import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { importedByTests, topLevelImports } from '../../../src/core/verify/detect/pythonImports.ts';
import { choosePython, pythonCandidates } from '../../../src/core/verify/detect/pythonInterpreter.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function scratch(): string {
  const dir = tempDir('coevolve-python-');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

const REAL = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/**
 * A real interpreter that also has the modules in `site` (a folder of its own on sys.path): two
 * of them with different modules stand for two virtual environments with different packages.
 */
function interpreterWith(path: string, site: string, modules: readonly string[]): void {
  for (const name of modules) write(join(site, name, '__init__.py'), '');
  write(path, `#!/bin/sh\nPYTHONPATH=${site} exec ${REAL} "$@"\n`);
  chmodSync(path, 0o755);
}

describe('choosing the Python that runs the tests', () => {
  it('prefers the first candidate that has every module the tests import, not just the first', async () => {
    const folder = scratch();
    interpreterWith(join(folder, '.venv/bin/python'), join(folder, 'site-a'), ['pytest']);
    interpreterWith(join(folder, 'venv/bin/python'), join(folder, 'site-b'), ['pytest', 'coevolve_probe_only_b']);
    const choice = await choosePython(folder, ['coevolve_probe_only_b']);
    assert.equal(choice.python, join(folder, 'venv/bin/python'));
    assert.deepEqual(choice.missing, []);
    assert.deepEqual(choice.tried[0], { python: join(folder, '.venv/bin/python'), missing: ['coevolve_probe_only_b'] });
    // With nothing beyond pytest needed, the first candidate wins.
    assert.equal((await choosePython(folder, [])).python, join(folder, '.venv/bin/python'));
  });

  it('says what is missing when no candidate has it all, and skips a candidate that will not run', async () => {
    const folder = scratch();
    write(join(folder, '.venv/bin/python'), 'not a program\n');
    chmodSync(join(folder, '.venv/bin/python'), 0o755);
    interpreterWith(join(folder, 'venv/bin/python'), join(folder, 'site'), ['pytest']);
    const choice = await choosePython(folder, ['coevolve_probe_nobody_has']);
    assert.equal(choice.python, join(folder, 'venv/bin/python'));
    assert.deepEqual(choice.missing, ['coevolve_probe_nobody_has']);
    assert.deepEqual(choice.tried[0], { python: join(folder, '.venv/bin/python') });
  });

  it('lists each interpreter once, venvs first, then python3 on PATH and /usr/bin/python3', () => {
    const folder = scratch();
    interpreterWith(join(folder, '.venv/bin/python'), join(folder, 'site'), []);
    const candidates = pythonCandidates(folder).map((c) => c.python);
    assert.equal(candidates[0], join(folder, '.venv/bin/python'));
    assert.equal(new Set(candidates).size, candidates.length);
    assert.ok(candidates.includes('python3'));
  });

  it('reads what the tests and their conftest.py import, leaving out the project\u2019s own modules', async () => {
    assert.deepEqual(topLevelImports('import os, sys as system\nfrom freezegun import freeze_time\nfrom . import helpers\nif x:\n    import optional_thing\nimport a.b.c  # comment\n'), ['a', 'freezegun', 'os', 'sys']);
    const folder = scratch();
    write(join(folder, 'src/mypkg/__init__.py'), '');
    write(join(folder, 'tests/conftest.py'), 'import pytest\nimport freezegun\n');
    write(join(folder, 'tests/helpers.py'), '');
    write(join(folder, 'tests/test_pkg/test_a.py'), 'from __future__ import annotations\nimport mypkg\nimport helpers\nfrom test_pkg import shared\nimport requests\n');
    assert.deepEqual(await importedByTests(folder, ['tests/test_pkg/test_a.py']), ['freezegun', 'pytest', 'requests']);
    // Without a list, the test folders are read.
    assert.deepEqual(await importedByTests(folder), ['freezegun', 'pytest', 'requests']);
  });
});
