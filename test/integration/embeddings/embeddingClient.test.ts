import { strict as assert } from 'node:assert';
import { after, before, beforeEach, test } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { Accounting } from '../../../src/core/llm/accounting.ts';
import { EmbeddingClient } from '../../../src/core/llm/embeddingClient.ts';
import type { ResolvedModel } from '../../../src/core/llm/providers.ts';
import { hashedBagOfWords, ScriptedEmbeddingServer } from '../../helpers/scriptedEmbeddingServer.ts';

const KEY = 'sk-test-0123456789abcdefSECRET';
let server: ScriptedEmbeddingServer;

const model = (baseURL = server.baseURL, name = 'hash-embed'): ResolvedModel => ({ role: 'embedder', model: name, providerName: 'remote', preset: 'openai-compatible', baseURL, apiKey: KEY });

before(async () => {
  server = await ScriptedEmbeddingServer.start();
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.rawAnswers = [];
  server.requests.length = 0;
  server.delayMs = 0;
  server.dimensions = 64;
});

test('texts are sent in batches, come back in input order, and every call is accounted', async () => {
  const accounting = new Accounting({ 'hash-embed': { inputPerMTok: 0.02, outputPerMTok: 0 } });
  const client = new EmbeddingClient(model(), { batchSize: 3, concurrency: 2, accounting });
  const texts = Array.from({ length: 7 }, (_, i) => `text number ${i} about parsing ${'word'.repeat(i)}`);
  const result = await client.embed(texts);
  assert.deepEqual(server.requests.map((r) => r.inputs.length).sort(), [1, 3, 3]);
  assert.equal(server.requests.every((r) => r.authorization === `Bearer ${KEY}`), true);
  assert.equal(result.dimensions, 64);
  assert.equal(result.vectors.length, 7);
  texts.forEach((text, i) => assert.deepEqual([...result.vectors[i]!], hashedBagOfWords(text, 64, 'hash-embed')));
  const totals = accounting.totals();
  assert.equal(totals.calls, 3);
  assert.equal(totals.byRole.embedder?.calls, 3);
  assert.equal(totals.promptTokens, texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0));
  assert.ok(totals.costUsd > 0 && !totals.costIncomplete);
});

test('many batches leave no abort listeners behind on one signal (openai-node#1811)', async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    const client = new EmbeddingClient(model(), { batchSize: 1, concurrency: 4 });
    const signal = new AbortController().signal;
    const result = await client.embed(Array.from({ length: 40 }, (_, i) => `text ${i}`), signal);
    assert.equal(result.vectors.length, 40);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
});

test('a 429 with Retry-After is waited out and retried by the SDK', async () => {
  server.failNext({ status: 429, retryAfter: '1', message: 'slow down' });
  const client = new EmbeddingClient(model(), { maxRetries: 2 });
  const started = Date.now();
  const result = await client.embed(['one text']);
  assert.equal(result.vectors.length, 1);
  assert.equal(server.requests.length, 2, 'the refused request and its retry');
  assert.ok(server.requests[1]!.at - server.requests[0]!.at >= 900, 'the retry waited for Retry-After (1 s)');
  assert.ok(Date.now() - started >= 900);
});

test('rate limits that outlast the retries end in llm-rate-limited, with no key in the message', async () => {
  server.failNext({ status: 429, retryAfter: '0', message: `quota for ${KEY}` }, { status: 429, retryAfter: '0', message: `quota for ${KEY}` });
  const accounting = new Accounting();
  const client = new EmbeddingClient(model(), { maxRetries: 1, accounting });
  const error = await client.embed(['x y']).then(() => undefined, (e: unknown) => e);
  assert.ok(CoevolveError.is(error, 'llm-rate-limited'), String(error));
  assert.ok(!error.message.includes(KEY));
  assert.match(error.message, /REDACTED/);
  assert.equal(accounting.totals().failedCalls, 1);
  assert.ok(!accounting.calls[0]!.error!.includes(KEY));
});

