import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyChange } from '../../../src/core/agents/verifyChange.ts';
import type { CheckRun } from '../../../src/core/verify/checkResult.ts';
import { repoWithScript, resetSandbox } from '../../helpers/sandboxFixtures.ts';

// The checks run on the change as it stands, with any file that defines its own verification put
// back to the original for the run; whatever the checks write, the sandbox ends as the change left
// it, failing checks included. Real git, a real sandbox; the "checks" are a function that reads and
// writes the tree the way a test run would.

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

const noRun = (): CheckRun => ({ folder: '', startedAt: '', durationMs: 0, results: [], cancelled: false });

describe('verifying a change', () => {
  it('runs the checks on the change with the verifier as it was, then puts back the change, whatever the checks wrote', async () => {
    const repo = repoWithScript('coevolve-verify-change-', { 'package.json': '{"scripts":{"test":"node --test"}}\n', 'src/a.js': 'a\n', 'test/a.test.js': 'original test\n' }, cleanup);
    const sandbox = await resetSandbox(repo, cleanup);
    try {
      writeFileSync(join(sandbox.root, 'src/a.js'), 'changed\n');
      writeFileSync(join(sandbox.root, 'package.json'), '{"scripts":{"test":"node -e 0"}}\n');
      writeFileSync(join(sandbox.root, 'test/a.test.js'), 'rewritten test\n');
      let seen: Record<string, string> = {};
      const verified = await verifyChange(sandbox, new Set(['test/a.test.js']), async () => {
        seen = { source: readFileSync(join(sandbox.root, 'src/a.js'), 'utf8'), manifest: readFileSync(join(sandbox.root, 'package.json'), 'utf8'), test: readFileSync(join(sandbox.root, 'test/a.test.js'), 'utf8') };
        // What a test run leaves behind: a report, and a file of the change overwritten.
        writeFileSync(join(sandbox.root, 'report.xml'), '<report/>\n');
        writeFileSync(join(sandbox.root, 'src/a.js'), 'written by the check\n');
        return noRun();
      });
      assert.deepEqual(seen, { source: 'changed\n', manifest: '{"scripts":{"test":"node --test"}}\n', test: 'original test\n' }, 'the change, judged by the original verifier');
      assert.deepEqual(verified.protectedEdits, ['package.json', 'test/a.test.js']);
      assert.deepEqual(verified.files.map((f) => f.path).sort(), ['package.json', 'src/a.js', 'test/a.test.js']);
      assert.equal(readFileSync(join(sandbox.root, 'src/a.js'), 'utf8'), 'changed\n');
      assert.equal(readFileSync(join(sandbox.root, 'package.json'), 'utf8'), '{"scripts":{"test":"node -e 0"}}\n', 'the change itself is kept');
      assert.equal(readFileSync(join(sandbox.root, 'test/a.test.js'), 'utf8'), 'rewritten test\n');
      assert.equal(existsSync(join(sandbox.root, 'report.xml')), false, 'what the checks wrote is gone');
      assert.equal(await sandbox.checkpoint(), verified.tree, 'the sandbox is at the checkpoint');
    } finally {
      await sandbox.dispose();
    }
  });

  it('passes a failing run\'s error on, with the files back as the change left them', async () => {
    const repo = repoWithScript('coevolve-verify-change-fail-', { 'src/a.js': 'a\n', 'src/b.js': 'b\n' }, cleanup);
    const sandbox = await resetSandbox(repo, cleanup);
    try {
      writeFileSync(join(sandbox.root, 'src/a.js'), 'changed\n');
      const change = verifyChange(sandbox, new Set(), async () => {
        rmSync(join(sandbox.root, 'src/a.js'));
        writeFileSync(join(sandbox.root, 'src/b.js'), 'clobbered\n');
        throw new Error('the runner crashed');
      });
      await assert.rejects(change, /the runner crashed/);
      assert.equal(readFileSync(join(sandbox.root, 'src/a.js'), 'utf8'), 'changed\n');
      assert.equal(readFileSync(join(sandbox.root, 'src/b.js'), 'utf8'), 'b\n');
    } finally {
      await sandbox.dispose();
    }
  });
});
