import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestError, toChatHistory } from '../../../src/sidecar/chatHistory.ts';

describe('OpenAI messages as a llama.cpp chat history', () => {
  it('maps roles, joins tool results to their calls, and ends with the turn to generate', () => {
    const history = toChatHistory([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Read ' }, { type: 'text', text: 'a.ts' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'export const a = 1;' },
      { role: 'user', content: 'thanks' },
    ]);
    assert.deepEqual(history, [
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Read a.ts' },
      { type: 'model', response: [{ type: 'functionCall', name: 'read_file', params: { path: 'a.ts' }, result: 'export const a = 1;' }] },
      { type: 'user', text: 'thanks' },
      { type: 'model', response: [] },
    ]);
  });

  it('refuses images, unknown tool-call ids and non-JSON arguments with a 400', () => {
    const refuse = (messages: Parameters<typeof toChatHistory>[0], message: RegExp) =>
      assert.throws(() => toChatHistory(messages), (e: unknown) => e instanceof RequestError && e.status === 400 && message.test(e.message));
    refuse([{ role: 'user', content: [{ type: 'image_url' }] }], /image_url content; the local sidecar serves text models only/);
    refuse([{ role: 'tool', tool_call_id: 'nope', content: 'x' }], /answers tool call "nope", which no earlier assistant message made/);
    refuse([{ role: 'assistant', content: '', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{oops' } }] }], /arguments are not JSON/);
  });
});
