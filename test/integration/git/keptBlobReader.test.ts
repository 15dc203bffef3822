import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { closeKeptBlobReaders, keptBlobReader } from '../../../src/core/git/keptBlobReader.ts';
import { TreeSymbols } from '../../../src/core/memory/treeSymbols.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';

// A long-lived process (the MCP server, the editor) checks recalled symbols against the code on one
// kept `git cat-file --batch`: it must answer as a fresh one would, recover when git dies, and
// never hold the process open while idle.

const repo = GitRepo.create('coevolve-kept-reader-');
after(() => {
  closeKeptBlobReaders();
  repo.remove();
});

describe('the kept blob reader', () => {
  it('is shared between symbol checks, follows HEAD as it moves, and is replaced after git dies', async () => {
    repo.commit('feat: add parse', { 'src/a.ts': 'export function parse() {\n  return 1;\n}\n' });
    const reader = keptBlobReader(repo.dir, 1024 * 1024);
    const first = TreeSymbols.at(repo.dir, 'HEAD', { keepReader: true });
    const found = await first.find(new Map([['src/a.ts', new Set(['parse'])]]));
    first.close();
    assert.deepEqual(found.get('src/a.ts'), [{ name: 'parse', kind: 'function' }]);
    assert.equal(keptBlobReader(repo.dir, 1024 * 1024), reader, 'the check left the reader running for the next');

    // HEAD moves: the same running git answers with the new tree.
    repo.commit('refactor: parse becomes read', { 'src/a.ts': 'export function read() {\n  return 2;\n}\n' });
    const second = TreeSymbols.at(repo.dir, 'HEAD', { keepReader: true });
    const moved = await second.find(new Map([['src/a.ts', new Set(['parse', 'read'])]]));
    second.close();
    assert.deepEqual(moved.get('src/a.ts'), [{ name: 'read', kind: 'function' }]);

    // git gone (killed, crashed): the next use gets a new reader, not the dead one's error.
    reader.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(reader.failed, true);
    const next = keptBlobReader(repo.dir, 1024 * 1024);
    assert.notEqual(next, reader);
    assert.equal((await next.lookup('HEAD:src/a.ts'))?.type, 'blob');
  });

  it('does not keep an idle process alive: a script that used it exits at once', async () => {
    const script = `
      const { keptBlobReader } = await import(${JSON.stringify(join(import.meta.dirname, '../../../src/core/git/keptBlobReader.ts'))});
      const object = await keptBlobReader(${JSON.stringify(repo.dir)}, 1024).lookup('HEAD:src/a.ts');
      console.log(object.type);`;
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const seconds = (performance.now() - started) / 1000;
    assert.equal(code, 0, out);
    assert.equal(out.trim(), 'blob', 'the lookup finished before the process could exit');
    // The reader closes itself after a minute idle; the process must not wait for that.
    assert.ok(seconds < 30, `exited after ${seconds.toFixed(1)} s`);
  });
});
