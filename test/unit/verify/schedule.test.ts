import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import type { CheckSpec } from '../../../src/core/verify/checkSpec.ts';
import { detectChecks } from '../../../src/core/verify/detect/detectChecks.ts';
import { scriptClosure, scriptMayWrite } from '../../../src/core/verify/detect/scriptEffects.ts';
import { planChecks } from '../../../src/core/verify/plan.ts';
import { defaultCheckConcurrency, MAX_CHECK_CONCURRENCY, scheduleChecks } from '../../../src/core/verify/schedule.ts';
import { packageJson, VerifyFixture } from '../../helpers/verifyFixtures.ts';

const fixtures: VerifyFixture[] = [];
function fixture(files: Record<string, string>): VerifyFixture {
  const made = new VerifyFixture(files);
  fixtures.push(made);
  return made;
}
after(() => fixtures.forEach((made) => made.remove()));

const scripts = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

describe('scriptMayWrite', () => {
  it('takes linters, type checks without emit and test runners as reading only', () => {
    for (const body of ['eslint .', 'standard', 'standard | snazzy', 'tsc --noEmit', 'tsc -p tsconfig.json --noEmit', 'vue-tsc --noEmit', 'npx --no-install eslint --max-warnings 0 src', 'node --test', 'mocha --require @babel/register test/', 'jest --ci', 'vitest run', 'prettier --check .', 'eslint --fix-dry-run .', 'cross-env NODE_ENV=test mocha', 'node_modules/.bin/eslint .']) {
      assert.equal(scriptMayWrite(scripts({ x: body }), 'x'), false, body);
    }
  });

  it('takes fixes, builds, emitting tsc, file programs and opaque runners as writing', () => {
    for (const body of ['eslint --fix .', 'standard --fix', 'prettier --write .', 'biome check --apply', 'tsc', 'tsc -p .', 'tsc --build', 'npx tsc', 'npm run build && mocha', 'node scripts/build.js', 'babel src -d lib', 'rimraf coverage && jest', 'run-p lint:*', 'npm-run-all --parallel lint:*', 'turbo run lint', './scripts/lint.sh', 'sh -c "eslint ."', 'prisma generate && jest']) {
      assert.equal(scriptMayWrite(scripts({ x: body }), 'x'), true, body);
    }
  });

  it('follows pre and post hooks and the scripts a script runs by name', () => {
    assert.equal(scriptMayWrite(scripts({ test: 'mocha', pretest: 'node make-fixtures.js && tsc' }), 'test'), true);
    assert.equal(scriptMayWrite(scripts({ lint: 'npm run lint:js', 'lint:js': 'eslint --fix .' }), 'lint'), true);
    assert.equal(scriptMayWrite(scripts({ lint: 'pnpm lint:js && yarn lint:css', 'lint:js': 'eslint .', 'lint:css': 'stylelint "**/*.css"' }), 'lint'), false);
    assert.deepEqual(scriptClosure(scripts({ pretest: 'a', test: 'npm run unit', posttest: 'c', unit: 'd', preunit: 'e' }), 'test'), ['a', 'npm run unit', 'e', 'd', 'c']);
    // A loop of scripts ends.
    assert.equal(scriptMayWrite(scripts({ a: 'npm run b', b: 'npm run a' }), 'a'), false);
  });
});

const flags = (checks: readonly { id: string; parallel?: true }[]): string[] => checks.map((check) => `${check.id}${check.parallel ? ' beside' : ''}`);

describe('package.json checks that may run beside the tests', () => {
  it('marks a reading lint and typecheck, never the tests', async () => {
    const { checks } = await detectChecks(fixture({ 'package.json': packageJson({ test: 'node --test', typecheck: 'tsc --noEmit', lint: 'eslint .', build: 'tsc' }) }).dir);
    assert.deepEqual(flags(checks), ['test', 'typecheck beside', 'lint beside']);
  });

  it('keeps all in order when any of them writes', async () => {
    const cases: Record<string, string>[] = [
      { test: 'node --test', lint: 'eslint --fix .' },
      { test: 'node --test', typecheck: 'tsc', lint: 'eslint .' },
      { test: 'npm run build && node --test', lint: 'eslint .', build: 'tsc' },
      { test: 'jest', pretest: 'npm run build', lint: 'eslint .', build: 'node build.js' },
      { test: 'jest', lint: 'run-p lint:*', 'lint:js': 'eslint .' },
    ];
    for (const entries of cases) {
      const { checks } = await detectChecks(fixture({ 'package.json': packageJson(entries) }).dir);
      assert.ok(checks.length >= 2 && checks.every((check) => !check.parallel), JSON.stringify(entries));
    }
  });

  it('drops the mark from every check of a plan that holds a configured one', async () => {
    const project = fixture({ 'package.json': packageJson({ test: 'node --test', lint: 'eslint .' }) });
    assert.deepEqual(flags((await planChecks(project.dir)).checks), ['test', 'lint beside']);
    const merged = await planChecks(project.dir, { configured: ['make docs'], configuredMode: 'merge' });
    assert.deepEqual(flags(merged.checks), ['test', 'lint', 'custom-1']);
    const replaced = await planChecks(project.dir, { configured: [{ name: 'lint', command: 'eslint .', kind: 'lint' }], configuredMode: 'replace' });
    assert.deepEqual(flags(replaced.checks), ['lint']);
  });
});

describe('scheduleChecks', () => {
  const spec = (id: string, parallel = false): CheckSpec => ({ id, kind: 'custom', command: { shell: id }, display: id, cwd: '/p', timeoutMs: 1000, source: 'detected:x', ...(parallel ? { parallel: true as const } : {}) });
  const plan = [spec('test'), spec('typecheck', true), spec('pytest'), spec('lint', true)];

  it('runs the unmarked checks in plan order and the marked ones beside them', () => {
    assert.deepEqual(scheduleChecks(plan, 3), { inOrder: [0, 2], beside: [1, 3] });
  });

  it('runs everything in order at a concurrency of 1', () => {
    assert.deepEqual(scheduleChecks(plan, 1), { inOrder: [0, 1, 2, 3], beside: [] });
  });

  it('defaults to the cores, at most 3, and reads COEVOLVE_CHECK_CONCURRENCY', () => {
    assert.equal(defaultCheckConcurrency({}), Math.min(MAX_CHECK_CONCURRENCY, availableParallelism()));
    assert.equal(defaultCheckConcurrency({ COEVOLVE_CHECK_CONCURRENCY: '1' }), 1);
    assert.equal(defaultCheckConcurrency({ COEVOLVE_CHECK_CONCURRENCY: '8' }), 3);
    assert.equal(defaultCheckConcurrency({ COEVOLVE_CHECK_CONCURRENCY: 'lots' }), Math.min(MAX_CHECK_CONCURRENCY, availableParallelism()));
  });
});
