import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { CoevolveError } from '../../../src/core/errors.ts';
import { Accounting } from '../../../src/core/llm/accounting.ts';
import { ChatClient, SCHEMA_FALLBACK_NOTE, withoutKeywords } from '../../../src/core/llm/chatClient.ts';
import type { StructuredAttempt } from '../../../src/core/llm/chatClient.ts';
import { resolveRole } from '../../../src/core/llm/providers.ts';
import { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import type { Step } from '../../helpers/scriptedModelServer.ts';

// Some OpenAI-compatible servers refuse `strict: true` or keywords such as maxLength and minItems
// in a response_format schema. The client asks once more without them and still checks the answer
// against the whole schema itself (real openai client, real HTTP on loopback).

const answerSchema = z.object({
  summary: z.string().max(40),
  items: z.array(z.string().max(10)).min(1).max(3),
  // A field named like a keyword: it must survive the relaxing.
  pattern: z.string(),
});

const VALID = JSON.stringify({ summary: 'short', items: ['a'], pattern: 'x*' });
const STRICT_REFUSAL = "response_format.json_schema: 'maxLength' is not supported in strict mode";

interface SentFormat {
  type: string;
  json_schema: { name: string; strict?: boolean; schema: Record<string, unknown> };
}

describe('a structured-output schema the server refuses', () => {
  let server: ScriptedModelServer;
  let client: ChatClient;
  let accounting: Accounting;
  before(async () => {
    server = await ScriptedModelServer.start();
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    accounting = new Accounting();
    const model = resolveRole({ providers: { local: { preset: 'openai-compatible', baseURL: server.baseURL } }, roles: { default: { provider: 'local', model: 'scripted-model' } } }, 'generator', () => undefined);
    client = new ChatClient(model, { accounting, timeoutMs: 5_000, maxRetries: 0 });
  });

  /** Refuses any strict schema with a 400; answers `then` otherwise. */
  const refusesStrict = (then: Step): Step => ({
    kind: 'dynamic',
    respond: (body) => ((body.response_format as SentFormat).json_schema.strict ? { kind: 'status', status: 400, message: STRICT_REFUSAL } : then),
  });
  const sentFormats = (): SentFormat[] => server.requests.map((r) => r.body.response_format as SentFormat);
  const ask = { messages: [{ role: 'user' as const, content: 'answer' }] };

  it('is asked for once more without strict and its keywords, and the run log says so', async () => {
    server.script(refusesStrict({ kind: 'text', chunks: [VALID] }), refusesStrict({ kind: 'text', chunks: [VALID] }), refusesStrict({ kind: 'text', chunks: [VALID] }));
    const attempts: StructuredAttempt[] = [];
    const { value } = await client.structured(ask, 'answer', answerSchema, attempts);
    assert.deepEqual(value, { summary: 'short', items: ['a'], pattern: 'x*' });

    const [strict, relaxed] = sentFormats();
    assert.equal(server.requests.length, 2);
    assert.equal(strict!.json_schema.strict, true);
    assert.match(JSON.stringify(strict!.json_schema.schema), /"maxLength":40/);
    assert.ok(!('strict' in relaxed!.json_schema), 'the second request has no strict flag');
    const relaxedText = JSON.stringify(relaxed!.json_schema.schema);
    for (const keyword of ['maxLength', 'minItems', 'maxItems']) assert.ok(!relaxedText.includes(`"${keyword}"`), `no ${keyword} in ${relaxedText}`);
    assert.deepEqual(Object.keys((relaxed!.json_schema.schema as { properties: object }).properties), ['summary', 'items', 'pattern']);

    // The failed call and the fallback are in the accounting (and so in the trajectory), the failed attempt has no answer.
    assert.equal(accounting.calls.length, 2);
    assert.equal(accounting.calls[0]!.ok, false);
    assert.ok(accounting.calls[0]!.error!.includes(SCHEMA_FALLBACK_NOTE), accounting.calls[0]!.error);
    assert.equal(accounting.calls[1]!.ok, true);
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0]!.text, undefined);
    assert.equal(attempts[1]!.text, VALID);

    // The client remembers: the next structured call goes straight to the relaxed schema.
    await client.structured(ask, 'answer', answerSchema);
    assert.equal(server.requests.length, 3);
    assert.ok(!('strict' in sentFormats()[2]!.json_schema));
  });

  it('still checks the relaxed answer against the whole schema, and repairs it once', async () => {
    const tooLong = JSON.stringify({ summary: 'x'.repeat(41), items: [], pattern: '' });
    server.script({ kind: 'status', status: 400, message: STRICT_REFUSAL }, { kind: 'text', chunks: [tooLong] }, { kind: 'text', chunks: [VALID] });
    const { value, repaired } = await client.structured(ask, 'answer', answerSchema);
    assert.equal(repaired, true);
    assert.equal(value.summary, 'short');
    const repairMessages = server.requests[2]!.body.messages as { content: string }[];
    assert.match(repairMessages.at(-1)!.content, /not valid/);
    assert.ok(!('strict' in sentFormats()[2]!.json_schema), 'the repair uses the relaxed schema too');
  });

  it('gives a clear typed error when the server refuses the schema both times', async () => {
    server.script({ kind: 'status', status: 400, message: STRICT_REFUSAL }, { kind: 'status', status: 400, message: 'response_format json_schema is not supported by this server' });
    await assert.rejects(client.structured(ask, 'answer', answerSchema), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'llm-bad-request'), String(error));
      assert.match(error.message, /refused the "answer" answer schema, with strict and again without it/);
      assert.match(error.message, /json_schema is not supported/);
      assert.match(error.hint ?? '', /response_format json_schema/);
      return true;
    });
    assert.equal(server.requests.length, 2, 'asked exactly twice');
    assert.deepEqual(accounting.calls.map((c) => c.ok), [false, false]);
  });

  it('does not retry a 400 that is not about the schema', async () => {
    server.script({ kind: 'status', status: 400, message: "messages[0].role: 'robot' is not a valid role" });
    await assert.rejects(client.structured(ask, 'answer', answerSchema), (error: unknown) => CoevolveError.is(error, 'llm-bad-request') && /robot/.test((error as Error).message));
    assert.equal(server.requests.length, 1);
    assert.ok(!accounting.calls[0]!.error!.includes(SCHEMA_FALLBACK_NOTE));
  });
});

describe('relaxing a schema', () => {
  it('drops the keywords at every depth and keeps fields named like them', () => {
    const schema = {
      type: 'object',
      properties: { format: { type: 'string', maxLength: 5, format: 'date' }, list: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0, maximum: 9 } } },
      required: ['format', 'list'],
      additionalProperties: false,
    };
    assert.deepEqual(withoutKeywords(schema), {
      type: 'object',
      properties: { format: { type: 'string' }, list: { type: 'array', items: { type: 'number' } } },
      required: ['format', 'list'],
      additionalProperties: false,
    });
  });
});
