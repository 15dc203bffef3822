import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { LOG_FORMAT_ARGS, LogParser, DEFAULT_LOG_LIMITS } from '../../../src/core/git/logParser.ts';
import type { RawCommit } from '../../../src/core/git/rawCommit.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';

function logBytes(repo: GitRepo): Buffer {
  return repo.gitBytes(['log', '--first-parent', ...LOG_FORMAT_ARGS]);
}

function parseInChunks(bytes: Buffer, size: (i: number) => number, limits = DEFAULT_LOG_LIMITS): RawCommit[] {
  const parser = new LogParser(() => true, limits);
  const out: RawCommit[] = [];
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const n = Math.max(1, size(i));
    out.push(...parser.push(bytes.subarray(offset, offset + n)));
    offset += n;
  }
  out.push(...parser.end());
  return out;
}

describe('LogParser', () => {
  const repo = GitRepo.create();
  repo.commit('feat: first\n\nWith a body\x1f that has a unit separator.', { 'a.txt': 'one\ntwo\nthree\n', 'b.bin': Buffer.from([0, 1, 2, 3]) });
  repo.commit('fix: edit', { 'a.txt': 'one\nTWO\nthree\nfour', 'space name.txt': 'x\n' });
  repo.commit('chore: empty', {}, { allowEmpty: true });
  execFileSync('ln', ['-sf', 'a.txt', 'link'], { cwd: repo.dir });
  repo.commit('feat: link', {});
  repo.write('link', null);
  repo.commit('feat: link becomes a file', { link: 'now a file\n' });
  const bytes = logBytes(repo);
  const whole = parseInChunks(bytes, () => bytes.length);

  it('parses commits, files, hunks and no-newline markers', () => {
    assert.equal(whole.length, 5);
    const [typechange, link, empty, edit, first] = whole;
    assert.equal(first!.message.startsWith('feat: first'), true);
    assert.match(first!.message, /unit separator/);
    assert.deepEqual(first!.changes.map((c) => [c.path, c.status, c.binary]), [['a.txt', 'added', false], ['b.bin', 'added', true]]);
    assert.equal(edit!.changes.length, 2);
    const a = edit!.changes.find((c) => c.path === 'a.txt')!;
    assert.equal(a.added, 2);
    assert.equal(a.deleted, 1);
    assert.equal(a.newNoEol, true);
    assert.deepEqual(a.hunks, [
      { oldStart: 2, oldLines: 1, newStart: 2, newLines: 1, removed: ['two'], added: ['TWO'] },
      { oldStart: 3, oldLines: 0, newStart: 4, newLines: 1, removed: [], added: ['four'] },
    ]);
    assert.equal(edit!.changes.find((c) => c.path === 'space name.txt')!.added, 1);
    assert.equal(empty!.changes.length, 0);
    assert.equal(link!.changes[0]!.newMode, '120000');
    assert.equal(typechange!.changes.length, 1);
    assert.equal(typechange!.changes[0]!.status, 'typechange');
    assert.equal(typechange!.changes[0]!.added, 1, 'the second header of a type change belongs to the same file');
  });

  it('gives the same result whatever the chunk boundaries', () => {
    const strip = (list: RawCommit[]) => JSON.stringify(list);
    assert.equal(strip(parseInChunks(bytes, () => 1)), strip(whole));
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) % 97;
    assert.equal(strip(parseInChunks(bytes, random)), strip(whole));
  });

  it('cuts over-long lines and patches to the limits while keeping counts exact', () => {
    const big = GitRepo.create();
    big.commit('feat: minified', { 'app.js': `${'x'.repeat(200_000)}\n`, 'many.ts': Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n' });
    const limits = { ...DEFAULT_LOG_LIMITS, maxLineBytes: 1000, maxHunkLinesPerFile: 10 };
    const [commit] = parseInChunks(logBytes(big), () => 4096, limits);
    const app = commit!.changes.find((c) => c.path === 'app.js')!;
    assert.equal(app.added, 1);
    assert.equal(app.truncated, true);
    assert.equal(app.hunks, undefined, 'inexact hunks are dropped, never kept half');
    assert.ok(app.sample.every((s) => s.length <= 200));
    const many = commit!.changes.find((c) => c.path === 'many.ts')!;
    assert.equal(many.added, 50);
    assert.equal(many.hunks, undefined);
    big.remove();
  });

  it('keeps the changed lines\' words within their budget, never half a word at the cut', () => {
    const cut = GitRepo.create();
    const token = 'Zk3vQ9xW2mN8pL5rT7yU1aB4cD6eF8gH';
    cut.commit('feat: settings', { 'src/settings.ts': `export const region = 'eu';\nconst fallback = '${token}';\nexport const later = 1;\n` });
    const limits = { ...DEFAULT_LOG_LIMITS, wordBytesPerFile: 'export const region = \'eu\';'.length + 1 + 'const fallback = \''.length + 10 };
    const [commit] = parseInChunks(logBytes(cut), () => 4096, limits);
    const words = commit!.changes[0]!.wordText!;
    assert.deepEqual(words, ["export const region = 'eu';", "const fallback = '"], 'the cut-off token and every later line are left out');
    cut.remove();
  });

  it('lists at most maxFilesPerCommit files and counts the rest', () => {
    const wide = GitRepo.create();
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`f${String(i).padStart(2, '0')}.txt`] = `${i}\n`;
    wide.commit('feat: wide', files);
    const [commit] = parseInChunks(logBytes(wide), () => 100, { ...DEFAULT_LOG_LIMITS, maxFilesPerCommit: 10 });
    assert.equal(commit!.changes.length, 10);
    assert.equal(commit!.changesOmitted, 20);
    assert.ok(commit!.changes.every((c) => c.added === 1));
    wide.remove();
  });
});
