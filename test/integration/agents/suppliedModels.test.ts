// A front door can supply a role's model (the editor's VS Code language models): the team uses it
// for that role — accounted and written to the trajectory like any other — asks no server for its
// window, and resolves the other roles from models.json as before. Without it, a vscode-lm role
// fails up front, saying the provider exists only inside VS Code.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Team } from '../../../src/core/agents/team.ts';
import { Trajectory } from '../../../src/core/agents/trajectory.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { ChatClient } from '../../../src/core/llm/chatClient.ts';
import type { ChatModel } from '../../../src/core/llm/chatModel.ts';
import type { ModelConfig } from '../../../src/core/llm/providers.ts';
import { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

describe('Team with supplied models', () => {
  let server: ScriptedModelServer;
  before(async () => {
    server = await ScriptedModelServer.start();
    server.models = [{ id: 'impl', object: 'model', owned_by: 'test', context_length: 32768 }];
  });
  after(() => server.close());

  const config = (baseURL: string): ModelConfig => ({
    providers: { editor: { preset: 'vscode-lm' }, local: { preset: 'openai-compatible', baseURL } },
    roles: { default: { provider: 'editor', model: 'copilot/gpt-4o/gpt-4o' }, implementer: { provider: 'local', model: 'impl' } },
  });

  it('routes the supplied roles to the supplied model and the others to models.json', async () => {
    const supplied: string[] = [];
    const team = new Team({
      models: config(server.baseURL),
      secrets: () => undefined,
      trajectory: new Trajectory(join(tempDir(), 'store')),
      chatModels: (role, accounting) => {
        if (role === 'implementer') return undefined;
        supplied.push(role);
        // A real model behind the supplied interface (here over HTTP), whose window it knows itself.
        const client = new ChatClient({ role, model: 'editor-model', providerName: 'editor', preset: 'vscode-lm', baseURL: server.baseURL, apiKey: undefined }, { accounting, contextWindow: 4096 });
        return Object.assign(client, { windowFromModel: true }) as ChatModel;
      },
    });
    team.prepare();
    assert.deepEqual(supplied.sort(), ['generator', 'rectifier']);
    await team.learnContextWindows();
    const probes = server.requests.filter((r) => r.path === '/v1/models');
    assert.equal(probes.length, 1, 'only the HTTP role\'s server is asked for its window');
    assert.equal(team.contextWindow('generator'), 4096);
    assert.equal(team.contextWindow('implementer'), 32768);
    assert.equal(team.describe('generator'), 'editor-model (editor)');

    server.scriptFor('editor-model', { kind: 'text', chunks: ['planned'] });
    server.scriptFor('impl', { kind: 'text', chunks: ['implemented'] });
    assert.equal((await team.chat('generator', { messages: [{ role: 'user', content: 'plan' }] })).text, 'planned');
    assert.equal((await team.chat('implementer', { messages: [{ role: 'user', content: 'edit' }] })).text, 'implemented');
    assert.deepEqual(team.accounting.calls.map((c) => c.provider), ['editor', 'local'], 'both calls accounted, each under its provider');
    assert.deepEqual(server.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body.model), ['editor-model', 'impl']);
  });

  it('without a supplied model, a vscode-lm role fails before any work: only inside VS Code', () => {
    const team = new Team({ models: config(server.baseURL), secrets: () => undefined, trajectory: new Trajectory(join(tempDir(), 'store')) });
    assert.throws(() => team.prepare(), (error: unknown) => CoevolveError.is(error, 'llm-unavailable') && /exists only inside VS Code/.test(error.message));
  });
});
