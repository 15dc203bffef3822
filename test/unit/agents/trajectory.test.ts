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
