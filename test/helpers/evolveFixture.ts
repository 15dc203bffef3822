// Test code only: a project with a history (one replayable fix commit), two real failed runs of
// the user's, and a scripted team that behaves like a model which reads its prompt: the
// implementer forgets reduce()'s initial value unless a mistake note in its brief says otherwise.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { solveTask } from '../../src/core/agents/solveTask.ts';
import { mineHistory } from '../../src/core/mining/miner.ts';
import type { Proposal } from '../../src/core/evolution/proposal.ts';
import { resolveWorkspace } from '../../src/core/workspace.ts';
import { GitRepo, tempDir } from './gitRepo.ts';
import type { ScriptedModelServer, Step } from './scriptedModelServer.ts';
import { edit, finish, planStep, requestText, teamModels } from './teamFixtures.ts';

/** Words a mistake note must carry for the scripted implementer to heed it. */
export const HEED = 'always pass reduce an initial value';
/** Words that make the scripted implementer break the held-out task. */
export const MISLEAD = 'subtract instead of adding';
/** Words that make the scripted implementer leave the task undone, with a comment that breaks nothing. */
export const SHIRK = 'leave a TODO comment instead of changing sum';

const TEST_HEADER = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { sum } from '../src/math.js';\n";

export interface EvolveFixture {
  repo: GitRepo;
  storeDir: string;
  sandboxes: string;
  fixSha: string;
  runIds: string[];
  remove(): void;
}

/** Answers every request of every role from the request itself, for as long as the test runs. */
export function playTeam(server: ScriptedModelServer, proposal: () => Proposal): void {
  const respond = (body: Record<string, unknown>): Step => {
    const text = requestText(body);
    if (body.model === 'gen') return text.includes('skill library from its verification failures') ? { kind: 'text', chunks: [JSON.stringify(proposal())] } : planStep({ rounds: 1 });
    if (body.model === 'impl') return implement(body, text);
    return { kind: 'text', chunks: [JSON.stringify({ rootCause: 'unknown', strategy: 'revise-patch', instructions: 'Try again.', steps: [] })] };
  };
  const many = Array.from({ length: 400 }, () => ({ kind: 'dynamic' as const, respond }));
  for (const model of ['gen', 'impl', 'rect']) server.scriptFor(model, ...many);
}

function implement(body: Record<string, unknown>, text: string): Step {
  const messages = body.messages as { role: string }[];
  if (messages.at(-1)?.role === 'tool') return finish('Changed sum.');
  const careful = text.includes(HEED);
  if (text.includes(SHIRK)) return edit('src/math.js', 'export function sum(values) {', '// TODO: skip the values the task names\nexport function sum(values) {');
  // The brief opens with the task; memory further down may quote other commits' subjects.
  const task = /Task:\n([^\n]*)/.exec(text)?.[1] ?? '';
  if (/sum of nothing is 0/i.test(task)) {
    // The held-out task (the fix commit replayed at its parent).
    return edit('src/math.js', 'values.reduce((a, b) => a + b);', text.includes(MISLEAD) ? 'values.reduce((a, b) => a - b, 0);' : 'values.reduce((a, b) => a + b, 0);');
  }
  const [name, keep, sample] = task.includes('undefined values') ? ['undefined', '(v) => v !== undefined', 'undefined'] : ['nan', '(v) => !Number.isNaN(v)', 'NaN'];
  const change = edit('src/math.js', 'values.reduce((a, b) => a + b, 0);', `values.filter(${keep}).reduce((a, b) => a + b${careful ? ', 0' : ''});`);
  if (!careful) return change;
  // Careful work reproduces first: a test that fails on the original code and passes with the change.
  const test = { name: 'create_file', arguments: JSON.stringify({ path: `test/skip-${name}.test.js`, content: `${TEST_HEADER}\ntest('skips ${name}', () => assert.equal(sum([1, ${sample}, 2]), 3));\n` }) };
  return { kind: 'tools', calls: [test, ...(change as { kind: 'tools'; calls: { name: string; arguments: string }[] }).calls] };
}

export function mistakeNote(overrides: Partial<Proposal> = {}): Proposal {
  return {
    action: 'create',
    kind: 'mistake',
    name: 'reduce-initial-value',
    description: 'Summing or folding arrays that may be empty.',
    trigger: { keywords: ['sum'], files: ['src/**/*.js'], errors: ['Reduce of empty array'] },
    body: `## Mistake\nreduce() without an initial value throws on an empty array.\n\n## Correct approach\nIn this project ${HEED}, e.g. \`.reduce((a, b) => a + b, 0)\`.\n\n## Strategy\nCheck the empty case.\n\n## Anti-patterns\n- \`.reduce((a, b) => a + b)\` on filtered arrays.\n`,
    rationale: 'Both runs broke the empty-list test the same way.',
    ...overrides,
  };
}

/**
 * The project (history: `feat: sum` without an initial value, then the fix with its test), mined,
 * with two real solve runs that failed on the empty-list test with the same TypeError.
 */
export async function buildEvolveFixture(server: ScriptedModelServer, options: { storeInRepo?: boolean } = {}): Promise<EvolveFixture> {
  const repo = GitRepo.create('coevolve-evolve-');
  repo.commit('feat: sum', {
    '.gitignore': '.coevolve/\n',
    'package.json': `${JSON.stringify({ name: 'math', version: '1.0.0', type: 'module', scripts: { test: 'node --test test/' } }, null, 2)}\n`,
    'src/math.js': 'export function sum(values) {\n  return values.reduce((a, b) => a + b);\n}\n',
    'test/math.test.js': `${TEST_HEADER}\ntest('adds numbers', () => assert.equal(sum([1, 2, 3]), 6));\n`,
  });
  const fixSha = repo.commit('fix: sum of nothing is 0\n\nsum([]) threw instead of returning 0.', {
    'src/math.js': 'export function sum(values) {\n  return values.reduce((a, b) => a + b, 0);\n}\n',
    'test/math.test.js': `${TEST_HEADER}\ntest('adds numbers', () => assert.equal(sum([1, 2, 3]), 6));\ntest('sum of nothing is 0', () => assert.equal(sum([]), 0));\n`,
  });
  // In the repository (as the editor expects it) or beside it.
  const storeDir = options.storeInRepo ? join(repo.dir, '.coevolve') : tempDir('coevolve-evolve-store-');
  const sandboxes = tempDir('coevolve-evolve-sbx-');
  await mineHistory(repo.dir, { storeDir, symbols: false });
  const workspace = await resolveWorkspace(repo.dir, storeDir);
  const runIds: string[] = [];
  for (const task of ['sum should skip NaN values', 'sum should skip undefined values']) {
    const solution = await solveTask({
      workspace,
      task: { text: task },
      models: teamModels(server.baseURL),
      secrets: () => undefined,
      policy: { workspaceTrusted: true, approveAll: false },
      budget: { maxRectifications: 0 },
      sandboxBaseDir: sandboxes,
      modelTimeoutMs: 20_000,
    });
    await solution.reject();
    if (solution.status !== 'failed') throw new Error(`fixture run should fail, got ${solution.status}: ${solution.reason}`);
    runIds.push(solution.runId);
  }
  return {
    repo,
    storeDir,
    sandboxes,
    fixSha,
    runIds,
    remove: () => {
      repo.remove();
      rmSync(storeDir, { recursive: true, force: true });
      rmSync(sandboxes, { recursive: true, force: true });
    },
  };
}
