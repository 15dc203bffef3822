import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHostMessage, parseResult, parseWebviewMessage } from '../../../src/protocol/memoryPanel.ts';

const SHA = 'a'.repeat(40);

describe('memory panel protocol: messages from the webview', () => {
  it('accepts well-formed requests and notifications, with their params typed by name', () => {
    const search = parseWebviewMessage({ type: 'request', id: 1, name: 'search', params: { text: '  tokenize empty input ' } });
    assert.deepEqual(search, { ok: true, message: { type: 'request', id: 1, name: 'search', params: { text: 'tokenize empty input' } } });
    assert.equal(parseWebviewMessage({ type: 'request', id: 2, name: 'memoryAction', params: { sha: SHA, action: 'quarantine' } }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'request', id: 3, name: 'showSkill', params: { name: 'handle-empty-input', version: 2 } }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'notify', name: 'openFile', params: { path: 'src/parser.ts', line: 3 } }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'notify', name: 'ready', params: {} }).ok, true);
  });

  it('rejects unknown names, bad envelopes and extra fields', () => {
    for (const raw of [
      null,
      'search',
      { type: 'request', id: 1, name: 'deleteEverything', params: {} },
      { type: 'request', id: -1, name: 'listSkills', params: {} },
      { type: 'request', id: 1.5, name: 'listSkills', params: {} },
      { type: 'request', name: 'listSkills', params: {} },
      { type: 'request', id: 1, name: 'listSkills', params: {}, extra: true },
      { type: 'response', id: 1, ok: true, result: {} },
    ]) {
      assert.equal(parseWebviewMessage(raw).ok, false, JSON.stringify(raw));
    }
  });

  it('rejects bad params and says which request they belonged to, so it can be answered', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ type: 'request', id: 7, name: 'search', params: { text: '   ' } }, /bad search/],
      [{ type: 'request', id: 7, name: 'search', params: { text: 'x'.repeat(5_000) } }, /bad search/],
      [{ type: 'request', id: 7, name: 'memoryAction', params: { sha: 'not-a-sha; rm -rf', action: 'quarantine' } }, /sha/],
      [{ type: 'request', id: 7, name: 'memoryAction', params: { sha: SHA, action: 'forget-all' } }, /action/],
      [{ type: 'request', id: 7, name: 'skillAction', params: { name: '../../etc', action: 'approve' } }, /name/],
      [{ type: 'request', id: 7, name: 'showSkill', params: { name: 'ok', version: 0 } }, /version/],
      [{ type: 'request', id: 7, name: 'listFixes', params: { all: true } }, /bad listFixes/],
    ];
    for (const [raw, pattern] of cases) {
      const parsed = parseWebviewMessage(raw);
      assert.equal(parsed.ok, false, JSON.stringify(raw));
      if (!parsed.ok) {
        assert.match(parsed.error, pattern);
        assert.equal(parsed.id, 7);
      }
    }
  });

  it('refuses file paths outside the workspace', () => {
    for (const path of ['/etc/passwd', '../secret', 'src/../../x', 'C:\\Windows\\win.ini', '']) {
      assert.equal(parseWebviewMessage({ type: 'notify', name: 'openFile', params: { path } }).ok, false, path);
    }
  });
});

describe('memory panel protocol: messages from the host', () => {
  it('accepts responses and known notifications; rejects the rest', () => {
    assert.equal(parseHostMessage({ type: 'response', id: 1, ok: true, result: { skills: [] } }).ok, true);
    assert.equal(parseHostMessage({ type: 'response', id: 1, ok: false, error: { message: 'nope', reason: 'store-empty' } }).ok, true);
    assert.equal(parseHostMessage({ type: 'notify', name: 'workspace', params: { folder: '/w', storeDir: '/w/.coevolve' } }).ok, true);
    assert.equal(parseHostMessage({ type: 'notify', name: 'workspace', params: { folder: 1 } }).ok, false);
    assert.equal(parseHostMessage({ type: 'notify', name: 'runScript', params: {} }).ok, false);
    assert.equal(parseHostMessage({ type: 'response', id: 1, ok: false, error: 'plain string' }).ok, false);
  });

  it('checks a result against what its request promised', () => {
    const skill = { name: 'handle-empty-input', kind: 'skill', description: 'd', version: 1, versions: [1], status: 'candidate' };
    assert.equal(parseResult('listSkills', { skills: [skill] }).ok, true);
    assert.equal(parseResult('listSkills', { skills: [{ ...skill, status: 'root' }] }).ok, false);
    assert.equal(parseResult('showSkill', { ...skill, markdown: '<img src=x onerror=alert(1)>', shownVersion: 1 }).ok, true, 'markup is data; the webview renders it as text');
    assert.equal(parseResult('search', { experiences: [], files: [{ path: '/abs', score: 1, why: [] }], symbols: [] }).ok, false);
  });
});
