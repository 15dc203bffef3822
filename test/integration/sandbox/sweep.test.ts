import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MARKER_FILE, sandboxesDirFor } from '../../../src/core/sandbox/layout.ts';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import { sweepStaleSandboxes } from '../../../src/core/sandbox/sweep.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import { deadPid, sandboxOfChild, worktreePaths } from '../../helpers/sandboxFixtures.ts';

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function setup(): { repo: GitRepo; baseDir: string; parent: string } {
  const repo = GitRepo.create('coevolve-sweep-user-');
  repo.commit('start', { 'a.txt': 'a\n', '.gitignore': 'node_modules/\n' });
  repo.write('node_modules/dep/index.js', 'dep\n');
  const baseDir = tempDir('coevolve-sweep-base-');
  cleanup.push(() => repo.remove(), () => rmSync(baseDir, { recursive: true, force: true }));
  return { repo, baseDir, parent: sandboxesDirFor(realpathSync(repo.dir), baseDir) };
}

/** A sandbox folder holding only a marker, as if its owner had got that far. */
function markerOnly(parent: string, name: string, fields: { pid: number; startedAt?: string; host?: string }, userRoot: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  const marker = {
    version: 1,
    id: name,
    pid: fields.pid,
    hostname: fields.host ?? hostname(),
    startedAt: fields.startedAt ?? new Date().toISOString(),
    userRoot,
    tree: join(dir, 'tree'),
    kind: 'worktree',
  };
  writeFileSync(join(dir, MARKER_FILE), JSON.stringify(marker));
  return dir;
}

describe('sweeping stale sandboxes', () => {
  it('removes the worktree of a process that was killed', async () => {
    const { repo, baseDir } = setup();
    const left = await sandboxOfChild(repo.dir, baseDir, 'SIGKILL');
    assert.ok(existsSync(left.tree), 'the killed process could not clean up');
    assert.equal(worktreePaths(repo).length, 2);

    const result = await sweepStaleSandboxes({ root: repo.dir, baseDir });
    assert.deepEqual(result.removed, [left.dir]);
    assert.equal(existsSync(left.dir), false);
    assert.deepEqual(worktreePaths(repo), [repo.dir]);
    assert.equal(readFileSync(join(repo.dir, 'node_modules/dep/index.js'), 'utf8'), 'dep\n', 'the linked folder is untouched');
  });

  it('removes a marker whose pid is dead, keeps live owners and this process\'s own sandboxes', async () => {
    const { repo, baseDir, parent } = setup();
    const mine = await openSandbox({ root: repo.dir, baseDir });
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    cleanup.push(() => sleeper.kill('SIGKILL'));
    try {
      const dead = markerOnly(parent, 'dead', { pid: deadPid() }, repo.dir);
      const alive = markerOnly(parent, 'alive', { pid: sleeper.pid! }, repo.dir);
      const ancient = markerOnly(parent, 'ancient', { pid: sleeper.pid!, startedAt: new Date(Date.now() - 3 * 86_400_000).toISOString() }, repo.dir);
      const elsewhere = markerOnly(parent, 'elsewhere', { pid: deadPid(), host: 'another-machine' }, repo.dir);
      const reused = markerOnly(parent, 'reused', { pid: process.pid }, repo.dir);
      const fresh = join(parent, 'opening-now');
      mkdirSync(fresh);
      const orphan = join(parent, 'orphan');
      mkdirSync(orphan);
      const old = (Date.now() - 3_600_000) / 1000;
      utimesSync(orphan, old, old);

      const result = await sweepStaleSandboxes({ root: repo.dir, baseDir });
      assert.deepEqual(result.removed.sort(), [ancient, dead, orphan, reused].sort());
      assert.equal(result.kept, 4);
      for (const dir of [alive, elsewhere, fresh]) assert.ok(existsSync(dir), dir);
      assert.ok(existsSync(mine.root), 'an open sandbox of this process stays');
    } finally {
      await mine.dispose();
    }
  });

  it('does nothing for a root that never had a sandbox', async () => {
    const { repo, baseDir } = setup();
    assert.deepEqual(await sweepStaleSandboxes({ root: repo.dir, baseDir }), { removed: [], kept: 0 });
  });
});
