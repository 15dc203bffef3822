import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelCallConversations } from '../../../src/core/agents/trajectory.ts';

const call = (role: string, messages: string[], earlierMessages?: number) => ({ type: 'model-call', role, messages, ...(earlierMessages !== undefined ? { earlierMessages } : {}) });

describe('putting model calls back together from a trajectory', () => {
  it('follows each role on its own, through other events and other roles between its calls', () => {
    const events = [
      { type: 'task' },
      call('implementer', ['system', 'brief']),
      { type: 'tool-call' },
      call('rectifier', ['diagnose this']),
      call('implementer', ['call 1', 'result 1'], 2),
      call('implementer', ['elided 1', 'call 2', 'result 2'], 2),
      call('implementer', ['system', 'new brief']),
    ];
    assert.deepEqual(modelCallConversations(events), [
      { role: 'implementer', messages: ['system', 'brief'], complete: true },
      { role: 'rectifier', messages: ['diagnose this'], complete: true },
      { role: 'implementer', messages: ['system', 'brief', 'call 1', 'result 1'], complete: true },
      { role: 'implementer', messages: ['system', 'brief', 'elided 1', 'call 2', 'result 2'], complete: true },
      { role: 'implementer', messages: ['system', 'new brief'], complete: true },
    ]);
  });

  it('says a conversation is incomplete when it refers to messages the record lost, and so is every call built on it', () => {
    // The first implementer call's line is gone (a crash mid-write, a hand edit).
    const events = [call('implementer', ['call 1', 'result 1'], 2), call('implementer', ['call 2'], 4), call('implementer', ['system', 'brief'])];
    assert.deepEqual(modelCallConversations(events).map((c) => c.complete), [false, false, true]);
  });
});

describe('what a run log keeps of secrets', () => {
  it('redacts tokens, random literals and passwords in prose from every event, and keeps hashes', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Trajectory } = await import('../../../src/core/agents/trajectory.ts');
    const store = mkdtempSync(join(tmpdir(), 'coevolve-trajectory-secrets-'));
    try {
      // Built at run time, so no literal secret sits in this file.
      const token = ['ghp', 'Zq8vR2mK9xL4tB7nW1cY5dF3hJ6pS0aE2uG8'].join('_');
      const literal = ['Qx7', 'mZ2pL9vB4nR8kT1wY6cD3', 'fH5jS0aG'].join('');
      const password = ['Tr0ub', '4dor&3zz'].join('');
      const sha = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
      const run = new Trajectory(store);
      run.record({ type: 'tool-result', output: `const key = "${literal}";\nheaders: { auth: "${token}" }\ncommit ${sha}` } as never);
      run.record({ type: 'model-call', role: 'implementer', messages: [`The new password: ${password} is in config.`] } as never);
      const text = readFileSync(join(run.dir, 'trajectory.jsonl'), 'utf8');
      for (const secret of [token, literal, password]) assert.ok(!text.includes(secret.slice(2, 14)), `no piece of ${secret.slice(0, 4)}… in the log`);
      assert.ok(text.includes(sha), 'a git sha is kept');
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });
});
