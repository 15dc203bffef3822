import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { withStoreLock } from '../../../src/core/memory/storeLock.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';

// The store's write lock with real processes: one that holds it and is killed with SIGKILL, and
// one that holds it and lives on.

const space = scratchSpace(after);
const ROOT = join(import.meta.dirname, '../../..');

/** A process that takes the lock, says so, and holds it until killed. */
async function holder(dir: string): Promise<ReturnType<typeof spawn>> {
  const code = `import { withStoreLock } from ${JSON.stringify(join(ROOT, 'src/core/memory/storeLock.ts'))};\nawait withStoreLock(${JSON.stringify(dir)}, async () => { process.stdout.write('held\\n'); await new Promise(() => setInterval(() => {}, 1000)); });\n`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  space.track(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}

describe('the store lock', () => {
  it('takes over at once a lock whose process was killed (kill -9)', async () => {
    const dir = space.scratch('coevolve-lock-dead-');
    const child = await holder(dir);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(existsSync(join(dir, 'write.lock')), 'the dead process left its lock behind');
    const started = performance.now();
    assert.equal(await withStoreLock(dir, async () => 'written'), 'written');
    assert.ok(performance.now() - started < 3_000, `took ${Math.round(performance.now() - started)} ms, not the 20 s a stale lock takes`);
  });

  it('waits as long as it says for a lock a live process holds, then says so', async () => {
    const dir = space.scratch('coevolve-lock-live-');
    const child = await holder(dir);
    const started = performance.now();
    await assert.rejects(withStoreLock(dir, async () => 'never', { waitMs: 2_000 }), (error: unknown) => CoevolveError.is(error, 'store-locked') && /for over 2 s/.test(error.message));
    const waited = performance.now() - started;
    assert.ok(waited >= 2_000 && waited < 4_000, `waited ${Math.round(waited)} ms`);
    child.kill('SIGKILL');
  });
});
