import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { configuredEmbedder } from '../../../src/core/embeddings/configuredEmbedder.ts';
import type { ModelConfig } from '../../../src/core/llm/providers.ts';

const secrets = (name: string) => (name === 'EMBED_KEY' ? 'sk-embed-0123456789' : undefined);

test('no embedder role means no semantic channel, even with a default model', () => {
  assert.equal(configuredEmbedder(undefined, secrets), undefined);
  const config: ModelConfig = { providers: { local: { preset: 'ollama' } }, roles: { default: { provider: 'local', model: 'qwen' } } };
  assert.equal(configuredEmbedder(config, secrets), undefined);
});

test('the embedder role resolves to a client for that provider and model', () => {
  const config: ModelConfig = { providers: { local: { preset: 'ollama' }, remote: { preset: 'openai', apiKeyEnv: 'EMBED_KEY' } }, roles: { embedder: { provider: 'local', model: 'nomic-embed-text' } } };
  const made = configuredEmbedder(config, secrets);
  assert.ok(made && 'embedder' in made);
  assert.deepEqual([made.embedder.model.model, made.embedder.model.baseURL, made.embedder.model.role], ['nomic-embed-text', 'http://127.0.0.1:11434/v1', 'embedder']);
  const remote = configuredEmbedder({ ...config, roles: { embedder: { provider: 'remote', model: 'text-embedding-3-small' } } }, secrets);
  assert.ok(remote && 'embedder' in remote && remote.embedder.model.apiKey === 'sk-embed-0123456789');
});

test('an embedder that cannot be used here is a note, not a failure of recall', () => {
  const noKey = configuredEmbedder({ providers: { remote: { preset: 'openai' } }, roles: { embedder: { provider: 'remote', model: 'text-embedding-3-small' } } }, () => undefined);
  assert.ok(noKey && 'note' in noKey);
  assert.match(noKey.note, /text-embedding-3-small on "remote".*OPENAI_API_KEY/);
  const missing = configuredEmbedder({ providers: {}, roles: { embedder: { provider: 'gone', model: 'm' } } }, secrets);
  assert.ok(missing && 'note' in missing && /"gone" is not configured/.test(missing.note));
});
