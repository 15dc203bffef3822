import assert from 'node:assert/strict';
import { copyFileSync, existsSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { CoevolveError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/logger.ts';
import { ChatClient } from '../../src/core/llm/chatClient.ts';
import { listModels } from '../../src/core/llm/modelCatalog.ts';
import { resolveRole } from '../../src/core/llm/providers.ts';
import type { ModelConfig, ResolvedModel } from '../../src/core/llm/providers.ts';
import { readSidecarEndpoint } from '../../src/core/llm/sidecarEndpoint.ts';
import { SidecarSupervisor } from '../../src/core/llm/sidecarSupervisor.ts';
import type { SidecarLaunch } from '../../src/core/llm/sidecarSupervisor.ts';
import { tempDir } from '../helpers/gitRepo.ts';
import { writeTinyGguf } from '../helpers/tinyGguf.ts';

// The real sidecar: node-llama-cpp on the CPU backend, a random-weight GGUF the test writes, the
// real `openai` client through ChatClient. Random weights prove the plumbing, not answers.
const work = tempDir('coevolve-sidecar-');
process.env.COEVOLVE_SIDECAR_STATE = join(work, 'state');
const entry = join(import.meta.dirname, '../../src/sidecar/main.ts');
// Installed by `npm run setup:engine` the way a user installs it (README), not as a dependency.
const engine = join(import.meta.dirname, '../../.sidecar-engine');
const modelPath = join(work, 'tiny.gguf');
writeTinyGguf(modelPath, { contextLength: 512 });

const lines: string[] = [];
const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
const launch = (model: string, extra: Partial<SidecarLaunch> = {}): SidecarLaunch => ({ entry, execArgv: ['--import', 'tsx'], model, gpu: 'cpu', threads: 1, llamaModule: engine, ...extra });
const config: ModelConfig = { providers: { local: { preset: 'sidecar' } }, roles: { default: { provider: 'local', model: 'tiny' } } };

describe('the GPU sidecar, run for real on the CPU backend', () => {
  // The product's health timeout: a tighter one made a busy sidecar on a loaded 2-core machine look dead (and killed it).
  const supervisor = new SidecarSupervisor(launch(modelPath), log, { healthIntervalMs: 1_000, healthTimeoutMs: 5_000 });
  let model: ResolvedModel;
  let client: ChatClient;

  before(async () => {
    const ready = await supervisor.start();
    assert.equal(ready.info.backend, 'cpu');
    model = resolveRole(config, 'implementer', () => undefined);
    client = new ChatClient(model, { timeoutMs: 30_000, maxRetries: 0 });
  });
  after(() => supervisor.stop());

  it('reports its backend, registers its endpoint for clients, and states its real context window', async () => {
    assert.ok(lines.some((l) => l.includes('Backend: CPU')), lines.join('\n'));
    const endpoint = readSidecarEndpoint();
    assert.equal(endpoint?.baseURL, supervisor.endpoint?.baseURL);
    assert.equal(endpoint?.pid, supervisor.pid);
    assert.ok(!lines.some((l) => l.includes(supervisor.endpoint!.token)), 'the token never reaches the log');
    const models = await listModels(model);
    assert.deepEqual(models, [{ id: 'tiny', contextWindow: 512, contextSource: 'reported by the server' }]);
  });

  it('streams a completion and counts its tokens', async () => {
    const pieces: string[] = [];
    const result = await client.chat({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say something.' }], maxTokens: 24, onDelta: (t) => pieces.push(t) });
    assert.ok(pieces.length > 1, 'more than one streamed piece');
    assert.equal(pieces.join(''), result.text);
    assert.equal(result.finishReason, 'length');
    assert.equal(result.usage.completionTokens, 24);
    assert.ok(result.usage.promptTokens > 5);
  });

  it('produces output that satisfies a JSON schema (llama.cpp grammar) through structured()', async () => {
    const schema = z.object({ verdict: z.enum(['pass', 'fail']), confidence: z.enum(['low', 'high']), note: z.string().max(24), retry: z.boolean() });
    for (let i = 0; i < 3; i++) {
      const { value, repaired } = await client.structured({ messages: [{ role: 'user', content: `Judge attempt ${i}.` }], maxTokens: 120 }, 'verdict', schema);
      assert.equal(repaired, false);
      assert.ok(['pass', 'fail'].includes(value.verdict));
      assert.ok(value.note.length <= 24);
    }
  });

  it('answers a required tool call with arguments valid for the tool', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string', maxLength: 30 }, whole: { type: 'boolean' } }, required: ['path', 'whole'] } } }];
    for (const stream of [false, true]) {
      const raw = await fetch(`${supervisor.endpoint!.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${supervisor.endpoint!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'Read a.ts' }], tools, tool_choice: 'required', max_tokens: 300 }),
      });
      assert.equal(raw.status, 200);
      const result = await client.chat({ messages: [{ role: 'user', content: 'Read a.ts' }], tools, maxTokens: 300, ...(stream ? { onDelta: () => undefined } : {}), toolChoice: 'required' });
      assert.equal(result.finishReason, 'tool_calls');
      assert.equal(result.toolCalls.length, 1);
      assert.equal(result.toolCalls[0]!.name, 'read_file');
      const args = result.toolCalls[0]!.arguments as { path: unknown; whole: unknown };
      assert.equal(typeof args.path, 'string');
      assert.equal(typeof args.whole, 'boolean');
    }
  });

  it('refuses a request over the context window with a typed error, and keeps serving', async () => {
    const long = 'word '.repeat(700);
    await assert.rejects(client.chat({ messages: [{ role: 'user', content: long }], maxTokens: 10 }), (error: unknown) => {
      assert.ok(CoevolveError.is(error, 'llm-bad-request'), String(error));
      assert.match(error.message, /context window/);
      return true;
    });
    await assert.rejects(client.chat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 5_000 }), /context window of 512/);
    const after = await client.chat({ messages: [{ role: 'user', content: 'still there?' }], maxTokens: 4 });
    assert.equal(after.usage.completionTokens, 4);
  });

  it('serves embeddings', async () => {
    const response = await fetch(`${supervisor.endpoint!.baseURL}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supervisor.endpoint!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', input: ['fix the tokenizer', 'add a cache'] }),
    });
    const body = (await response.json()) as { data: { embedding: number[]; index: number }[]; usage: { prompt_tokens: number } };
    assert.equal(body.data.length, 2);
    assert.equal(body.data[1]!.index, 1);
    assert.equal(body.data[0]!.embedding.length, 64);
    assert.ok(body.data[0]!.embedding.every(Number.isFinite));
    assert.notDeepEqual(body.data[0]!.embedding, body.data[1]!.embedding);
    assert.ok(body.usage.prompt_tokens > 4);
  });

  it('refuses a wrong token, a wrong model name and a malformed body with clear errors', async () => {
    const wrongKey = new ChatClient({ ...model, apiKey: 'not-the-token' }, { timeoutMs: 5_000, maxRetries: 0 });
    await assert.rejects(wrongKey.chat({ messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) => CoevolveError.is(e, 'llm-auth'));
    const wrongModel = new ChatClient({ ...model, model: 'gpt-4o' }, { timeoutMs: 5_000, maxRetries: 0 });
    await assert.rejects(wrongModel.chat({ messages: [{ role: 'user', content: 'hi' }] }), /serves "tiny", not "gpt-4o"|not found/);
    const raw = await fetch(`${supervisor.endpoint!.baseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${supervisor.endpoint!.token}` }, body: '{"messages": [' });
    assert.equal(raw.status, 400);
    assert.match(((await raw.json()) as { error: { message: string } }).error.message, /not valid JSON/);
    const unauthenticatedHealth = (await (await fetch(`${supervisor.endpoint!.baseURL.replace(/\/v1$/, '')}/health`)).json()) as Record<string, unknown>;
    assert.deepEqual(unauthenticatedHealth, { status: 'ok' });
  });

  it('stops generating when the client cancels, and serves the next request', async () => {
    const controller = new AbortController();
    let pieces = 0;
    const pending = client.chat({ messages: [{ role: 'user', content: 'go on' }], maxTokens: 400, signal: controller.signal, onDelta: () => { if (++pieces === 3) controller.abort(); } });
    await assert.rejects(pending, (e: unknown) => CoevolveError.is(e, 'cancelled'));
    assert.ok(pieces < 400);
    const next = await client.chat({ messages: [{ role: 'user', content: 'again' }], maxTokens: 3 });
    assert.equal(next.usage.completionTokens, 3);
  });

  it('restarts after a crash, within its restart budget', async () => {
    const before = supervisor.pid!;
    const states: string[] = [];
    const watch = supervisor.onStateChange((state) => states.push(state));
    process.kill(before, 'SIGKILL');
    await waitFor(() => supervisor.state === 'running' && supervisor.pid !== before, 30_000);
    watch.dispose();
    assert.deepEqual(states, ['restarting', 'running']);
    const result = await client.chat({ messages: [{ role: 'user', content: 'back?' }], maxTokens: 2 });
    assert.equal(result.usage.completionTokens, 2);
  });

  it('stops gracefully: the process exits and the endpoint is unregistered', async () => {
    const pid = supervisor.pid!;
    await supervisor.stop();
    assert.equal(supervisor.state, 'stopped');
    assert.throws(() => process.kill(pid, 0));
    assert.equal(readSidecarEndpoint(), undefined);
    assert.ok(!existsSync(join(work, 'state', 'endpoint.json')));
    assert.throws(() => resolveRole(config, 'implementer', () => undefined), /none is running/);
  });
});

describe('the sidecar refuses bad model files with a clear error and no restart loop', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a missing file', () => join(work, 'nope.gguf'), /Model file not found/],
    ['a file that is not GGUF', () => { const p = join(work, 'model.safetensors'); writeFileSync(p, '{"__metadata__": {}}'); return p; }, /not a GGUF model/],
    ['a GGUF without feed_forward_length (llama.cpp would abort)', () => { const p = join(work, 'broken.gguf'); writeTinyGguf(p, { omitKey: 'llama.feed_forward_length' }); return p; }, /missing required metadata: llama.feed_forward_length/],
    ['a GGUF cut short, as by an interrupted download', () => {
      const p = join(work, 'half.gguf');
      writeTinyGguf(p);
      truncateSync(p, Math.floor(statSync(p).size * 0.6));
      return p;
    }, /could not load/],
    ['a GGUF that ends after its version', () => { const p = join(work, 'cut.gguf'); writeFileSync(p, Buffer.from('GGUF\x03\x00\x00\x00', 'latin1')); return p; }, /damaged GGUF header/],
  ];
  for (const [name, make, message] of cases) {
    it(name, async () => {
      const supervisor = new SidecarSupervisor(launch(make()), log);
      await assert.rejects(supervisor.start(), (error: unknown) => {
        assert.ok(CoevolveError.is(error, 'sidecar-bad-model'), String(error));
        assert.match(error.message, message);
        return true;
      });
      assert.equal(supervisor.state, 'failed');
      await supervisor.stop();
    });
  }

  it('says how to install the engine when node-llama-cpp is not installed (the bundle outside any node_modules)', async () => {
    // As in an installed VSIX: the bundle alone, no dev dependency beside it, no private install.
    const lonely = tempDir('coevolve-lonely-');
    copyFileSync(join(import.meta.dirname, '../../dist/sidecar.cjs'), join(lonely, 'sidecar.cjs'));
    const home = tempDir('coevolve-home-');
    const saved = { HOME: process.env.HOME, COEVOLVE_LLAMA_MODULE: process.env.COEVOLVE_LLAMA_MODULE };
    process.env.HOME = home;
    delete process.env.COEVOLVE_LLAMA_MODULE;
    try {
      const supervisor = new SidecarSupervisor({ entry: join(lonely, 'sidecar.cjs'), model: modelPath, gpu: 'cpu' }, log);
      await assert.rejects(supervisor.start(), (error: unknown) => {
        assert.ok(CoevolveError.is(error, 'sidecar-unavailable'), String(error));
        assert.match(error.message, /node-llama-cpp\) is not installed/);
        assert.match(error.hint ?? '', /npm install --prefix .*node-llama-cpp@3\.22\.1/);
        return true;
      });
      assert.equal(supervisor.state, 'failed');
    } finally {
      Object.assign(process.env, saved);
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
