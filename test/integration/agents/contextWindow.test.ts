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
import type { ScriptedModelServer, Step } from '../../helpers/scriptedModelServer.ts';
import { estimateTokens } from '../../../src/core/llm/tokenEstimate.ts';
import { edit, finish, mathProject, planStep, requestText, teamSolveOptions, toolCall } from '../../helpers/teamFixtures.ts';
import { scriptedServerForFile } from '../../helpers/scriptedServerHooks.ts';

// The team asks each role's server for its context window (GET /v1/models, as vLLM, llama.cpp and
// the sidecar answer it) and the implementer keeps its conversation inside that window.

let server!: ScriptedModelServer;
scriptedServerForFile((started) => (server = started));

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

/** About 14,000 estimated tokens of notes: more than an 18k window holds with the brief and the rest of the work. */
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

/** The plan, then an implementer that reads the long notes (whole, where no window is known), then the code, and fixes it. */
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

function lastToolOutput(body: Record<string, unknown>): string {
  return (body.messages as { role: string; content: string }[]).filter((m) => m.role === 'tool').at(-1)?.content ?? '';
}

function implementerRequests(): string[] {
  return server.requests.filter((r) => r.body.model === 'impl').map((r) => requestText(r.body));
}

describe('the team and the context window its server reports', () => {
  it('pages a long file to the implementer\'s window, elides the oldest page once the conversation would overflow, and still solves', async () => {
    const s = await setup({ impl: 18_000 });
    const pages: string[] = [];
    // Reads the notes a page at a time, following each page's "read on with startLine=N", then the code.
    const readOn = (): Step => ({ kind: 'dynamic', respond: (body) => {
      const page = lastToolOutput(body);
      pages.push(page);
      const next = /read on with startLine=(\d+)/.exec(page);
      return next ? toolCall('read_file', { path: 'docs/notes.md', startLine: Number(next[1]) }) : toolCall('read_file', { path: 'src/math.js' });
    } });
    server.scriptFor('gen', planStep());
    server.scriptFor(
      'impl',
      toolCall('read_file', { path: 'docs/notes.md' }),
      readOn(),
      readOn(),
      readOn(),
      readOn(),
      edit('src/math.js', '  return values.reduce((a, b) => a + b, 0);', '  return values.filter((v) => v !== null).reduce((a, b) => a + b, 0);'),
      finish('sum filters out null before adding.'),
    );
    const solution = await solveTask(s.options);
    assert.equal(solution.status, 'passed', solution.reason);
    // The notes (about 14,000 estimated tokens) came in pages, each well under the window, together all of them.
    const notePages = pages.filter((p) => p.includes('docs/notes.md, lines'));
    assert.ok(notePages.length >= 2, `the notes took ${notePages.length} pages`);
    for (const page of notePages) assert.ok(estimateTokens([{ role: 'tool', tool_call_id: 'x', content: page }]) < 18_000 / 2, 'a page takes under half the window');
    assert.ok(notePages[0]!.includes('note 0:') && notePages.at(-1)!.includes('note 319:'));
    const asked = implementerRequests();
    // The first page went to the model whole while it fitted...
    assert.ok(asked[1]!.includes('note 0:') && !asked[1]!.includes(ELIDED_OUTPUT), 'the second request carries the first page');
    // ...and was elided, not cut off by the server, once it no longer did; the newest output stays.
    const last = asked.at(-1)!;
    assert.ok(!last.includes('note 0:'), 'the last request no longer carries the first page');
    assert.ok(last.includes(ELIDED_OUTPUT));
    assert.ok(last.includes('return values.reduce((a, b) => a + b, 0);'), 'the newer read of src/math.js is kept');
    assert.ok(s.events.some((e) => e.type === 'note' && /Elided \d+ earlier tool outputs? to fit the implementer model's context window \(18000 tokens\)/.test(e.text)));
    // The run's record shows the same: the elided output is written as a new message, and the first
    // page reaches the record once, not once per later call.
    const lines = readFileSync(join(solution.runDir, 'trajectory.jsonl'), 'utf8').trim().split('\n');
    const recorded = modelCallConversations(lines.map((l) => JSON.parse(l) as { type: string })).filter((c) => c.role === 'implementer').map((c) => JSON.stringify(c.messages));
    assert.equal(recorded.length, asked.length);
    assert.ok(recorded[1]!.includes('note 0:') && !recorded[1]!.includes(ELIDED_OUTPUT));
    assert.ok(!recorded.at(-1)!.includes('note 0:') && recorded.at(-1)!.includes(ELIDED_OUTPUT));
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
