import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countRequestTokens, encodingForModel } from '../../../src/core/llm/tokenCount.ts';
import { estimateTokens } from '../../../src/core/llm/tokenEstimate.ts';

describe('token counts per model', () => {
  it('knows the OpenAI families\' tokenizers and no one else\'s', () => {
    assert.equal(encodingForModel('gpt-4o-mini'), 'o200k_base');
    assert.equal(encodingForModel('openai/gpt-5.1'), 'o200k_base');
    assert.equal(encodingForModel('o3-mini'), 'o200k_base');
    assert.equal(encodingForModel('gpt-4-0613'), 'cl100k_base');
    assert.equal(encodingForModel('gpt-3.5-turbo'), 'cl100k_base');
    assert.equal(encodingForModel('qwen2.5-coder:7b'), undefined);
    assert.equal(encodingForModel('llama3.2'), undefined);
  });

  it('counts exactly with the model\'s tokenizer, plus the chat overhead', async () => {
    // o200k_base: "hello world" is two tokens, "user" one; 3 per message and 3 to prime the reply.
    assert.deepEqual(await countRequestTokens('gpt-4o', [{ role: 'user', content: 'hello world' }]), { tokens: 3 + 3 + 1 + 2, method: 'exact' });
    const code = 'export function parseHeader(input: string): Header {\n  return input.split(":")\n}\n'.repeat(20);
    const exact = await countRequestTokens('gpt-4o', [{ role: 'user', content: code }]);
    const guessed = estimateTokens([{ role: 'user', content: code }]);
    assert.equal(exact.method, 'exact');
    assert.ok(exact.tokens < guessed, `the estimate (${guessed}) is generous next to the exact count (${exact.tokens})`);
    // The two vocabularies differ most on non-English text: 10 tokens in o200k_base, 15 in cl100k_base.
    const russian = [{ role: 'user' as const, content: 'Привет мир, это тест токенизатора' }];
    assert.equal((await countRequestTokens('gpt-4o', russian)).tokens, 3 + 3 + 1 + 10);
    assert.equal((await countRequestTokens('gpt-4', russian)).tokens, 3 + 3 + 1 + 15);
  });

  it('falls back to the generous estimate for a model whose tokenizer is unknown', async () => {
    const messages = [{ role: 'user' as const, content: 'hello world' }];
    assert.deepEqual(await countRequestTokens('llama3.2', messages), { tokens: estimateTokens(messages), method: 'estimate' });
  });
});
