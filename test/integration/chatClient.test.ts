import { getEventListeners } from 'node:events';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { CoevolveError } from '../../src/core/errors.ts';
import { ChatClient } from '../../src/core/llm/chatClient.ts';
import { Accounting } from '../../src/core/llm/accounting.ts';
import { normalizeBaseURL, resolveRole } from '../../src/core/llm/providers.ts';
import type { ModelConfig } from '../../src/core/llm/providers.ts';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';

const KEY = ['sk-test', 'Zk3vQ9xW2mN8pL5rT7yU1'].join('-');

describe('ChatClient against a scripted OpenAI-protocol server on loopback', () => {
  let server: ScriptedModelServer;
  let client: ChatClient;

  before(async () => {
    server = await ScriptedModelServer.start();
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    const config: ModelConfig = { providers: { local: { preset: 'openai-compatible', baseURL: server.baseURL, apiKeyEnv: 'TEST_KEY' } }, roles: { default: { provider: 'local', model: 'scripted-model' } } };
    client = new ChatClient(resolveRole(config, 'implementer', (name) => (name === 'TEST_KEY' ? KEY : undefined)), { timeoutMs: 2_000, maxRetries: 2 });
  });

  const ask = { messages: [{ role: 'user' as const, content: 'hello' }] };

  it('streams text, counts tokens and sends the key only in the header', async () => {
    server.script({ kind: 'text', chunks: ['Hel', 'lo', ' there'] });
    const pieces: string[] = [];
    const result = await client.chat({ ...ask, onDelta: (t) => pieces.push(t) });
    assert.deepEqual(pieces, ['Hel', 'lo', ' there']);
    assert.equal(result.text, 'Hello there');
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { promptTokens: 11, completionTokens: 7 });
    assert.ok(result.latencyMs > 0);
    assert.equal(server.requests[0]!.authorization, `Bearer ${KEY}`);
    assert.equal(server.requests[0]!.path, '/v1/chat/completions');
  });

  it('assembles a tool call streamed in pieces', async () => {
    server.script({ kind: 'tool', name: 'read_file', argChunks: ['{"pa', 'th": "src/', 'a.ts"}'] });
    const result = await client.chat({ ...ask, onDelta: () => undefined });
    assert.deepEqual(result.toolCalls, [{ id: 'call_1', name: 'read_file', arguments: { path: 'src/a.ts' } }]);
  });

  it('retries a 429, honouring Retry-After, and a 500, then succeeds', async () => {
    server.script({ kind: 'status', status: 429, retryAfter: '1' }, { kind: 'status', status: 500 }, { kind: 'text', chunks: ['ok'] });
    const result = await client.chat(ask);
    assert.equal(result.text, 'ok');
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests[1]!.at - server.requests[0]!.at >= 900, 'waited for Retry-After: 1');
  });

  it('gives a typed error when retries run out, with the key redacted', async () => {
    server.script({ kind: 'status', status: 500, message: `upstream saw ${KEY}` }, { kind: 'status', status: 500, message: `upstream saw ${KEY}` }, { kind: 'status', status: 500, message: `upstream saw ${KEY}` });
    await assert.rejects(client.chat(ask), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'llm-unavailable'), String(error));
      assert.ok(!error.message.includes(KEY), error.message);
      assert.match(error.message, /REDACTED/);
      return true;
    });
  });

  it('never passes on half of a stream that was cut', async () => {
    server.script({ kind: 'cut', chunks: ['Partial ', 'answ'] });
    const seen: string[] = [];
    await assert.rejects(client.chat({ ...ask, onDelta: (t) => seen.push(t) }), (error: unknown) => CoevolveError.is(error, 'llm-stream-broken'));
    assert.equal(server.requests.length, 1, 'a broken stream is not silently retried into a different answer');
  });

  it('rejects malformed tool-call JSON with a typed error', async () => {
    server.script({ kind: 'tool', name: 'edit', argChunks: ['{"path": "a.ts", "text": '] });
    await assert.rejects(client.chat({ ...ask, onDelta: () => undefined }), (error: unknown) => CoevolveError.is(error, 'llm-bad-output'));
  });

  it('times out on a slow server', async () => {
    const slow = new ChatClient(client.model, { timeoutMs: 300, maxRetries: 0 });
    server.script({ kind: 'slow', delayMs: 1_500, then: { kind: 'text', chunks: ['late'] } });
    await assert.rejects(slow.chat(ask), (error: unknown) => CoevolveError.is(error, 'llm-timeout'));
  });

  it('stops when cancelled', async () => {
    server.script({ kind: 'slow', delayMs: 1_500, then: { kind: 'text', chunks: ['late'] } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(client.chat({ ...ask, signal: controller.signal }), (error: unknown) => CoevolveError.is(error, 'cancelled'));
  });

  it('leaves no listener on the caller\'s signal, however many requests it carried', async () => {
    const controller = new AbortController();
    const before = getEventListeners(controller.signal, 'abort').length;
    for (let i = 0; i < 15; i++) server.script({ kind: 'text', chunks: ['ok'] });
    for (let i = 0; i < 15; i++) await client.chat({ ...ask, signal: controller.signal });
    assert.equal(getEventListeners(controller.signal, 'abort').length, before);
  });

  it('validates structured output, repairs once, then gives up with a typed error', async () => {
    const Plan = z.object({ steps: z.array(z.string()).min(1), risky: z.boolean() });
    server.script({ kind: 'text', chunks: ['{"steps": [], "risky": "no"}'] }, { kind: 'text', chunks: ['{"steps": ["edit a.ts"], "risky": false}'] });
    const good = await client.structured(ask, 'plan', Plan);
    assert.deepEqual(good.value, { steps: ['edit a.ts'], risky: false });
    assert.equal(good.repaired, true);
    const sent = server.requests[0]!.body.response_format as { type: string; json_schema: { name: string } };
    assert.equal(sent.type, 'json_schema');
    assert.equal(sent.json_schema.name, 'plan');
    const repairPrompt = JSON.stringify(server.requests[1]!.body.messages);
    assert.match(repairPrompt, /not valid/);

    server.script({ kind: 'text', chunks: ['not json'] }, { kind: 'text', chunks: ['{"steps": "x"}'] });
    await assert.rejects(client.structured(ask, 'plan', Plan), (error: unknown) => CoevolveError.is(error, 'llm-bad-output'));
  });

  it('keeps tokens, cost and latency of every call, failures included, per role', async () => {
    const accounting = new Accounting({ 'scripted-model': { inputPerMTok: 2, outputPerMTok: 8 } });
    const counted = new ChatClient(client.model, { timeoutMs: 2_000, maxRetries: 0, accounting });
    server.script({ kind: 'text', chunks: ['a'] }, { kind: 'tool', name: 't', argChunks: ['{}'] }, { kind: 'status', status: 500, message: `echo ${KEY}` });
    await counted.chat(ask);
    await counted.chat({ ...ask, onDelta: () => undefined });
    await assert.rejects(counted.chat(ask));
    const totals = accounting.totals();
    assert.equal(totals.calls, 3);
    assert.equal(totals.failedCalls, 1);
    assert.equal(totals.promptTokens, 22);
    assert.equal(totals.completionTokens, 14);
    assert.ok(Math.abs(totals.costUsd - (22 * 2 + 14 * 8) / 1e6) < 1e-12);
    assert.equal(totals.costIncomplete, false);
    assert.equal(totals.byRole.implementer?.calls, 3);
    assert.ok(!JSON.stringify(accounting.calls).includes(KEY), 'no key in the records');
  });

  it('does not send a request that cannot fit the reported context window', async () => {
    const small = new ChatClient(client.model, { timeoutMs: 2_000, maxRetries: 0, contextWindow: 1_000 });
    const long = [{ role: 'user' as const, content: 'x'.repeat(6_000) }];
    await assert.rejects(small.chat({ messages: long }), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'llm-bad-request'));
      assert.match(error.message, /needs about \d+ tokens but the implementer model .* has a context window of 1000; it was not sent/);
      return true;
    });
    assert.equal(server.requests.length, 0);
    // What the estimate lets through, the server may still refuse: same typed error, with the reason.
    server.script({ kind: 'status', status: 400, message: "This model's maximum context length is 512 tokens. However, you requested 900 tokens." });
    await assert.rejects(small.chat({ messages: [{ role: 'user', content: 'y'.repeat(1_500) }] }), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'llm-bad-request'));
      assert.match(error.message, /longer than its context window/);
      assert.match(error.hint ?? '', /larger window/);
      return true;
    });
  });

  it('says which endpoint is unreachable', async () => {
    const config: ModelConfig = { providers: { gone: { preset: 'vllm', baseURL: 'http://127.0.0.1:9/v1' } }, roles: { default: { provider: 'gone', model: 'm' } } };
    const offline = new ChatClient(resolveRole(config, 'rectifier', () => undefined), { timeoutMs: 1_000, maxRetries: 0 });
    await assert.rejects(offline.chat(ask), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'llm-unavailable'), String(error));
      assert.match(error.message, /rectifier model \(m at http:\/\/127\.0\.0\.1:9\/v1\)/);
      return true;
    });
  });
});

