import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { blobBytes, CHECKOUT_ATTRIBUTES, GitBatch, writtenAsStored } from '../../../src/core/sandbox/gitBatch.ts';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import { sandboxGit, sandboxGitArgv, stageAndWriteTree } from '../../../src/core/sandbox/sandboxGit.ts';
import { ShellLauncher } from '../../../src/core/sandbox/shellLauncher.ts';
import { TreeWatch } from '../../../src/core/sandbox/treeWatch.ts';
import type { WatchedChanges } from '../../../src/core/sandbox/treeWatch.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function repoWith(files: Record<string, string>): GitRepo {
  const repo = GitRepo.create('coevolve-helpers-');
  cleanup.push(() => repo.remove());
  repo.commit('start', files);
  return repo;
}

const posix = process.platform !== 'win32';

describe('the shell launcher', { skip: !posix }, () => {
  it('runs scripts with their input, variables and marks, whatever the bytes', async () => {
    const dir = scratch('coevolve-launcher-');
    const launcher = ShellLauncher.start(dir, join(dir, 'jobs'), ['printf', '%s|']);
    assert.ok(launcher);
    try {
      const odd = `it's "quoted" $(not run) \`nor this\`\nand a second line`;
      const marks: string[] = [];
      const result = await launcher.run('mark first && "$@" "$ODD" && cat && mark "second one"', { env: { ODD: odd }, input: 'from stdin\0with a NUL', onMark: (text) => marks.push(text) });
      assert.equal(result.code, 0);
      assert.equal(result.stdout.toString('utf8'), `${odd}|from stdin\0with a NUL`);
      assert.deepEqual(marks, ['first', 'second one']);
      const failed = await launcher.run('echo oops >&2; exit 3');
      assert.deepEqual([failed.code, failed.stderr], [3, 'oops\n']);
      // Jobs run side by side and each gets its own answer.
      const both = await Promise.all([launcher.run('sleep 0.2; echo slow'), launcher.run('echo fast')]);
      assert.deepEqual(both.map((r) => r.stdout.toString()), ['slow\n', 'fast\n']);
      assert.deepEqual(readdirSync(join(dir, 'jobs')), [], 'no job files stay behind');
    } finally {
      launcher.close();
    }
  });

  it('leaves no finished job behind as a zombie of the shell', { skip: process.platform !== 'linux' }, async () => {
    const dir = scratch('coevolve-launcher-');
    const launcher = ShellLauncher.start(dir, join(dir, 'jobs'), ['true']);
    assert.ok(launcher);
    try {
      for (let i = 0; i < 50; i++) await launcher.run('exec "$@"');
      const pid = (launcher as unknown as { child: { pid: number } }).child.pid;
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      assert.equal(children, '');
    } finally {
      launcher.close();
    }
  });

  it('answers a cancelled job at once, and close() ends what still runs', async () => {
    const dir = scratch('coevolve-launcher-');
    const launcher = ShellLauncher.start(dir, join(dir, 'jobs'), ['true']);
    assert.ok(launcher);
    const controller = new AbortController();
    const job = launcher.run('sleep 5; echo late > late.txt', { signal: controller.signal });
    controller.abort();
    await assert.rejects(job, (error: unknown) => CoevolveError.is(error, 'cancelled'));
    const other = launcher.run('sleep 5; echo late > other.txt');
    launcher.close();
    await assert.rejects(other);
    assert.equal(launcher.usable, false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(join(dir, 'late.txt')) || existsSync(join(dir, 'other.txt')), false);
  });

  it('stages and writes the tree as two separate git commands would, and diffs it', async () => {
    const repo = repoWith({ 'a.txt': 'alpha\n', 'dir/b.txt': 'bravo\n' });
    const launcher = ShellLauncher.start(repo.dir, join(scratch('coevolve-launcher-'), 'jobs'), ['git', ...sandboxGitArgv([])]);
    try {
      writeFileSync(join(repo.dir, 'a.txt'), 'alpha, changed\n');
      writeFileSync(join(repo.dir, "new 'quoted' name.txt"), 'new\n');
      rmSync(join(repo.dir, 'dir/b.txt'));
      const paths = ['a.txt', "new 'quoted' name.txt", 'dir/b.txt'];
      const base = repo.head();
      for (const via of [launcher, undefined]) {
        const { tree, diff } = await stageAndWriteTree(sandboxGit(repo.dir), paths, base, via);
        assert.equal(tree, repo.git('write-tree').trim());
        const bytes = await diff;
        assert.ok(bytes);
        assert.match(bytes.toString('utf8'), /:100644 000000 [0-9a-f]{40} 0{40} D\0dir\/b\.txt\0/);
        assert.match(bytes.toString('utf8'), /\+alpha, changed/);
      }
      await assert.rejects(stageAndWriteTree(sandboxGit(repo.dir), ['../outside.txt'], base, launcher), (error: unknown) => CoevolveError.is(error, 'git-failed'));
    } finally {
      launcher?.close();
    }
  });
});

