import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScriptedModelServer } from '../helpers/scriptedModelServer.ts';
import { runCliAsync } from '../helpers/cliProcess.ts';
import { tempDir } from '../helpers/gitRepo.ts';

const run = runCliAsync;

let server: ScriptedModelServer;
before(async () => {
  server = await ScriptedModelServer.start();
});
after(() => server.close());

describe('coevolve chat', () => {
  it('streams the answer and prints the token accounting', async () => {
    server.script({ kind: 'text', chunks: ['Hello', ' from', ' the model'] });
    const result = await run(['chat', 'say hello', '--base-url', server.baseURL, '--model', 'scripted-model'], tempDir());
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Hello from the model\n');
    assert.match(result.stderr, /scripted-model at http:\/\/127\.0\.0\.1:\d+\/v1: 11 prompt \+ 7 completion tokens, \d+ ms, cost unknown \(no price in models.json\), finish: stop/);
  });

  it('prices the call from the prices in models.json', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.coevolve'));
    writeFileSync(
      join(dir, '.coevolve', 'models.json'),
      JSON.stringify({
        providers: { hosted: { preset: 'openai-compatible', baseURL: server.baseURL } },
        roles: { default: { provider: 'hosted', model: 'scripted-model' } },
        prices: { 'scripted-model': { inputPerMTok: 2000, outputPerMTok: 8000 } },
      }),
    );
    server.reset();
    server.script({ kind: 'text', chunks: ['priced'] });
    const result = await run(['chat', 'hi'], dir);
    assert.equal(result.code, 0, result.stderr);
    // 11 prompt tokens at $2000/M + 7 completion tokens at $8000/M = $0.022 + $0.056.
    assert.match(result.stderr, /11 prompt \+ 7 completion tokens, \d+ ms, \$0\.078, finish: stop/);
  });

  it('refuses, before sending, a prompt longer than the window the server reports', async () => {
    server.reset();
    server.models = [{ id: 'tiny', object: 'model', max_model_len: 256 }];
    const result = await run(['chat', 'word '.repeat(400), '--base-url', server.baseURL, '--model', 'tiny'], tempDir());
    server.models = [{ id: 'scripted-model', object: 'model' }];
    assert.equal(result.code, 6);
    assert.match(result.stderr, /context window of 256; it was not sent/);
    assert.ok(!server.requests.some((r) => r.path === '/v1/chat/completions'), 'nothing was sent to the model');
  });

  it('counts an OpenAI model\'s request exactly with its tokenizer (loaded from its own bundle)', async () => {
    server.reset();
    server.models = [{ id: 'gpt-4o-mini', object: 'model', max_model_len: 30 }];
    const result = await run(['chat', 'hello world '.repeat(20), '--base-url', server.baseURL, '--model', 'gpt-4o-mini'], tempDir());
    server.models = [{ id: 'scripted-model', object: 'model' }];
    assert.equal(result.code, 6);
    // 20 x "hello world " is 41 tokens in o200k_base; with the chat overhead, 48. No "about": it is exact.
    assert.match(result.stderr, /The request needs 48 tokens but .* has a context window of 30; it was not sent/);
  });

  it('reads models.json per role, with the key from the environment', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.coevolve'));
    writeFileSync(
      join(dir, '.coevolve', 'models.json'),
      JSON.stringify({ providers: { local: { preset: 'vllm', baseURL: server.baseURL, apiKeyEnv: 'LOCAL_KEY' } }, roles: { rectifier: { provider: 'local', model: 'big' } } }),
    );
    server.reset();
    server.script({ kind: 'text', chunks: ['{"ok":true}'] });
    const result = await run(['chat', 'hi', '--role', 'rectifier', '--json'], dir, { LOCAL_KEY: 'local-secret-123456' });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.role, 'rectifier');
    assert.equal(json.text, '{"ok":true}');
    const sent = server.requests.find((r) => r.path === '/v1/chat/completions')!;
    assert.equal(sent.authorization, 'Bearer local-secret-123456');
    assert.equal(sent.body.model, 'big');
    const noRole = await run(['chat', 'hi', '--role', 'implementer'], dir);
    assert.equal(noRole.code, 2);
    assert.match(noRole.stderr, /No model is configured for the implementer role/);
  });

  it('refuses a models.json that holds a key, and explains a missing configuration', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.coevolve'));
    writeFileSync(join(dir, '.coevolve', 'models.json'), JSON.stringify({ providers: { c: { preset: 'openai', apiKey: 'sk-123' } }, roles: {} }));
    const withKey = await run(['chat', 'hi'], dir);
    assert.equal(withKey.code, 2);
    assert.match(withKey.stderr, /seems to hold a key/);
    const none = await run(['chat', 'hi'], tempDir());
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No model is configured/);
  });

  it('exits 6 with the endpoint named when the model cannot be reached', async () => {
    const result = await run(['chat', 'hi', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--timeout', '2'], tempDir());
    assert.equal(result.code, 6);
    assert.match(result.stderr, /Could not reach the generator model \(m at http:\/\/127\.0\.0\.1:9\/v1\)/);
  });
});

describe('coevolve models', () => {
  it('lists models with the context window the server reports, and says when it cannot', async () => {
    server.models = [
      { id: 'qwen-coder', object: 'model', max_model_len: 32768 },
      { id: 'mystery', object: 'model' },
    ];
    const vllm = await run(['models', '--preset', 'vllm', '--base-url', server.baseURL, '--json'], tempDir());
    assert.equal(vllm.code, 0, vllm.stderr);
    const [entry] = JSON.parse(vllm.stdout);
    assert.deepEqual(entry.models, [
      { id: 'qwen-coder', contextWindow: 32768, contextSource: 'reported by the server' },
      { id: 'mystery', contextSource: 'not reported by this server' },
    ]);
  });

  it("does not trust Ollama's default context, and reports num_ctx when the model sets it", async () => {
    server.models = [{ id: 'llama3.2', object: 'model' }];
    server.ollamaShow = { model_info: { 'llama.context_length': 131072 }, parameters: 'stop "<|eot_id|>"' };
    const ollamaURL = server.baseURL; // the preset maps .../v1 back to .../api/show
    const first = JSON.parse((await run(['models', '--preset', 'ollama', '--base-url', ollamaURL, '--json'], tempDir())).stdout);
    assert.equal(first[0].models[0].contextWindow, undefined);
    assert.match(first[0].models[0].contextSource, /default num_ctx .*trained window: 131072.*Modelfile/);
    server.ollamaShow = { model_info: { 'llama.context_length': 131072 }, parameters: 'num_ctx                        16384' };
    const second = JSON.parse((await run(['models', '--preset', 'ollama', '--base-url', ollamaURL, '--json'], tempDir())).stdout);
    assert.equal(second[0].models[0].contextWindow, 16384);
  });

  it('exits 6 when no provider answers', async () => {
    const result = await run(['models', '--base-url', 'http://127.0.0.1:9/v1'], tempDir());
    assert.equal(result.code, 6);
    assert.match(result.stdout, /unavailable: Could not reach http:\/\/127\.0\.0\.1:9\/v1\/models/);
  });
});
