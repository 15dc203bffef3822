import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { solveTask } from '../../../src/core/agents/solveTask.ts';
import type { SolveOptions } from '../../../src/core/agents/solveTask.ts';
import type { Plan } from '../../../src/core/agents/plan.ts';
import type { SolveEvent } from '../../../src/core/agents/events.ts';
import { estimateTokens } from '../../../src/core/llm/tokenEstimate.ts';
import type { ChatMessage } from '../../../src/core/llm/chatClient.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';
import type { ScriptedModelServer, Step } from '../../helpers/scriptedModelServer.ts';
import { edit, finish, teamSolveOptions, toolCall } from '../../helpers/teamFixtures.ts';
import { scriptedServerForFile } from '../../helpers/scriptedServerHooks.ts';

// The sidecar's default context is 8,192 tokens. A solve on a 1,000-line file must still work there:
// read_file pages by the window (the first read of a long file used to end the run, "the request
// needs about 11205 tokens"), the symbol the task names comes first, and the model can page on.

let server!: ScriptedModelServer;
scriptedServerForFile((started) => (server = started));

const cleanup: Array<() => void> = [];
after(() => cleanup.forEach((fn) => fn()));

const WINDOW = 8_192;
const SUM_BEFORE = 'export function sum(values) {\n  return values.reduce((a, b) => a + b, 0);\n}\n';
const SEARCH = '  return values.reduce((a, b) => a + b, 0);';
const REPLACE = '  return values.filter((v) => v != null).reduce((a, b) => a + b, 0);';

/** A 1,000-line module: 249 small helpers, then `sum` (which forgets missing values) at lines 998-1000. */
function bigProject(): GitRepo {
  const helpers = Array.from({ length: 249 }, (_, i) => `export function helper${i}(x) {\n  return x * ${i} + ${i % 7}; // scale by the helper's index\n}\n`).join('\n');
  const source = `// Small helpers, and the sum of a list.\n${helpers}\n${SUM_BEFORE}`;
  assert.equal(source.split('\n').length - 1, 1_000, 'the module has 1,000 lines');
  const repo = GitRepo.create('coevolve-small-window-');
  repo.commit('feat: big module', {
    'package.json': `${JSON.stringify({ name: 'big', version: '1.0.0', type: 'module', scripts: { test: 'node --test test/' } }, null, 2)}\n`,
    'src/big.js': source,
    'test/big.test.js': [
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { helper3, sum } from '../src/big.js';",
      '',
      "test('adds numbers', () => assert.equal(sum([1, 2, 3]), 6));",
      "test('helpers scale', () => assert.equal(helper3(2), 9));",
      "test('skips missing values', () => assert.equal(sum([1, undefined, 2]), 3));",
      '',
    ].join('\n'),
  });
  return repo;
}

function planFor(team: Partial<Plan['team']> = {}): Step {
  const plan: Plan = {
    summary: 'Make sum skip missing values.',
    steps: [{ description: 'Filter out missing values before adding', files: ['src/big.js'], symbols: ['sum'] }],
    checks: ['test'],
    risks: [],
    team: { rounds: 2, tokenBudget: 100_000, implementerModel: 'implementer', ...team },
  };
  return { kind: 'text', chunks: [JSON.stringify(plan)] };
}

/** The output of the newest tool call in a request. */
function lastToolOutput(body: Record<string, unknown>): string {
  const messages = body.messages as { role: string; content: string }[];
  return messages.filter((m) => m.role === 'tool').at(-1)?.content ?? '';
}

async function setup(): Promise<{ repo: GitRepo; options: SolveOptions; events: SolveEvent[]; sandboxes: string }> {
  const repo = bigProject();
  const sandboxes = tempDir('coevolve-small-window-sbx-');
  const storeDir = tempDir('coevolve-small-window-store-');
  cleanup.push(() => repo.remove(), () => rmSync(sandboxes, { recursive: true, force: true }), () => rmSync(storeDir, { recursive: true, force: true }));
  server.models = ['gen', 'impl', 'rect'].map((id) => ({ id, object: 'model', owned_by: 'test', context_length: WINDOW }));
  const events: SolveEvent[] = [];
  const options = await teamSolveOptions(server.baseURL, repo.dir, { store: storeDir, sandboxes }, events);
  options.task = { text: 'sum in src/big.js should skip missing (undefined) values instead of producing NaN', failingTest: 'skips missing values' };
  return { repo, options, events, sandboxes };
}