describe('the git batch processes', () => {
  it('read blobs as stored and tell which files checkout writes as stored, and survive a bad request', async () => {
    const repo = repoWith({ '.gitattributes': '*.crlf text eol=crlf\n*.bin binary\n', 'a.crlf': 'one\ntwo\n', 'plain.txt': 'plain\n', 'b.bin': '\0\x01raw' });
    const blobs = GitBatch.start(repo.dir, ['cat-file', '--batch']);
    const attributes = GitBatch.start(repo.dir, ['check-attr', '-z', '--stdin', ...CHECKOUT_ATTRIBUTES]);
    try {
      const oid = (path: string): string => repo.git('rev-parse', `HEAD:${path}`).trim();
      assert.equal((await blobBytes(blobs, oid('a.crlf'))).toString(), 'one\ntwo\n', 'the stored bytes, not the checked-out ones');
      assert.equal((await blobBytes(blobs, oid('b.bin'))).toString('latin1'), '\0\x01raw');
      await assert.rejects(blobBytes(blobs, '0'.repeat(40)));
      assert.equal((await blobBytes(blobs, oid('plain.txt'))).toString(), 'plain\n', 'a missing object does not stop the next answer');
      assert.ok(blobs.usable);
      const answers = await Promise.all(['plain.txt', 'a.crlf', 'b.bin', 'new\nline.txt', 'deep/x.crlf'].map((path) => writtenAsStored(attributes, path)));
      assert.deepEqual(answers, [true, false, false, true, false]);
    } finally {
      blobs.close();
      attributes.close();
    }
    await assert.rejects(blobBytes(blobs, '0'.repeat(40)));
  });
});

describe('a sandbox diff', () => {
  it('lists renames, binaries and odd names as git diff --name-status does, from one git process', async () => {
    const repo = repoWith({ 'old.txt': 'same content, long enough to be a rename\n'.repeat(5), 'bin.dat': '\0\x01\x02', 'keep.txt': 'keep\n' });
    const sandbox = await openSandbox({ root: repo.dir, baseDir: scratch('coevolve-helpers-base-') });
    try {
      execFileSync('git', ['mv', 'old.txt', 'new name ü.txt'], { cwd: sandbox.root });
      writeFileSync(join(sandbox.root, 'bin.dat'), Buffer.from([0, 9, 9]));
      writeFileSync(join(sandbox.root, 'tab\there.txt'), 'tab\n');
      const diff = await sandbox.diff();
      assert.deepEqual(diff.files, [
        { path: 'bin.dat', status: 'modified' },
        { path: 'new name ü.txt', status: 'renamed', from: 'old.txt' },
        { path: 'tab\there.txt', status: 'added' },
      ]);
      assert.match(diff.patch, /^diff --git a\/bin\.dat b\/bin\.dat\n/);
      assert.match(diff.patch, /GIT binary patch/);
      assert.equal(diff.patch, diff.patchBytes.toString('utf8'));
      // The patch is exactly git's own.
      const tree = execFileSync('git', ['write-tree'], { cwd: sandbox.root, encoding: 'utf8' }).trim();
      const own = execFileSync('git', ['-c', 'diff.renames=true', 'diff', '--binary', '--full-index', '--no-color', '--src-prefix=a/', '--dst-prefix=b/', sandbox.baseCommit, tree], { cwd: sandbox.root });
      assert.ok(own.equals(diff.patchBytes));
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('the tree watch', { skip: !TreeWatch.supported() }, () => {
  async function watchOf(repo: GitRepo): Promise<TreeWatch> {
    const watch = await TreeWatch.start(repo.dir, join(scratch('coevolve-watch-'), 'watch'), sandboxGit(repo.dir), []);
    assert.ok(watch);
    cleanup.push(() => watch.close());
    return watch;
  }

  async function pendingOf(watch: TreeWatch): Promise<WatchedChanges> {
    const seen = await watch.pending();
    assert.ok(seen, 'the watch kept track');
    return seen;
  }

  it('names every path written, including in folders made after it started', async () => {
    const repo = repoWith({ '.gitignore': 'dist/\n', 'a.txt': 'a\n', 'src/b.ts': 'b\n' });
    mkdirSync(join(repo.dir, 'dist/deep'), { recursive: true });
    const watch = await watchOf(repo);
    assert.deepEqual([...(await pendingOf(watch)).paths], []);

    writeFileSync(join(repo.dir, 'src/b.ts'), 'changed\n');
    writeFileSync(join(repo.dir, 'dist/deep/out.js'), 'ignored folder: not watched\n');
    mkdirSync(join(repo.dir, 'src/new/inner'), { recursive: true });
    let seen = await pendingOf(watch);
    assert.deepEqual([...seen.paths].sort(), ['src/b.ts', 'src/new']);
    await watch.settle(seen);
    // src/new is watched now, and its subfolder too.
    writeFileSync(join(repo.dir, 'src/new/inner/c.ts'), 'c\n');
    seen = await pendingOf(watch);
    assert.deepEqual([...seen.paths], ['src/new/inner/c.ts']);
    await watch.settle(seen);

    // A watched folder removed and made again: the new one is watched, not the old one's ghost.
    rmSync(join(repo.dir, 'src/new'), { recursive: true });
    seen = await pendingOf(watch);
    assert.ok(seen.paths.has('src/new'));
    await watch.settle(seen);
    mkdirSync(join(repo.dir, 'src/new'));
    await watch.settle(await pendingOf(watch));
    writeFileSync(join(repo.dir, 'src/new/d.ts'), 'd\n');
    assert.deepEqual([...(await pendingOf(watch)).paths], ['src/new/d.ts']);
  });

  it('watches a folder holding only ignored files, which a new file would not be', async () => {
    const repo = repoWith({ '.gitignore': '*.log\n', 'a.txt': 'a\n' });
    mkdirSync(join(repo.dir, 'logs'));
    writeFileSync(join(repo.dir, 'logs/old.log'), 'ignored\n');
    const watch = await watchOf(repo);
    writeFileSync(join(repo.dir, 'logs/new.txt'), 'seen by git\n');
    assert.deepEqual([...(await pendingOf(watch)).paths], ['logs/new.txt']);
  });

  it('says it lost track once closed, rather than answering', async () => {
    const repo = repoWith({ 'a.txt': 'a\n' });
    const watch = await watchOf(repo);
    watch.close();
    assert.equal(watch.lost, true);
    assert.equal(await watch.pending(), undefined);
  });
});
