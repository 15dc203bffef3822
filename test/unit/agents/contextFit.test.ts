import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerReserve, ELIDED_OUTPUT, fitToWindow } from '../../../src/core/agents/contextFit.ts';
import type { ChatMessage } from '../../../src/core/llm/chatClient.ts';
import { estimateTokens } from '../../../src/core/llm/tokenEstimate.ts';

function conversation(outputs: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: 'system prompt' }, { role: 'user', content: 'the brief' }];
  outputs.forEach((output, i) => {
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'read_file', arguments: '{}' } }] });
    messages.push({ role: 'tool', tool_call_id: `c${i}`, content: output });
  });
  return messages;
}

describe('fitting a conversation to a context window', () => {
  it('keeps a quarter of the window, at most 4,096 tokens, for the answer', () => {
    assert.equal(answerReserve(8_000), 2_000);
    assert.equal(answerReserve(128_000), 4_096);
  });

  it('changes nothing that already fits', () => {
    const messages = conversation(['a'.repeat(300), 'b'.repeat(300), 'c'.repeat(300)]);
    const before = structuredClone(messages);
    assert.equal(fitToWindow(messages, [], 10_000), 0);
    assert.deepEqual(messages, before);
  });

  it('elides the oldest tool outputs first, only as many as needed, never the newest four messages', () => {
    const big = 'x'.repeat(9_000); // about 3,000 estimated tokens each
    const messages = conversation([big, big, big, big]);
    const window = 12_000; // 9,000 usable: the four outputs need about 12,000
    const elided = fitToWindow(messages, [], window);
    assert.equal(elided, 2);
    assert.equal(messages[3]!.content, ELIDED_OUTPUT);
    assert.equal(messages[5]!.content, ELIDED_OUTPUT);
    assert.equal(messages[7]!.content, big);
    assert.equal(messages[9]!.content, big);
    assert.ok(estimateTokens(messages) <= window - answerReserve(window));
    assert.equal(messages[0]!.content, 'system prompt');
    assert.equal(messages[1]!.content, 'the brief');
  });

  it('stops when nothing more can be elided, leaving the refusal to the client', () => {
    const big = 'x'.repeat(30_000);
    const messages = conversation([big, big]);
    assert.equal(fitToWindow(messages, [], 4_000), 0, 'both outputs are among the newest four messages');
    assert.equal(messages[3]!.content, big);
  });
});
