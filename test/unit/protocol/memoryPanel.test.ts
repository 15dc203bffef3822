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

describe('memory panel protocol: filters and pages', () => {
  const browse = (params: unknown) => parseWebviewMessage({ type: 'request', id: 9, name: 'browse', params });

  it('accepts a page request with any of the filters, and a filtered search', () => {
    assert.equal(browse({ filter: {}, offset: 0, limit: 100 }).ok, true);
    const parsed = browse({ filter: { kind: 'fix', file: '  src/**/*.ts ', author: 'Ada' }, offset: 12_300, limit: 200 });
    assert.deepEqual(parsed.ok && parsed.message.params, { filter: { kind: 'fix', file: 'src/**/*.ts', author: 'Ada' }, offset: 12_300, limit: 200 });
    for (const kind of ['fix', 'feature', 'refactor', 'test', 'docs', 'chore', 'revert']) assert.equal(browse({ filter: { kind }, offset: 0, limit: 1 }).ok, true, kind);
    assert.equal(parseWebviewMessage({ type: 'request', id: 9, name: 'search', params: { text: 'tokenize', filter: { kind: 'fix', author: 'ada@example.com' } } }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'request', id: 9, name: 'search', params: { text: 'tokenize' } }).ok, true, 'the filter is optional on search');
  });

  it('refuses unknown kinds, unbounded text, blank or control-character values and extra fields', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ filter: { kind: 'exploit' }, offset: 0, limit: 10 }, /filter\.kind/],
      [{ filter: { kind: 'FIX' }, offset: 0, limit: 10 }, /filter\.kind/],
      [{ filter: { file: 'x'.repeat(301) }, offset: 0, limit: 10 }, /filter\.file/],
      [{ filter: { author: 'a'.repeat(201) }, offset: 0, limit: 10 }, /filter\.author/],
      [{ filter: { author: '   ' }, offset: 0, limit: 10 }, /filter\.author/],
      [{ filter: { file: 'src/\u0000x' }, offset: 0, limit: 10 }, /control characters/],
      [{ filter: { file: '*a*b*c*d*e' }, offset: 0, limit: 10 }, /wildcards/],
      [{ filter: { kind: 'fix', sql: '1=1' }, offset: 0, limit: 10 }, /filter/],
      [{ filter: {}, offset: 0, limit: 10, all: true }, /bad browse/],
      [{ offset: 0, limit: 10 }, /filter/],
    ];
    for (const [params, pattern] of cases) {
      const parsed = browse(params);
      assert.equal(parsed.ok, false, JSON.stringify(params));
      if (!parsed.ok) {
        assert.match(parsed.error, pattern, JSON.stringify(params));
        assert.equal(parsed.id, 9);
      }
    }
    assert.equal(parseWebviewMessage({ type: 'request', id: 9, name: 'search', params: { text: 'x', filter: { kind: 'nope' } } }).ok, false);
  });

  it('bounds the page: the webview can never ask for the whole store', () => {
    for (const [offset, limit] of [[-1, 10], [0, 0], [0, 201], [0, 100_000], [1.5, 10], [0, 2.5], [20_000_000, 10]]) {
      assert.equal(browse({ filter: {}, offset, limit }).ok, false, `${offset}, ${limit}`);
    }
  });

  it('checks a page result: at most one page of rows, a whole total', () => {
    const row = { sha: SHA, kind: 'fix', subject: 's', time: '2024-01-01T00:00:00.000Z', score: 0, why: [], files: ['src/a.ts'], symbols: [], utility: { q: 0, helpful: 0, harmful: 0, uses: 0 } };
    assert.equal(parseResult('browse', { experiences: [row], total: 12_345, offset: 0 }).ok, true);
    assert.equal(parseResult('browse', { experiences: Array.from({ length: 201 }, () => row), total: 12_345, offset: 0 }).ok, false);
    assert.equal(parseResult('browse', { experiences: [], total: -1, offset: 0 }).ok, false);
    assert.equal(parseResult('browse', { experiences: [], total: 1.5, offset: 0 }).ok, false);
  });

  it('carries workspace trust from the host, and the webview may only ask to open the trust editor', () => {
    assert.equal(parseHostMessage({ type: 'notify', name: 'trust', params: { trusted: false } }).ok, true);
    assert.equal(parseHostMessage({ type: 'notify', name: 'trust', params: { trusted: 'no' } }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'notify', name: 'manageTrust', params: {} }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'notify', name: 'manageTrust', params: { trusted: true } }).ok, false, 'the webview cannot grant trust');
  });
});
