import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesTheSolution, replayTaskText } from '../../../src/core/evolution/replayText.ts';

describe('replay task text reads like an issue', () => {
  it('keeps subject and prose, drops trailers and the conventional prefix', () => {
    assert.equal(replayTaskText('fix(parser): handle empty input (#12)', 'It crashed.\n\nSigned-off-by: A <a@b>'), 'Handle empty input\n\nIt crashed.');
    assert.equal(replayTaskText('Make the cache thread-safe', ''), 'Make the cache thread-safe');
  });

  it('drops the squash-merge bullets that spell out the fix, keeping the prose around them', () => {
    // As GitHub writes a squash merge of a pull request with several commits (koa #1392).
    const body = ['* use .getHeader', '', '* add tests', '', 'Reading headers through the getter keeps them case-insensitive.'].join('\n');
    assert.equal(replayTaskText('ctx.response.get - use .getHeader (#1392)', body), 'Ctx.response.get - use .getHeader\n\nReading headers through the getter keeps them case-insensitive.');
  });

  it('drops bullets naming files, functions, options in code spans and tests (body-parser 1.20.3)', () => {
    const body = [
      '- Update documentation to reflect the new features and errors',
      '- Update the changelog',
      '- Upgrade to `qs@6.13.0`',
      '- Add the `depth` option to define the depth of parsing while parsing the query string',
      '- Enable the `strictDepth` option by default in `qs.parse`',
      '- Add a 400 status code when the depth of the query string exceeds the limit defined by the `depth` option',
      '- Reduce the default depth limit to 32',
      '- fix parseExtended in lib/types/urlencoded.js',
      '- add test for arrays',
    ].join('\n');
    const text = replayTaskText('feat: add option to customize the depth with a default value of 32', body);
    assert.equal(
      text,
      'Add option to customize the depth with a default value of 32\n\n- Update documentation to reflect the new features and errors\n- Update the changelog\n- Reduce the default depth limit to 32',
    );
    assert.doesNotMatch(text, /qs|strictDepth|urlencoded|test/);
  });

  it('drops the lines under a dropped bullet and keeps a bullet that only describes behaviour', () => {
    const body = ['* Fix jsdoc type for options.proxyIpHeader', '  (it said string)', '* Simplify correction', '', 'Closes #1541'].join('\n');
    assert.equal(replayTaskText('Fix jsdoc types for constructor (#1541)', body), 'Fix jsdoc types for constructor\n\n* Simplify correction\n\nCloses #1541');
  });

  it('turns a merge commit into its description: no "Merge pull request" boilerplate', () => {
    assert.equal(
      replayTaskText('Merge pull request #178 from pallets/timed-fallback', 'add fallback signers to the timed serializer\n\nKeys rotated with fallback_signers did not verify in TimedSerializer.'),
      'Add fallback signers to the timed serializer\n\nKeys rotated with fallback_signers did not verify in TimedSerializer.',
    );
    assert.equal(replayTaskText('Merge branch \'stable\'', ''), "Merge branch 'stable'", 'nothing else to say: the subject stays');
    assert.equal(replayTaskText('Fix crash on empty cookie (#20)', "* Merge branch 'master' into fix-cookie\n\nAn empty Cookie header threw."), 'Fix crash on empty cookie\n\nAn empty Cookie header threw.');
  });

  it('drops pull-request checklists and squash headers', () => {
    const body = ['use the node test runner instead of jest', '', '- [X] I have ensured my pull request is not behind the main or master branch', '- [ ] I have added tests'].join('\n');
    assert.equal(replayTaskText('Use node test runner (#1845)', body), 'Use node test runner\n\nuse the node test runner instead of jest');
    const squash = ['Squashed commit of the following:', '', 'commit 0123456789abcdef0123456789abcdef01234567', 'Author: A <a@b>', 'Date:   Mon Jan 1 00:00:00 2024', '', '    Requests with a body larger than the limit hung.'].join('\n');
    assert.equal(replayTaskText('Reject oversized bodies', squash), 'Reject oversized bodies\n\nRequests with a body larger than the limit hung.');
  });

  it('knows what names a solution', () => {
    for (const yes of ['fix parse() for empty input', 'update lib/response.js', 'edit index.js', 'use `Buffer.from`', 'call ctx.throw', 'set strictDepth', 'rename max_age', 'add tests', 'Test for HTTPS']) assert.ok(namesTheSolution(yes), yes);
    for (const no of ['Reduce the default depth limit to 32', 'Update the changelog', 'Handle upper case protocols like HTTP', 'e.g. when the body is empty']) assert.ok(!namesTheSolution(no), no);
  });
});