test('a cancel stops the requests in flight and reads as cancelled', async () => {
  server.delayMs = 5_000;
  const client = new EmbeddingClient(model(), { batchSize: 1, concurrency: 2 });
  const controller = new AbortController();
  // Cancelled once the server holds the two requests in flight (concurrency 2), however slow the machine.
  const poll = setInterval(() => {
    if (server.requests.length >= 2) controller.abort();
  }, 5);
  poll.unref();
  const started = Date.now();
  const error = await client.embed(['a b', 'c d', 'e f', 'g h'], controller.signal).then(() => undefined, (e: unknown) => e);
  clearInterval(poll);
  assert.ok(CoevolveError.is(error, 'cancelled'), String(error));
  assert.ok(Date.now() - started < 4_000, 'it did not wait for the server (5 s a request)');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(server.requests.length, 2, 'the batches still queued were never sent');
  // Already cancelled: nothing is sent.
  await assert.rejects(client.embed(['z'], AbortSignal.abort()), (e: unknown) => CoevolveError.is(e, 'cancelled'));
  assert.equal(server.requests.length, 2);
});

test('a server that is down is a typed llm-unavailable error naming the endpoint', async () => {
  const down = await ScriptedEmbeddingServer.start();
  const url = down.baseURL;
  await down.close();
  const client = new EmbeddingClient(model(url), { maxRetries: 0 });
  await assert.rejects(client.embed(['hello']), (e: unknown) => CoevolveError.is(e, 'llm-unavailable') && e.message.includes(url) && !e.message.includes(KEY));
});

test('refusals are typed: a 401 is llm-auth, a 404 says to check the model and /v1, bad settings are bad-input', async () => {
  server.failNext({ status: 401, message: `bad key ${KEY}` });
  const client = new EmbeddingClient(model(), { maxRetries: 0 });
  await assert.rejects(client.embed(['x']), (e: unknown) => CoevolveError.is(e, 'llm-auth') && !e.message.includes(KEY));
  const wrongPath = new EmbeddingClient(model(server.baseURL.replace(/\/v1$/, '/nope')), { maxRetries: 0 });
  await assert.rejects(wrongPath.embed(['x']), (e: unknown) => CoevolveError.is(e, 'llm-bad-request') && /\/v1/.test(e.message));
  for (const bad of [{ batchSize: 0 }, { concurrency: 1.5 }, { batchSize: 5000 }]) assert.throws(() => new EmbeddingClient(model(), bad), (e: unknown) => CoevolveError.is(e, 'bad-input'));
});

test('long texts are cut and empty ones still embed', async () => {
  const client = new EmbeddingClient(model(), { maxChars: 10 });
  const result = await client.embed(['', 'abcdefghijklmnopqrstuvwxyz']);
  assert.equal(result.vectors.length, 2);
  assert.deepEqual(server.requests[0]!.inputs, [' ', 'abcdefghij']);
});

test('answers that are not embeddings are typed llm-bad-output, never half used', async () => {
  const client = new EmbeddingClient(model(), { maxRetries: 0 });
  const vector = (n: number) => Array.from({ length: n }, () => 0.5);
  const broken: Array<[string, unknown]> = [
    ['one vector for two texts', { data: [{ index: 0, embedding: vector(4) }], model: 'm' }],
    ['a NaN', { data: [{ index: 0, embedding: [0.1, null, 0.3] }, { index: 1, embedding: vector(3) }], model: 'm' }],
    ['a repeated index', { data: [{ index: 0, embedding: vector(4) }, { index: 0, embedding: vector(4) }], model: 'm' }],
    ['lengths that differ', { data: [{ index: 0, embedding: vector(4) }, { index: 1, embedding: vector(5) }], model: 'm' }],
    ['no data at all', { object: 'list' }],
  ];
  for (const [what, answer] of broken) {
    server.rawAnswers = [answer];
    await assert.rejects(client.embed(['first text', 'second text']), (e: unknown) => CoevolveError.is(e, 'llm-bad-output'), what);
  }
  // Out-of-order answers are put back in input order by index.
  server.rawAnswers = [{ data: [{ index: 1, embedding: [0, 1] }, { index: 0, embedding: [1, 0] }], model: 'm' }];
  const ordered = await client.embed(['a', 'b']);
  assert.deepEqual(ordered.vectors.map((v) => [...v]), [[1, 0], [0, 1]]);
});
