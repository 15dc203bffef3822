import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { cachedNodeModules, dependencyCacheRoot } from '../../../src/core/evolution/dependencyCache.ts';
import { folderFiles, nodeDependencySpec } from '../../../src/core/evolution/nodeDependencyKey.ts';
import type { NodeDependencySpec } from '../../../src/core/evolution/nodeDependencyKey.ts';
import { provideReplayDependencies } from '../../../src/core/evolution/replayDependencies.ts';
import { buildReplayTask, findReplayCandidates } from '../../../src/core/evolution/replayTasks.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { GitRepo, scratchSpace } from '../../helpers/gitRepo.ts';

const space = scratchSpace(after);
const scratch = space.scratch;
const cleanup = { push: space.track };

/**
 * A one-file package packed into a tarball by npm itself: a `file:` dependency on it installs
 * offline, so these tests run real `npm install` and `npm ci` without the registry.
 */
function packTiny(dir: string, version: string): string {
  const source = join(dir, `tiny-src-${version}`);
  mkdirSync(source, { recursive: true });
  writeFileSync(join(source, 'package.json'), JSON.stringify({ name: 'tiny', version, main: 'index.js' }));
  writeFileSync(join(source, 'index.js'), `module.exports = ${JSON.stringify(`v${version}`)};\n`);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: source, stdio: 'ignore' });
  return join(dir, `tiny-${version}.tgz`);
}

function manifest(tarball: string): string {
  return `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { test: 'node --test test/' }, dependencies: { tiny: `file:${tarball}` } }, null, 2)}\n`;
}

/** What an install made by `npm install --package-lock-only` holds, with the tarball's absolute path (a relative one would move with the folder). */
function lockfile(tarball: string, integrityOf: string): string {
  const lock = JSON.parse(readFileSync(integrityOf, 'utf8')) as { packages: Record<string, { resolved?: string }> };
  lock.packages['node_modules/tiny']!.resolved = `file:${tarball}`;
  return `${JSON.stringify(lock, null, 2)}\n`;
}

function npmInstall(dir: string, ...args: string[]): void {
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...args], { cwd: dir, stdio: 'ignore' });
}