describe('provider config', () => {
  it('fixes the usual base URL mistakes and names the missing pieces', () => {
    assert.equal(normalizeBaseURL('http://localhost:11434/api/', 'ollama'), 'http://localhost:11434/v1');
    assert.equal(normalizeBaseURL('http://127.0.0.1:8000', 'vllm'), 'http://127.0.0.1:8000/v1');
    assert.equal(normalizeBaseURL('https://gw.example.com/openai/v1/', 'openai-compatible'), 'https://gw.example.com/openai/v1');
    assert.throws(() => normalizeBaseURL('localhost:8000', 'vllm'), (e: unknown) => CoevolveError.is(e, 'bad-input'));
    const config: ModelConfig = {
      providers: { cloud: { preset: 'openai' }, box: { preset: 'ollama' } },
      roles: { default: { provider: 'cloud', model: 'gpt-x' }, implementer: { provider: 'box', model: 'qwen-small' } },
    };
    // One line per role: the implementer runs locally, the rest remotely.
    assert.equal(resolveRole(config, 'implementer', () => undefined).baseURL, 'http://127.0.0.1:11434/v1');
    assert.throws(() => resolveRole(config, 'rectifier', () => undefined), (e: unknown) => CoevolveError.is(e, 'llm-auth'));
    assert.equal(resolveRole(config, 'rectifier', (n) => (n === 'OPENAI_API_KEY' ? 'k'.repeat(20) : undefined)).model, 'gpt-x');
  });
});
