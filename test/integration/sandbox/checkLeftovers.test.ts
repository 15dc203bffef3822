import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import type { Sandbox } from '../../../src/core/sandbox/sandbox.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// Whatever a check leaves in the tree must be found and undone by restore(). The "checks" here
// are real processes (sh), so the writes come from outside the Node process, as a project's tests
// would.

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function project(): GitRepo {
  const repo = GitRepo.create('coevolve-leftovers-');
  cleanup.push(() => repo.remove());
  repo.commit('start', {
    '.gitignore': 'node_modules/\ndist/\n*.log\n',
    'a.txt': 'alpha\n',
    'b.txt': 'bravo\n',
    'src/keep.ts': 'export const keep = 1;\n',
    'src/deep/nested/n.ts': 'export const n = 1;\n',
    'gen/.gitkeep.log': 'only ignored files in here\n',
    'name with spaces é.txt': 'odd name\n',
  });
  repo.git('add', '-f', 'gen/.gitkeep.log');
  repo.git('commit', '-q', '-m', 'force-add');
  repo.write('node_modules/pkg/index.js', 'module.exports = 1;\n');
  return repo;
}

/** Runs a shell command in the sandbox, as a check would. */
function check(sandbox: Sandbox, script: string): void {
  execFileSync('sh', ['-c', script], { cwd: sandbox.root, stdio: 'pipe' });
}

function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

/** A sandbox whose agent already changed a.txt and added src/added/new.ts, checkpointed. */
async function checkpointed(): Promise<{ sandbox: Sandbox; checkpoint: string; files: string }> {
  const repo = project();
  const baseDir = tempDir('coevolve-leftovers-base-');
  cleanup.push(() => rmSync(baseDir, { recursive: true, force: true }));
  const sandbox = await openSandbox({ root: repo.dir, baseDir });
  cleanup.push(() => void sandbox.dispose());
  // What the team does after the baseline checks.
  await sandbox.resetToBase();
  // Folders git does not track, left by earlier checks: one empty, one holding only ignored files.
  mkdirSync(join(sandbox.root, 'empty'));
  mkdirSync(join(sandbox.root, 'logs'));
  writeFileSync(join(sandbox.root, 'logs/old.log'), 'ignored\n');
  writeFileSync(join(sandbox.root, 'a.txt'), 'alpha, by the agent\n');
  mkdirSync(join(sandbox.root, 'src/added'), { recursive: true });
  writeFileSync(join(sandbox.root, 'src/added/new.ts'), 'export const added = 1;\n');
  const checkpoint = await sandbox.checkpoint();
  return { sandbox, checkpoint, files: JSON.stringify((await sandbox.diff(undefined, checkpoint)).files) };
}