describe('a solve with the sidecar\'s default context window', () => {
  it('reads a 1,000-line file a window-sized page at a time, the named symbol first, and the change is proven', async () => {
    const { repo, options, sandboxes } = await setup();

    const seen: string[] = [];
    const seeing = (next: (output: string) => Step): Step => ({ kind: 'dynamic', respond: (body) => {
      const output = lastToolOutput(body);
      seen.push(output);
      return next(output);
    } });
    server.scriptFor('gen', planFor());
    server.scriptFor(
      'impl',
      toolCall('read_file', { path: 'src/big.js' }),
      // The first page told the model where the rest is; it asks for the beginning of the file.
      seeing((output) => toolCall('read_file', { path: 'src/big.js', startLine: Number(/startLine=(\d+)/.exec(output)?.[1] ?? 0) })),
      seeing((output) => toolCall('read_file', { path: 'src/big.js', startLine: Number(/startLine=(\d+)/.exec(output)?.[1] ?? 0) })),
      seeing(() => edit('src/big.js', SEARCH, REPLACE)),
      finish('sum filters out missing values before adding.'),
    );

    const solution = await solveTask(options);
    assert.equal(solution.status, 'passed', solution.reason);
    assert.equal(solution.evidence, 'proven', 'the named test failed before and passes with the change');
    assert.match(solution.diff, /values\.filter\(\(v\) => v != null\)/);

    // The first page is the symbol the task names, with its line numbers, and says where the rest is.
    const [first, second, third] = seen;
    assert.match(first!, /function sum/);
    assert.match(first!, / 998\texport function sum\(values\) \{/);
    assert.match(first!, /1,000 lines|1000 lines/);
    assert.match(first!, /startLine=1\b/, 'the first page says how to read from the beginning');
    assert.ok(!first!.includes('helper0('), 'the first page does not start at the top of the file');
    // Further pages come on request, each within the window, and each says where the next begins.
    assert.match(second!, /src\/big\.js, lines 1-\d+ of 1000/);
    const secondLast = Number(/lines 1-(\d+) of 1000/.exec(second!)![1]);
    assert.ok(secondLast > 20 && secondLast < 800, `a window-sized page, not 800 lines (${secondLast})`);
    assert.match(third!, new RegExp(`lines ${secondLast + 1}-\\d+ of 1000`));
    assert.ok(seen.every((page) => !page.includes('Output cut to fit')), 'each page was sized to the window, not cut after the fact');
    // Every implementer request fitted the window with room for the answer.
    const implementer = server.requests.filter((r) => r.body.model === 'impl');
    assert.equal(implementer.length, 5);
    for (const request of implementer) {
      const size = estimateTokens(request.body.messages as ChatMessage[], (request.body.tools ?? []) as never[]);
      assert.ok(size <= WINDOW - WINDOW / 4, `a request of about ${size} tokens leaves a quarter of the ${WINDOW}-token window for the answer`);
    }
    await solution.reject();
    assert.deepEqual(readdirSync(sandboxes, { recursive: true }).map(String).filter((p) => p.endsWith('sandbox.json')), [], 'no sandbox is left behind');
    assert.match(readFileSync(join(repo.dir, 'src/big.js'), 'utf8'), /return values\.reduce/, 'the user\'s file is untouched until accepted');
  });

  it('holds a small model\'s plan to the configured bounds: 2,000 tokens and 50 rounds do not end the run after one read', async () => {
    const { options, events } = await setup();
    options.budget = { tokens: 200_000, maxRectifications: 2 };
    server.scriptFor('gen', planFor({ tokenBudget: 2_000, rounds: 50 }));
    // Each implementer call reports 3,000 tokens: the plan's own budget would be gone after the first read.
    const usage = { prompt_tokens: 3_000, completion_tokens: 40 };
    server.scriptFor(
      'impl',
      { kind: 'tools', calls: [{ name: 'read_file', arguments: JSON.stringify({ path: 'src/big.js' }) }], usage },
      { kind: 'tools', calls: [{ name: 'edit_file', arguments: JSON.stringify({ path: 'src/big.js', edits: [{ search: SEARCH, replace: REPLACE }] }) }], usage },
      { kind: 'tools', calls: [{ name: 'finish', arguments: JSON.stringify({ summary: 'done' }) }], usage },
    );
    const solution = await solveTask(options);
    assert.equal(solution.status, 'passed', solution.reason);
    assert.equal(solution.rounds, 1);
    assert.ok(!events.some((e) => e.type === 'diagnosis'), 'no budget handover to the rectifier');
    const notes = events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text);
    assert.ok(notes.some((t) => /asked for a budget of 2000 tokens; it works with 50000, the least a plan may set/.test(t)), notes.join('\n'));
    assert.ok(notes.some((t) => /asked for 50 rounds; it gets 3, the configured most/.test(t)), notes.join('\n'));
    const shown = events.find((e) => e.type === 'plan') as { plan: Plan } | undefined;
    assert.deepEqual([shown?.plan.team.rounds, shown?.plan.team.tokenBudget], [3, 50_000], 'the plan as the run works with it');
    await solution.reject();
  });

  it('gives the rectifier a diff cut to its window', async () => {
    const { options } = await setup();
    let rectifierSaw = '';
    server.scriptFor('gen', planFor());
    // A first change that deletes the module: a short call, a 1,000-line diff, and everything fails.
    server.scriptFor('impl', toolCall('delete_file', { path: 'src/big.js' }), finish('removed the module'));
    server.scriptFor('rect', { kind: 'dynamic', respond: (body) => {
      rectifierSaw = (body.messages as { content: string }[]).map((m) => m.content).join('\n');
      return { kind: 'text', chunks: [JSON.stringify({ rootCause: 'The module was deleted.', strategy: 'new-approach', instructions: 'Keep the module; filter out missing values in sum.', steps: [] })] };
    } });
    server.scriptFor('impl', edit('src/big.js', SEARCH, REPLACE), finish('sum filters out missing values'));
    const solution = await solveTask(options);
    assert.equal(solution.status, 'passed', solution.reason);
    assert.equal(solution.rounds, 2);
    const cut = /\[diff cut at (\d+) characters\]/.exec(rectifierSaw);
    assert.ok(cut, 'the long diff was cut');
    assert.ok(Number(cut[1]) < 12_000 && Number(cut[1]) <= (WINDOW / 3) * 3, `cut at ${cut[1]} characters for an ${WINDOW}-token window`);
    assert.ok(estimateTokens([{ role: 'user', content: rectifierSaw }]) < WINDOW - WINDOW / 4, 'the rectifier\'s request leaves room for its answer');
    await solution.reject();
  });
});
