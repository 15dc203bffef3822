import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUnifiedDiff, redactFilePatches, renderExcerpt, selectHunks, storedPatchExcerpt } from '../../../src/core/memory/changeHunks.ts';

const TOKEN = `ghp_${'A1b2C3d4E5f6G7h8I9j0'.repeat(2).slice(0, 36)}`;

function diff(path: string, hunks: string[][]): string {
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, ...hunks.flat()].join('\n');
}

const PATCH = [
  diff('src/a.js', [
    ['@@ -1,3 +1,3 @@ function parse(text) {', ' function parse(text) {', '-  return text;', '+  return text.trim();', ' }'],
    ['@@ -20,3 +20,3 @@ function render(node) {', ' function render(node) {', '-  return node.html;', '+  return escape(node.html);', ' }'],
  ]),
  diff('test/a.test.js', [['@@ -5,2 +5,3 @@', " test('x', () => {", '+  assert.ok(parse(" a "));', ' });']]),
  'diff --git a/logo.png b/logo.png',
  'Binary files a/logo.png and b/logo.png differ',
  '',
].join('\n');

describe('the hunks of a past change', () => {
  it('parses files and hunks, keeps binaries hunkless, and reads a patch cut mid-hunk', () => {
    const files = parseUnifiedDiff(PATCH);
    assert.deepEqual(files.map((f) => [f.path, f.binary, f.hunks.length]), [['src/a.js', false, 2], ['test/a.test.js', false, 1], ['logo.png', true, 0]]);
    assert.deepEqual(files[0]!.hunks[1]!.lines, [' function render(node) {', '-  return node.html;', '+  return escape(node.html);', ' }']);
    const cut = parseUnifiedDiff(PATCH.slice(0, PATCH.indexOf('+  return text.trim();')));
    assert.deepEqual(cut.map((f) => [f.path, f.hunks[0]?.lines]), [['src/a.js', [' function parse(text) {', '-  return text;']]]);
    assert.deepEqual(parseUnifiedDiff('not a diff at all\n'), []);
    // A changed line that reads like a file header is still a line of its hunk (the header's counts say so).
    const tricky = parseUnifiedDiff(diff('notes.md', [['@@ -1,2 +1,2 @@', '--- old rule', '+++ new rule', ' end']]));
    assert.deepEqual(tricky.map((f) => [f.path, f.hunks[0]!.lines]), [['notes.md', ['--- old rule', '+++ new rule', ' end']]]);
  });

  it('puts the hunk that names a focus symbol first, cuts to the line cap, and counts what it leaves out', () => {
    const files = parseUnifiedDiff(PATCH);
    const about = selectHunks(files, { paths: [], symbols: ['render'] }, 4);
    assert.deepEqual(about.hunks.map((h) => h.header), ['@@ -20,3 +20,3 @@ function render(node) {']);
    assert.equal(about.omittedLines, 3, 'the other hunks\' changed lines');
    // Tests come after code when nothing else tells them apart; a focus file lifts its hunks.
    assert.equal(selectHunks(files, { paths: [], symbols: [] }, 4).hunks[0]!.path, 'src/a.js');
    assert.equal(selectHunks(files, { paths: ['test/a.test.js'], symbols: [] }, 3).hunks[0]!.path, 'test/a.test.js');
    const lines = renderExcerpt(about);
    assert.deepEqual(lines, ['    --- src/a.js', '    @@ -20,3 +20,3 @@ function render(node) {', '     function render(node) {', '    -  return node.html;', '    +  return escape(node.html);', '     }', '    … [3 more changed lines not shown]']);
  });

  it('shows a window of a long hunk around the line that names the symbol', () => {
    const body = Array.from({ length: 50 }, (_, i) => (i === 30 ? '+  const total = sumAll(rows);' : `+  line${i}();`));
    const excerpt = selectHunks(parseUnifiedDiff(diff('src/big.js', [['@@ -0,0 +1,50 @@', ...body]])), { paths: [], symbols: ['sumAll'] }, 6);
    assert.deepEqual(excerpt.hunks[0]!.lines, ['+  line28();', '+  line29();', '+  const total = sumAll(rows);', '+  line31();', '+  line32();', '+  line33();']);
    assert.equal(excerpt.hunks[0]!.cut, 44);
    assert.equal(excerpt.omittedLines, 44);
  });

  it('redacts secrets with mining\'s passes and drops key files, key material and files that are not code', () => {
    const patch = [
      diff('src/config.js', [['@@ -1,1 +1,1 @@', `-const token = "old";`, `+const token = "${TOKEN}";`]]),
      diff('deploy/id_rsa', [['@@ -1,1 +1,1 @@', '-AAAA', '+BBBB']]),
      diff('keys/service.js', [['@@ -1,3 +1,3 @@', ' const KEY = `', '-MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', '+MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDfAkeM0ReYes', ' `;']]),
      diff('package-lock.json', [['@@ -1,1 +1,1 @@', '-"a": 1', '+"a": 2']]),
    ].join('\n');
    const kept = redactFilePatches(parseUnifiedDiff(patch));
    assert.deepEqual(kept.map((f) => f.path), ['src/config.js']);
    const shown = renderExcerpt(selectHunks(kept, { paths: [], symbols: [] })).join('\n');
    assert.ok(!shown.includes(TOKEN.slice(4, 16)), shown);
    assert.match(shown, /\+const token = "\[REDACTED:[a-z-]+\]";/);
  });

  it('reads an accepted fix\'s stored patch, saying when it was cut at record time', () => {
    const stored = `${PATCH.slice(0, 300)}\n… [1234 more characters]`;
    const excerpt = storedPatchExcerpt(stored, { paths: [], symbols: [] });
    assert.ok(excerpt);
    assert.equal(excerpt.sourceCut, true);
    assert.match(renderExcerpt(excerpt).join('\n'), /\+ {2}return text\.trim\(\);[\s\S]*the stored patch was cut when it was recorded/);
    assert.equal(storedPatchExcerpt('', { paths: [], symbols: [] }), undefined);
    assert.equal(storedPatchExcerpt('(no changes)', { paths: [], symbols: [] }), undefined);
  });
});
