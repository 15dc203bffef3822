import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ELIDED_OUTPUT } from '../../../src/core/agents/contextFit.ts';
import { solveTask } from '../../../src/core/agents/solveTask.ts';
import { modelCallConversations } from '../../../src/core/agents/trajectory.ts';
import type { SolveOptions } from '../../../src/core/agents/solveTask.ts';
import type { SolveEvent } from '../../../src/core/agents/events.ts';
import { CoevolveError } from '../../../src/core/errors.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import type { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { edit, finish, mathProject, planStep, requestText, teamSolveOptions, toolCall } from '../../helpers/teamFixtures.ts';
import { scriptedServerForFile } from '../../helpers/scriptedServerHooks.ts';

// The team asks each role's server for its context window (GET /v1/models, as vLLM, llama.cpp and
// the sidecar answer it) and the implementer keeps its conversation inside that window.

let server!: ScriptedModelServer;
scriptedServerForFile((started) => (server = started));

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

/** About 14,000 estimated tokens of notes: an 18k window holds them with the brief, not with the rest of the work. */
const NOTES = Array.from({ length: 320 }, (_, i) => `note ${i}: the tokenizer keeps trailing whitespace out of every token it emits (${'x'.repeat(40)})`).join('\n');

async function setup(windows: Record<string, number>): Promise<{ repo: GitRepo; options: SolveOptions; events: SolveEvent[]; sandboxes: string }> {
  const repo = mathProject();
  repo.commit('docs: notes', { 'docs/notes.md': `${NOTES}\n` });
  const sandboxes = tempDir('coevolve-window-sbx-');
  const storeDir = tempDir('coevolve-window-store-');
  cleanup.push(() => repo.remove(), () => rmSync(sandboxes, { recursive: true, force: true }), () => rmSync(storeDir, { recursive: true, force: true }));
  server.models = ['gen', 'impl', 'rect'].map((id) => ({ id, object: 'model', owned_by: 'test', ...(windows[id] ? { context_length: windows[id] } : {}) }));
  const events: SolveEvent[] = [];
  const options = await teamSolveOptions(server.baseURL, repo.dir, { store: storeDir, sandboxes }, events);
  return { repo, options, events, sandboxes };
}

/** The plan, then an implementer that reads the long notes, then the code, and fixes it. */
function scriptNotesThenFix(): void {
    server.scriptFor('gen', planStep());
    server.scriptFor(
      'impl',
      toolCall('read_file', { path: 'docs/notes.md' }),
      toolCall('read_file', { path: 'src/math.js' }),
      edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);'),
      finish('sum filters out null before adding.'),
    );
}

function implementerRequests(): string[] {
  return server.requests.filter((r) => r.body.model === 'impl').map((r) => requestText(r.body));
}

describe('the team and the context window its server reports', () => {
  it('elides the oldest tool output once the conversation would overflow the implementer\'s window, and still solves', async () => {
    const s = await setup({ impl: 18_000 });
    scriptNotesThenFix();
    const solution = await solveTask(s.options);
    assert.equal(solution.status, 'passed');
    const asked = implementerRequests();
    assert.equal(asked.length, 4);
    // The notes went to the model whole while they fitted...
    assert.ok(asked[1]!.includes('note 319:'), 'the second request still carries the notes');
    assert.ok(!asked[1]!.includes(ELIDED_OUTPUT));
    // ...and were elided, not cut off by the server, once they no longer did; the newest output stays.
    assert.ok(!asked[3]!.includes('note 319:'), 'the fourth request no longer carries the notes');
    assert.ok(asked[3]!.includes(ELIDED_OUTPUT));
    assert.ok(asked[3]!.includes('return values.reduce((a, b) => a + b, 0);'), 'the newer read of src/math.js is kept');
    assert.ok(s.events.some((e) => e.type === 'note' && /Elided 1 earlier tool output to fit the implementer model's context window \(18000 tokens\)/.test(e.text)));
    // The run's record shows the same: the elided output is written as a new message, and the notes
    // reach the record once, not once per later call.
    const lines = readFileSync(join(solution.runDir, 'trajectory.jsonl'), 'utf8').trim().split('\n');
    const recorded = modelCallConversations(lines.map((l) => JSON.parse(l) as { type: string })).filter((c) => c.role === 'implementer').map((c) => JSON.stringify(c.messages));
    assert.equal(recorded.length, 4);
    assert.ok(recorded[1]!.includes('note 0:') && !recorded[1]!.includes(ELIDED_OUTPUT));
    assert.ok(!recorded[3]!.includes('note 0:') && recorded[3]!.includes(ELIDED_OUTPUT));
    assert.equal(lines.filter((l) => l.includes('"type":"model-call"') && l.includes('note 0:')).length, 1);
    await solution.reject();
  });

  it('leaves the conversation alone where the server reports no window', async () => {
    const s = await setup({});
    scriptNotesThenFix();
    const solution = await solveTask(s.options);
    assert.equal(solution.status, 'passed');
    assert.ok(implementerRequests()[3]!.includes('note 319:'));
    assert.ok(!s.events.some((e) => e.type === 'note' && e.text.startsWith('Elided')));
    await solution.reject();
  });

  it('refuses, before sending it, a request that cannot fit even with every output elided, and leaves nothing behind', async () => {
    const s = await setup({ gen: 300 });
    await assert.rejects(solveTask(s.options), (error: unknown) => CoevolveError.is(error, 'llm-bad-request') && /context window of 300; it was not sent/.test((error as Error).message));
    assert.equal(server.requests.filter((r) => r.body.model === 'gen').length, 0, 'the generator was never sent the oversized plan request');
    assert.deepEqual(readdirSync(s.sandboxes, { recursive: true }).map(String).filter((p) => p.endsWith('sandbox.json')), []);
    assert.equal(s.repo.git('status', '--porcelain'), '');
  });
});