function requireFrom(dir: string, name: string): string {
  return execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(name)}))`], { cwd: dir, encoding: 'utf8' });
}

describe('replay tasks get the dependencies of their own commit', () => {
  let packs: string;
  let v1: string;
  let v2: string;
  let v3: string;
  let repo: GitRepo;
  let storeDir: string;
  let cache: string;
  const shas: Record<string, string> = {};

  before(async () => {
    packs = scratch('coevolve-deps-packs-');
    v1 = packTiny(packs, '1.0.0');
    v2 = packTiny(packs, '2.0.0');
    v3 = packTiny(packs, '3.0.0');
    repo = GitRepo.create('coevolve-deps-repo-');
    cleanup.push(() => repo.remove());
    shas.initial = repo.commit('chore: initial', {
      '.gitignore': 'node_modules/\n',
      'package.json': manifest(v1),
      'src/greet.js': "require('tiny');\nexports.greet = () => 'hello';\n",
      'test/greet.test.js': "const assert = require('node:assert');\nconst { test } = require('node:test');\nconst { greet } = require('../src/greet.js');\ntest('greets', () => assert.equal(greet(), 'hello'));\n",
    });
    // Its test passes only with tiny 1.0.0 installed: the proof of whose dependencies the task got.
    shas.fix = repo.commit('fix: greet names the tiny version', {
      'src/greet.js': "const tiny = require('tiny');\nexports.greet = () => `hello ${tiny}`;\n",
      'test/greet.test.js': "const assert = require('node:assert');\nconst { test } = require('node:test');\nconst { greet } = require('../src/greet.js');\ntest('greets', () => assert.equal(greet(), 'hello v1.0.0'));\n",
    });
    shas.bump = repo.commit('chore: tiny 2', { 'package.json': manifest(v2) });
    // A commit that needs a newer dependency for its own change: its tests pass only with tiny 3.
    shas.upgrade = repo.commit('feat: greet with tiny 3', {
      'package.json': manifest(v3),
      'src/greet.js': "const tiny = require('tiny');\nexports.greet = () => `hi ${tiny}`;\n",
      'test/greet.test.js': "const assert = require('node:assert');\nconst { test } = require('node:test');\nconst { greet } = require('../src/greet.js');\ntest('greets', () => assert.equal(greet(), 'hi v3.0.0'));\n",
    });
    shas.back = repo.commit('chore: back to tiny 2', { 'package.json': manifest(v2) });
    // The user's tree today: tiny 2 installed.
    npmInstall(repo.dir, '--no-package-lock');
    assert.equal(requireFrom(repo.dir, 'tiny'), 'v2.0.0');
    storeDir = scratch('coevolve-deps-store-');
    await mineHistory(repo.dir, { storeDir, symbols: false });
    cache = scratch('coevolve-deps-cache-');
  });

  it('installs an older commit\u2019s dependencies into the cache, validates against them, and reuses the install', async () => {
    const [candidate] = (await findReplayCandidates(storeDir)).filter((c) => c.sha === shas.fix);
    assert.ok(candidate);
    const task = await buildReplayTask(repo.dir, candidate, { dependencyCache: cache });
    try {
      assert.equal(task.dependencies?.node, 'cache');
      assert.equal(task.dependencies?.cache?.reused, false);
      assert.match(task.dependencies?.cache?.command ?? '', /^npm install --no-package-lock --ignore-scripts --no-audit --no-fund/);
      assert.equal(realpathSync(join(task.worktree, 'node_modules')), realpathSync(join(cache, task.dependencies!.key!, 'node_modules')));
      assert.equal(requireFrom(task.worktree, 'tiny'), 'v1.0.0');
      assert.equal(task.invalid, undefined, JSON.stringify(task.invalid));
      assert.equal(task.valid, true);
    } finally {
      await task.dispose();
    }
    assert.equal(requireFrom(repo.dir, 'tiny'), 'v2.0.0', 'the user\u2019s node_modules is untouched');
    const again = await buildReplayTask(repo.dir, candidate, { dependencyCache: cache, validate: false });
    try {
      assert.equal(again.dependencies?.cache?.reused, true);
    } finally {
      await again.dispose();
    }
  });

  it('gives a commit that upgrades a dependency its new one, not its parent\u2019s', async () => {
    const candidate = (await findReplayCandidates(storeDir)).find((c) => c.sha === shas.upgrade);
    assert.ok(candidate);
    const task = await buildReplayTask(repo.dir, candidate, { dependencyCache: cache });
    try {
      assert.equal(task.dependencies?.node, 'cache');
      assert.equal(requireFrom(task.worktree, 'tiny'), 'v3.0.0');
      assert.equal(JSON.parse(readFileSync(join(task.worktree, 'package.json'), 'utf8')).dependencies.tiny, `file:${v2}`, 'the worktree keeps the parent\u2019s manifest');
      assert.equal(task.valid, true, JSON.stringify(task.invalid));
    } finally {
      await task.dispose();
    }
  });

  it('links the user\u2019s node_modules when the commit\u2019s dependencies hash the same', async () => {
    const tree = scratch('coevolve-deps-tree-');
    const empty = scratch('coevolve-deps-nocache-');
    const provided = await provideReplayDependencies(repo.dir, tree, shas.bump!, { cacheRoot: empty });
    assert.ok(provided.ok);
    assert.equal(provided.dependencies.node, 'user');
    assert.deepEqual(provided.dependencies.linked, ['node_modules']);
    assert.equal(requireFrom(tree, 'tiny'), 'v2.0.0');
    assert.deepEqual(readdirSync(empty), [], 'nothing was installed');
  });

  it('installs from a lockfile with npm ci, keyed by the lockfile', async () => {
    const dir = scratch('coevolve-deps-lock-');
    writeFileSync(join(dir, 'package.json'), manifest(v1));
    npmInstall(dir, '--package-lock-only', '--offline');
    writeFileSync(join(dir, 'package-lock.json'), lockfile(v1, join(dir, 'package-lock.json')));
    const read = await nodeDependencySpec(folderFiles(dir));
    assert.ok('spec' in read);
    assert.equal(read.spec.install, 'ci');
    const install = await cachedNodeModules(read.spec, { cacheRoot: cache });
    assert.ok(install.ok, install.ok ? '' : install.detail);
    assert.match(install.command, /^npm ci /);
    assert.equal(requireFrom(install.dir, 'tiny'), 'v1.0.0');
    // The same manifest with another lockfile is another install.
    const other = await nodeDependencySpec(async (name) => (name === 'package-lock.json' ? Buffer.from('{}') : name === 'package.json' ? readFileSync(join(dir, name)) : undefined));
    assert.ok('spec' in other && other.spec.key !== read.spec.key);
  });

  it('marks the task invalid with npm\u2019s own error when the install fails, and keeps nothing of it', async () => {
    const broken = repo.commit('fix: use a package that is gone', {
      'package.json': manifest(join(packs, 'missing-9.9.9.tgz')),
      'src/greet.js': "exports.greet = () => 'hello gone';\n",
      'test/greet.test.js': "const assert = require('node:assert');\nconst { test } = require('node:test');\nconst { greet } = require('../src/greet.js');\ntest('greets', () => assert.equal(greet(), 'hello gone'));\n",
    });
    // The user's tree moves on to tiny 2 again: the broken manifest is only in history.
    repo.commit('chore: back to tiny 2', { 'package.json': manifest(v2) });
    const store = scratch('coevolve-deps-store2-');
    await mineHistory(repo.dir, { storeDir: store, symbols: false });
    const candidate = (await findReplayCandidates(store)).find((c) => c.sha === broken);
    assert.ok(candidate);
    const task = await buildReplayTask(repo.dir, candidate, { dependencyCache: cache });
    try {
      assert.equal(task.valid, false);
      assert.equal(task.invalid?.reason, 'environment');
      assert.match(task.invalid?.detail ?? '', /^npm install --no-package-lock .* failed: exit \d+\n/);
      assert.match(task.invalid?.detail ?? '', /missing-9\.9\.9\.tgz|ENOENT/);
      assert.equal(task.validated, undefined, 'no test ran without its dependencies');
      assert.equal(existsSync(join(cache, task.dependencies!.key!)), false);
    } finally {
      await task.dispose();
    }
  });

  it('lets one of two processes install a key while the other waits, then reuses it', async () => {
    const root = scratch('coevolve-deps-race-');
    const spec = await specFor(v1);
    const [a, b] = await Promise.all([cachedNodeModules(spec, { cacheRoot: root }), cachedNodeModules(spec, { cacheRoot: root })]);
    assert.ok(a.ok && b.ok);
    assert.deepEqual([a.reused, b.reused].sort(), [false, true]);
    assert.equal(requireFrom(a.dir, 'tiny'), 'v1.0.0');
  });

  it('does not reuse a half-finished install, and leaves nothing behind when cancelled', async () => {
    const root = scratch('coevolve-deps-half-');
    const spec = await specFor(v2);
    // An install that died half-way: a node_modules with no marker.
    mkdirSync(join(root, spec.key, 'node_modules', 'tiny'), { recursive: true });
    writeFileSync(join(root, spec.key, 'node_modules', 'tiny', 'index.js'), 'module.exports = "half";\n');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(cachedNodeModules(spec, { cacheRoot: root, signal: controller.signal }), (error) => CoevolveError.is(error, 'cancelled'));
    assert.equal(existsSync(join(root, spec.key)), false);
    assert.equal(existsSync(join(root, `${spec.key}.lock`)), false, 'the lock is released');
    const install = await cachedNodeModules(spec, { cacheRoot: root });
    assert.ok(install.ok);
    assert.equal(install.reused, false);
    assert.equal(requireFrom(install.dir, 'tiny'), 'v2.0.0');
  });

  it('keeps its cache where COEVOLVE_DEPS_CACHE or the OS cache folder says', () => {
    assert.equal(dependencyCacheRoot({ COEVOLVE_DEPS_CACHE: '/x/deps' }), '/x/deps');
    if (process.platform === 'linux') {
      assert.equal(dependencyCacheRoot({ XDG_CACHE_HOME: '/c' }), '/c/coevolve/deps');
      assert.match(dependencyCacheRoot({}), /\.cache\/coevolve\/deps$/);
    }
  });

  async function specFor(tarball: string): Promise<NodeDependencySpec> {
    const read = await nodeDependencySpec(async (name) => (name === 'package.json' ? Buffer.from(manifest(tarball)) : undefined));
    assert.ok('spec' in read);
    return read.spec;
  }
});
