import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModelConfig, saveProviderChoice } from '../../../src/core/llm/modelConfigFile.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

const store = tempDir('coevolve-models-');
after(() => rmSync(store, { recursive: true, force: true }));

describe('saving a provider choice to models.json', () => {
  it('adds a provider and points a role at it, keeping the rest', async () => {
    mkdirSync(store, { recursive: true });
    writeFileSync(join(store, 'models.json'), JSON.stringify({ providers: { cloud: { preset: 'openai', apiKeyEnv: 'OPENAI_API_KEY' } }, roles: { default: { provider: 'cloud', model: 'gpt-5.1' } }, prices: { 'gpt-5.1': { inputPerMTok: 1.25, outputPerMTok: 10 } } }));
    await saveProviderChoice(store, { name: 'box', provider: { preset: 'ollama' }, role: 'implementer', model: 'qwen2.5-coder:7b' });
    const config = await readModelConfig(store);
    assert.deepEqual(config, {
      providers: { cloud: { preset: 'openai', apiKeyEnv: 'OPENAI_API_KEY' }, box: { preset: 'ollama' } },
      roles: { default: { provider: 'cloud', model: 'gpt-5.1' }, implementer: { provider: 'box', model: 'qwen2.5-coder:7b' } },
      prices: { 'gpt-5.1': { inputPerMTok: 1.25, outputPerMTok: 10 } },
    });
    assert.doesNotMatch(readFileSync(join(store, 'models.json'), 'utf8'), /sk-/);
  });

  it('refuses a choice that would make the file invalid, and leaves it as it was', async () => {
    const before = readFileSync(join(store, 'models.json'), 'utf8');
    await assert.rejects(saveProviderChoice(store, { name: 'bad', provider: { preset: 'ollama', apiKeyEnv: 'not a name' }, role: 'default', model: 'm' }), /not be a valid model configuration/);
    assert.equal(readFileSync(join(store, 'models.json'), 'utf8'), before);
  });
});