describe('what a check leaves behind', () => {
  it('is nothing when the check writes only ignored files', async () => {
    const { sandbox, checkpoint, files } = await checkpointed();
    try {
      check(sandbox, 'echo log > run.log && mkdir -p dist/x && echo out > dist/x/out.js && echo cache > logs/new.log && echo dep > node_modules/pkg/extra.js');
      assert.equal(await sandbox.restore(checkpoint), false);
      assert.equal(read(sandbox.root, 'run.log'), 'log\n', 'ignored output stays');
      assert.equal(read(sandbox.root, 'dist/x/out.js'), 'out\n');
      assert.equal(JSON.stringify((await sandbox.diff()).files), files);
      // A second round through the same folders: still nothing to undo.
      check(sandbox, 'echo again > dist/x/out.js && echo again > logs/new.log');
      assert.equal(await sandbox.restore(checkpoint), false);
      // A check that runs git (which may rewrite the index with fresh file times) changes nothing either.
      check(sandbox, 'touch b.txt && git status --porcelain >/dev/null && git diff --quiet HEAD -- b.txt');
      assert.equal(await sandbox.restore(checkpoint), false);
      assert.equal(JSON.stringify((await sandbox.diff()).files), files);
    } finally {
      rmSync(join(sandbox.root, 'node_modules/pkg/extra.js'), { force: true });
      await sandbox.dispose();
    }
  });

  it('finds edited, deleted, renamed and re-moded tracked files and puts them back', async () => {
    const { sandbox, checkpoint, files } = await checkpointed();
    try {
      check(sandbox, 'echo rewritten > b.txt && rm src/keep.ts && mv src/deep/nested/n.ts src/deep/moved.ts && chmod +x "name with spaces é.txt" && echo again > a.txt');
      assert.equal(await sandbox.restore(checkpoint), true);
      assert.equal(read(sandbox.root, 'b.txt'), 'bravo\n');
      assert.equal(read(sandbox.root, 'src/keep.ts'), 'export const keep = 1;\n');
      assert.equal(read(sandbox.root, 'src/deep/nested/n.ts'), 'export const n = 1;\n');
      assert.equal(existsSync(join(sandbox.root, 'src/deep/moved.ts')), false);
      assert.equal(statSync(join(sandbox.root, 'name with spaces é.txt')).mode & 0o111, 0);
      assert.equal(read(sandbox.root, 'a.txt'), 'alpha, by the agent\n', 'the agent\'s change is what comes back');
      assert.equal(JSON.stringify((await sandbox.diff()).files), files);
    } finally {
      await sandbox.dispose();
    }
  });

  it('finds new files anywhere git would see them: new folders, empty folders, folders of ignored files, folders the agent made', async () => {
    for (const script of [
      'echo x > src/stray.ts',
      'mkdir -p reports/junit && echo "<testsuite/>" > reports/junit/r.xml',
      'echo x > empty/now-here.txt',
      'echo x > logs/not-ignored.txt',
      'echo x > gen/made.txt',
      'echo x > src/added/second.ts',
      'echo x > "src/deep/nested/ü n.ts"',
    ]) {
      const { sandbox, checkpoint, files } = await checkpointed();
      try {
        check(sandbox, script);
        assert.equal(await sandbox.restore(checkpoint), true, script);
        assert.equal(JSON.stringify((await sandbox.diff()).files), files, script);
        assert.equal(existsSync(join(sandbox.root, 'src/stray.ts')) || existsSync(join(sandbox.root, 'reports')) || existsSync(join(sandbox.root, 'empty/now-here.txt')), false);
      } finally {
        await sandbox.dispose();
      }
    }
  });

  it('notices a check that changed the index, not the files', async () => {
    const { sandbox, checkpoint, files } = await checkpointed();
    try {
      check(sandbox, 'git rm -q --cached b.txt');
      await sandbox.restore(checkpoint);
      assert.equal(JSON.stringify((await sandbox.diff()).files), files, 'b.txt is not reported deleted');
      assert.match(execFileSync('git', ['ls-files', 'b.txt'], { cwd: sandbox.root, encoding: 'utf8' }), /b\.txt/);
    } finally {
      await sandbox.dispose();
    }
  });

  it('keeps finding leftovers round after round, in folders made and removed along the way', async () => {
    const { sandbox, checkpoint } = await checkpointed();
    try {
      check(sandbox, 'mkdir -p tmp/a && echo x > tmp/a/f.txt');
      assert.equal(await sandbox.restore(checkpoint), true);
      assert.equal(existsSync(join(sandbox.root, 'tmp')), false);
      // The folder comes back in a later round.
      check(sandbox, 'mkdir -p tmp/a && echo y > tmp/a/g.txt');
      assert.equal(await sandbox.restore(checkpoint), true);
      assert.equal(existsSync(join(sandbox.root, 'tmp')), false);
      // The agent's next round adds a folder; a check then writes in it.
      mkdirSync(join(sandbox.root, 'lib/fresh'), { recursive: true });
      writeFileSync(join(sandbox.root, 'lib/fresh/one.ts'), 'export const one = 1;\n');
      const next = await sandbox.checkpoint();
      check(sandbox, 'echo x > lib/fresh/two.ts');
      assert.equal(await sandbox.restore(next), true);
      assert.equal(existsSync(join(sandbox.root, 'lib/fresh/two.ts')), false);
      assert.equal(read(sandbox.root, 'lib/fresh/one.ts'), 'export const one = 1;\n');
      check(sandbox, 'true');
      assert.equal(await sandbox.restore(next), false);
    } finally {
      await sandbox.dispose();
    }
  });

  it('holds every file written, whether or not the caller named it', async () => {
    const { sandbox } = await checkpointed();
    try {
      // A tool wrote c.txt; something else (a command the model ran) wrote d.txt.
      writeFileSync(join(sandbox.root, 'c.txt'), 'from a tool\n');
      writeFileSync(join(sandbox.root, 'd.txt'), 'from a command\n');
      const checkpoint = await sandbox.checkpoint();
      const staged = (await sandbox.diff(undefined, checkpoint)).files.map((f) => f.path);
      assert.ok(staged.includes('c.txt'));
      assert.ok(staged.includes('d.txt'), staged.join());
      assert.deepEqual((await sandbox.diff()).files.map((f) => f.path).sort(), ['a.txt', 'c.txt', 'd.txt', 'src/added/new.ts']);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('an executable bit a check removes', () => {
  it('comes back', async () => {
    const repo = project();
    repo.write('run.sh', '#!/bin/sh\n');
    chmodSync(join(repo.dir, 'run.sh'), 0o755);
    repo.git('add', 'run.sh');
    repo.git('commit', '-q', '-m', 'script');
    const baseDir = tempDir('coevolve-leftovers-base-');
    cleanup.push(() => rmSync(baseDir, { recursive: true, force: true }));
    const sandbox = await openSandbox({ root: repo.dir, baseDir });
    try {
      await sandbox.resetToBase();
      const checkpoint = await sandbox.checkpoint();
      check(sandbox, 'chmod -x run.sh');
      assert.equal(await sandbox.restore(checkpoint), true);
      assert.ok(statSync(join(sandbox.root, 'run.sh')).mode & 0o100);
    } finally {
      await sandbox.dispose();
    }
  });
});
