import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoevolveError } from '../../../src/core/errors.ts';
import { parseConfiguredChecks } from '../../../src/core/verify/configuredChecks.ts';
import { DEFAULT_CHECK_TIMEOUT_MS, isIssuedCheck, isIssuedPlan, planChecks } from '../../../src/core/verify/plan.ts';
import { runCheck } from '../../../src/core/verify/run/runCheck.ts';
import { runChecks } from '../../../src/core/verify/runChecks.ts';
import type { CheckPlan } from '../../../src/core/verify/checkSpec.ts';
import { packageJson, VerifyFixture } from '../../helpers/verifyFixtures.ts';

const project = new VerifyFixture({ 'package.json': packageJson({ test: 'node --test', lint: 'eslint .' }) });
const empty = new VerifyFixture();
after(() => {
  project.remove();
  empty.remove();
});

describe('parseConfiguredChecks', () => {
  it('turns strings and objects into shell-line checks', () => {
    const drafts = parseConfiguredChecks(['make test', { name: 'e2e', command: 'npm run e2e -- --headless', timeoutMs: 600_000, kind: 'test' }], '/p');
    assert.deepEqual(drafts, [
      { id: 'custom-1', kind: 'custom', command: { shell: 'make test' }, display: 'make test', cwd: '/p', source: 'configured' },
      { id: 'e2e', kind: 'test', command: { shell: 'npm run e2e -- --headless' }, display: 'npm run e2e -- --headless', cwd: '/p', source: 'configured', timeoutMs: 600_000 },
    ]);
  });

  it('treats no setting as no checks', () => {
    assert.deepEqual(parseConfiguredChecks(undefined, '/p'), []);
  });

  it('rejects malformed settings and duplicate names with bad-input', () => {
    for (const value of ['make test', [''], [{ name: 'x' }], [{ name: 'x', command: 'y', timeoutMs: -1 }], [{ name: 'x', command: 'y', extra: 1 }], [{ name: 'a', command: 'x' }, { name: 'a', command: 'y' }]]) {
      assert.throws(() => parseConfiguredChecks(value, '/p'), (error) => CoevolveError.is(error, 'bad-input'), JSON.stringify(value));
    }
  });
});

describe('planChecks', () => {
  it('issues frozen, detected checks with the default timeout', async () => {
    const plan = await planChecks(project.dir);
    assert.deepEqual(
      plan.checks.map((check) => [check.id, check.timeoutMs]),
      [['test', DEFAULT_CHECK_TIMEOUT_MS], ['lint', DEFAULT_CHECK_TIMEOUT_MS]],
    );
    assert.ok(isIssuedPlan(plan));
    assert.ok(plan.checks.every(isIssuedCheck));
    assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.checks) && Object.isFrozen(plan.checks[0]!.command));
    assert.throws(() => {
      (plan.checks[0] as { display: string }).display = 'rm -rf /';
    }, TypeError);
  });

  it('uses configured checks only as a fallback by default', async () => {
    const detected = await planChecks(project.dir, { configured: ['make check'] });
    assert.deepEqual(detected.checks.map((check) => check.id), ['test', 'lint']);
    assert.ok(detected.notes.some((note) => note.includes('Configured checks were not used')));
    const fallback = await planChecks(empty.dir, { configured: ['make check'], defaultTimeoutMs: 1000 });
    assert.deepEqual(fallback.checks.map((check) => [check.id, check.source, check.timeoutMs]), [['custom-1', 'configured', 1000]]);
  });

  it('replaces detection, or merges with it (a configured name overriding a detected id)', async () => {
    const replaced = await planChecks(project.dir, { configured: [{ name: 'unit', command: 'npm test -- --only-unit' }], configuredMode: 'replace' });
    assert.deepEqual(replaced.checks.map((check) => check.id), ['unit']);
    const merged = await planChecks(project.dir, { configured: [{ name: 'test', command: 'npm test -- --runInBand', timeoutMs: 9000 }, 'make docs'], configuredMode: 'merge' });
    assert.deepEqual(
      merged.checks.map((check) => [check.id, check.kind, check.display, check.source, check.timeoutMs]),
      [
        ['test', 'test', 'npm test -- --runInBand', 'configured', 9000],
        ['lint', 'lint', 'npm run lint', 'detected:package.json', DEFAULT_CHECK_TIMEOUT_MS],
        ['custom-2', 'custom', 'make docs', 'configured', DEFAULT_CHECK_TIMEOUT_MS],
      ],
    );
  });

  it('notes when there is nothing to run', async () => {
    const plan = await planChecks(empty.dir);
    assert.deepEqual(plan.checks, []);
    assert.match(plan.notes.join('\n'), /No checks found/);
  });

  it('refuses a folder that does not exist and a bad timeout', async () => {
    await assert.rejects(planChecks(empty.path('missing')), (error) => CoevolveError.is(error, 'bad-input'));
    await assert.rejects(planChecks(empty.dir, { defaultTimeoutMs: 0 }), (error) => CoevolveError.is(error, 'bad-input'));
  });
});

describe('runChecks guards', () => {
  it('refuses an untrusted workspace before running anything', async () => {
    const plan = await planChecks(empty.dir, { configured: ['node -e "require(\'fs\').writeFileSync(\'ran\', \'\')"'] });
    await assert.rejects(runChecks(plan, { workspaceTrusted: false }), (error) => CoevolveError.is(error, 'workspace-untrusted'));
  });

  it('refuses a plan that planChecks did not issue, even a copy of a real one', async () => {
    const real = await planChecks(project.dir);
    const forged: CheckPlan = { folder: empty.dir, notes: [], checks: [{ id: 'x', kind: 'custom', command: { shell: 'echo pwned' }, display: 'echo pwned', cwd: empty.dir, timeoutMs: 1000, source: 'configured' }] };
    const copied: CheckPlan = { ...real, checks: [...real.checks] };
    for (const plan of [forged, copied]) {
      await assert.rejects(runChecks(plan, { workspaceTrusted: true }), (error) => CoevolveError.is(error, 'bad-input'));
    }
  });

  it('guards runCheck too, for a single check', async () => {
    const plan = await planChecks(project.dir);
    const check = plan.checks[0]!;
    await assert.rejects(runCheck(check, { workspaceTrusted: false }), (error) => CoevolveError.is(error, 'workspace-untrusted'));
    await assert.rejects(runCheck({ ...check }, { workspaceTrusted: true }), (error) => CoevolveError.is(error, 'bad-input'));
  });

  it('refuses ids that are not in the plan', async () => {
    const plan = await planChecks(project.dir);
    await assert.rejects(runChecks(plan, { workspaceTrusted: true, only: ['nope'] }), (error) => CoevolveError.is(error, 'bad-input'));
  });
});
