import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { detectChecks } from '../../../src/core/verify/detect/detectChecks.ts';
import { detectPackageManager } from '../../../src/core/verify/detect/packageManager.ts';
import { packageJson, VerifyFixture } from '../../helpers/verifyFixtures.ts';

/** The interpreter `python3` on PATH really is (pyenv shims and links resolved by Python itself). */
function realInterpreter(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
}

const fixtures: VerifyFixture[] = [];
function fixture(files: Record<string, string>): VerifyFixture {
  const made = new VerifyFixture(files);
  fixtures.push(made);
  return made;
}
after(() => fixtures.forEach((made) => made.remove()));

const summary = (checks: Awaited<ReturnType<typeof detectChecks>>['checks']): string[] => checks.map((check) => `${check.id}|${check.kind}|${check.display}|${check.source}`);

describe('detectChecks: package.json', () => {
  it('finds test, typecheck and lint scripts, run by npm by default', async () => {
    const project = fixture({ 'package.json': packageJson({ test: 'node --test', typecheck: 'tsc --noEmit', lint: 'eslint .', build: 'tsc' }) });
    const { checks } = await detectChecks(project.dir);
    assert.deepEqual(summary(checks), ['test|test|npm run test|detected:package.json', 'typecheck|typecheck|npm run typecheck|detected:package.json', 'lint|lint|npm run lint|detected:package.json']);
    if (process.platform !== 'win32') assert.deepEqual(checks[0]!.command, { argv: ['npm', 'run', 'test'] });
    assert.equal(checks[0]!.cwd, project.dir);
  });

  it('finds a typecheck by its tsc --noEmit body, and skips what test already runs', async () => {
    const project = fixture({ 'package.json': packageJson({ test: 'npm run lint && node --test', 'check:types': 'tsc -p . --noEmit', lint: 'eslint .' }) });
    const { checks, notes } = await detectChecks(project.dir);
    assert.deepEqual(
      checks.map((check) => check.display),
      ['npm run test', 'npm run check:types'],
    );
    assert.ok(notes.some((note) => note.includes('"lint" is already run by "test"')));
  });

  it('skips the npm placeholder test script', async () => {
    const project = fixture({ 'package.json': packageJson({ test: 'echo "Error: no test specified" && exit 1' }) });
    const { checks, notes } = await detectChecks(project.dir);
    assert.deepEqual(checks, []);
    assert.ok(notes.some((note) => note.includes('placeholder')));
  });

  it('uses the package manager the lockfile implies', async () => {
    for (const [lockfile, manager] of [['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn'], ['package-lock.json', 'npm'], ['bun.lockb', 'bun']] as const) {
      const project = fixture({ 'package.json': packageJson({ test: 'vitest run' }), [lockfile]: '' });
      const { checks } = await detectChecks(project.dir);
      assert.equal(checks[0]!.display, `${manager} run test`, lockfile);
    }
  });

  it('prefers the packageManager field, and finds a workspace root\u2019s lockfile from a package', () => {
    const project = fixture({ 'yarn.lock': '', 'packages/app/package.json': '{}' });
    assert.equal(detectPackageManager(project.path('packages', 'app'), undefined).manager, 'yarn');
    assert.equal(detectPackageManager(project.path('packages', 'app'), 'pnpm@9.1.0').manager, 'pnpm');
  });

  it('notes an unreadable package.json instead of failing', async () => {
    const project = fixture({ 'package.json': '{ not json' });
    const { checks, notes } = await detectChecks(project.dir);
    assert.deepEqual(checks, []);
    assert.match(notes[0]!, /not valid JSON/);
  });
});

describe('detectChecks: other ecosystems', () => {
  const pytestCases: [string, Record<string, string>][] = [
    ['pyproject.toml', { 'pyproject.toml': '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n' }],
    ['pytest.ini', { 'pytest.ini': '[pytest]\n' }],
    ['setup.cfg', { 'setup.cfg': '[metadata]\nname = x\n\n[tool:pytest]\ntestpaths = tests\n' }],
    ['tests/', { 'tests/test_things.py': 'def test_x():\n    assert True\n' }],
    ['conftest.py', { 'conftest.py': '' }],
  ];
  for (const [evidence, files] of pytestCases) {
    it(`detects pytest from ${evidence}`, async () => {
      const { checks } = await detectChecks(fixture(files).dir);
      assert.equal(checks.length, 1);
      assert.equal(checks[0]!.id, 'pytest');
      assert.equal(checks[0]!.source, `detected:${evidence}`);
      // Which interpreter depends on the machine (see pythonInterpreter.test.ts); it is one of the candidates.
      const argv = 'argv' in checks[0]!.command ? checks[0]!.command.argv : [];
      assert.ok(['python3', 'python', '/usr/bin/python3'].includes(argv[0]!), argv[0]);
      assert.deepEqual(argv.slice(1), ['-m', 'pytest', '-p', 'no:cacheprovider']);
      assert.equal(checks[0]!.env, undefined, 'no src layout, no PYTHONPATH');
    });
  }

  it('does not take a pyproject.toml without pytest config for a pytest project', async () => {
    const { checks } = await detectChecks(fixture({ 'pyproject.toml': '[project]\nname = "x"\n' }).dir);
    assert.deepEqual(checks, []);
  });

  it('uses the project\u2019s virtual environment', async () => {
    if (process.platform === 'win32') return;
    const project = fixture({ 'pytest.ini': '[pytest]\n' });
    // A venv's python is a link to a real interpreter: the first candidate, and it runs.
    mkdirSync(project.path('.venv', 'bin'), { recursive: true });
    symlinkSync(realInterpreter(), project.path('.venv', 'bin', 'python'));
    const { checks } = await detectChecks(project.dir);
    assert.deepEqual(checks[0]!.command, { argv: [project.path('.venv', 'bin', 'python'), '-m', 'pytest', '-p', 'no:cacheprovider'] });
  });

  it('puts src/ on PYTHONPATH for a src layout, so the tests import the folder\u2019s code', async () => {
    const project = fixture({ 'pyproject.toml': '[tool.pytest.ini_options]\n', 'src/pkg/__init__.py': '', 'tests/test_pkg.py': 'import pkg\n' });
    const { checks } = await detectChecks(project.dir);
    assert.deepEqual(checks[0]!.env, { PYTHONPATH: 'src' });
  });

  it('detects go test and cargo test, after package.json, in that order', async () => {
    const project = fixture({ 'go.mod': 'module example.com/x\n\ngo 1.22\n', 'Cargo.toml': '[package]\nname = "x"\n', 'package.json': packageJson({ test: 'node --test' }) });
    const { checks } = await detectChecks(project.dir);
    assert.deepEqual(summary(checks), ['test|test|npm run test|detected:package.json', 'go-test|test|go test ./...|detected:go.mod', 'cargo-test|test|cargo test|detected:Cargo.toml']);
  });

  it('finds nothing in an empty folder', async () => {
    assert.deepEqual(await detectChecks(fixture({}).dir), { checks: [], notes: [] });
  });
});
