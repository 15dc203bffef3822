import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { CheckResult } from '../../../src/core/verify/checkResult.ts';
import { planChecks } from '../../../src/core/verify/plan.ts';
import { runChecks } from '../../../src/core/verify/runChecks.ts';
import { packageJson, VerifyFixture } from '../../helpers/verifyFixtures.ts';

// Checks that ran but could not test the code come back as `error` with the reason and a remedy,
// never as a failure of the code: real shells, real npx, real node and real pytest.

const fixtures: VerifyFixture[] = [];
after(() => fixtures.forEach((f) => f.remove()));

async function runIn(files: Record<string, string>, configured?: unknown): Promise<CheckResult> {
  const fixture = new VerifyFixture(files);
  fixtures.push(fixture);
  const plan = await planChecks(fixture.dir, configured ? { configured, configuredMode: 'replace' } : {});
  const run = await runChecks(plan, { workspaceTrusted: true });
  assert.equal(run.results.length, 1);
  return run.results[0]!;
}

describe('a check that cannot run is not a failure', () => {
  it('a test runner that is not installed (exit 127)', async () => {
    const result = await runIn({ 'package.json': packageJson({ test: 'mocha test/' }) });
    assert.equal(result.status, 'error');
    assert.match(result.error ?? '', /mocha is not installed/);
    assert.match(result.remedy ?? '', /npm install/);
  });

  it('npx --no-install with the package missing', async () => {
    const result = await runIn({ 'package.json': packageJson({}) }, [{ name: 't', kind: 'test', command: 'npx --no-install mocha test/a.js' }]);
    assert.equal(result.status, 'error');
    assert.match(result.error ?? '', /npx --no-install found no installed mocha/);
    assert.match(result.remedy ?? '', /npm install/);
  });

  it('a package the tests import that is missing from node_modules', async () => {
    const result = await runIn({ 'package.json': packageJson({ test: 'node --test test/' }), 'test/a.test.js': "const request = require('supertest-not-here');\nrequire('node:test')('x', () => {});\n" });
    assert.equal(result.status, 'error');
    assert.match(result.error ?? '', /"supertest-not-here" is not installed/);
  });

  it('a relative module that is missing is a real failure of the code, not the environment', async () => {
    const result = await runIn({ 'package.json': packageJson({ test: 'node --test test/' }), 'test/a.test.js': "require('../src/gone.js');\n" });
    assert.equal(result.status, 'failed');
  });

  it('every test refused a connection: a service is not running', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const test = [
      "const { test } = require('node:test');",
      "const net = require('node:net');",
      `const connect = () => new Promise((resolve, reject) => net.connect(${port}, '127.0.0.1').on('connect', resolve).on('error', reject));`,
      "test('reads a row', async () => { await connect(); });",
      "test('writes a row', async () => { await connect(); });",
      '',
    ].join('\n');
    const result = await runIn({ 'package.json': packageJson({ test: 'node --test test/' }), 'test/db.test.js': test });
    assert.equal(result.status, 'error');
    assert.match(result.error ?? '', new RegExp(`refused a connection to 127\\.0\\.0\\.1:${port}`));
    assert.match(result.remedy ?? '', /Start the service/);
  });

  it('a test that fails for itself while another is refused a connection is a failure', async () => {
    const test = [
      "const { test } = require('node:test');",
      "const assert = require('node:assert');",
      "test('math', () => assert.equal(1 + 1, 3));",
      "test('db', async () => { const e = new Error('connect ECONNREFUSED 127.0.0.1:1'); e.code = 'ECONNREFUSED'; throw e; });",
      '',
    ].join('\n');
    const result = await runIn({ 'package.json': packageJson({ test: 'node --test test/' }), 'test/a.test.js': test });
    assert.equal(result.status, 'failed');
  });

  it('pytest that cannot import a test dependency', async () => {
    const result = await runIn({ 'pytest.ini': '[pytest]\n', 'tests/test_x.py': 'import not_a_real_module_xyz\n\ndef test_a():\n    assert True\n' });
    assert.equal(result.status, 'error');
    assert.match(result.error ?? '', /no module named "not_a_real_module_xyz"/);
    assert.match(result.remedy ?? '', /pip install not_a_real_module_xyz/);
  });

  it('pytest that cannot import a name the project does not have yet is a failure of the code', async () => {
    const result = await runIn({ 'pytest.ini': '[pytest]\n', 'shapes/__init__.py': 'def square(x):\n    return x * x\n', 'tests/test_shapes.py': 'from shapes import cube\n\ndef test_cube():\n    assert cube(2) == 8\n' });
    assert.equal(result.status, 'failed');
    const missing = await runIn({ 'pytest.ini': '[pytest]\n', 'shapes/__init__.py': '', 'tests/test_shapes.py': 'import shapes.solids\n\ndef test_a():\n    assert True\n' });
    assert.equal(missing.status, 'failed', 'a module of the project that does not exist yet is the code\'s failure too');
  });

  it('a program that does not exist', async () => {
    const result = await runIn({}, [{ name: 't', kind: 'test', command: 'definitely-not-a-program-xyz --run' }]);
    assert.equal(result.status, 'error');
    assert.match(result.error ?? '', /definitely-not-a-program-xyz is not installed/);
  });
});
