// Test code only: a small real project (package.json + node:test) and the scripted answers of a
// generator–implementer–rectifier team, played over real HTTP by the ScriptedModelServer.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfig } from '../../src/core/llm/providers.ts';
import type { Plan } from '../../src/core/agents/plan.ts';
import type { SolveEvent } from '../../src/core/agents/events.ts';
import type { SolveOptions } from '../../src/core/agents/solveTask.ts';
import { resolveWorkspace } from '../../src/core/workspace.ts';
import { GitRepo } from './gitRepo.ts';
import type { Step } from './scriptedModelServer.ts';

export const MATH_BEFORE = 'export function sum(values) {\n  return values.reduce((a, b) => a + b, 0);\n}\n';

/** A project whose `npm test` runs real node:test tests, all passing at HEAD. */
export function mathProject(): GitRepo {
  const repo = GitRepo.create('coevolve-team-');
  repo.commit('feat: sum', {
    'package.json': JSON.stringify({ name: 'math', version: '1.0.0', type: 'module', scripts: { test: 'node --test test/' } }, null, 2) + '\n',
    'src/math.js': MATH_BEFORE,
    'test/math.test.js': [
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { sum } from '../src/math.js';",
      '',
      "test('adds numbers', () => assert.equal(sum([1, 2, 3]), 6));",
      "test('sum of nothing is 0', () => assert.equal(sum([]), 0));",
      '',
    ].join('\n'),
  });
  return repo;
}

/** mathProject with a store that names the scripted team (ignored by git), as the editor finds it. */
export function teamProject(baseURL: string): GitRepo {
  const repo = mathProject();
  mkdirSync(join(repo.dir, '.coevolve'), { recursive: true });
  writeFileSync(join(repo.dir, '.coevolve', 'models.json'), JSON.stringify(teamModels(baseURL)));
  writeFileSync(join(repo.dir, '.gitignore'), '.coevolve/\n');
  repo.git('add', '.gitignore');
  repo.git('commit', '-q', '-m', 'ignore the store');
  return repo;
}

export function teamModels(baseURL: string): ModelConfig {
  return {
    providers: { local: { preset: 'openai-compatible', baseURL } },
    roles: { generator: { provider: 'local', model: 'gen' }, implementer: { provider: 'local', model: 'impl' }, rectifier: { provider: 'local', model: 'rect' } },
  };
}

export function planStep(overrides: Partial<Plan['team']> = {}): Step {
  const plan: Plan = {
    summary: 'Make sum skip null values.',
    steps: [{ description: 'Filter out null before adding', files: ['src/math.js'], symbols: ['sum'] }],
    checks: ['test'],
    risks: ['An empty list must still sum to 0.'],
    team: { rounds: 4, tokenBudget: 50_000, implementerModel: 'implementer', ...overrides },
  };
  return { kind: 'text', chunks: [JSON.stringify(plan)] };
}

export function toolCall(name: string, args: unknown): Step {
  return { kind: 'tools', calls: [{ name, arguments: JSON.stringify(args) }] };
}

export function edit(path: string, search: string, replace: string): Step {
  return toolCall('edit_file', { path, edits: [{ search, replace }] });
}

export const finish = (summary: string): Step => toolCall('finish', { summary });

export function diagnosisStep(strategy: 'revise-patch' | 'revise-plan' | 'new-approach', rootCause: string, instructions: string): Step {
  return { kind: 'text', chunks: [JSON.stringify({ rootCause, strategy, instructions, steps: [] })] };
}

/** The text of every message of a recorded request, joined. */
export function requestText(body: Record<string, unknown>): string {
  return ((body.messages as { content?: unknown }[]) ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))).join('\n');
}

/** Options for solveTask on `repoDir` with the scripted team: trusted, nothing approved, events collected. */
export async function teamSolveOptions(baseURL: string, repoDir: string, dirs: { store: string; sandboxes: string }, events: SolveEvent[]): Promise<SolveOptions> {
  return {
    workspace: await resolveWorkspace(repoDir, dirs.store),
    task: { text: 'sum should skip null values instead of producing NaN' },
    models: teamModels(baseURL),
    secrets: () => undefined,
    policy: { workspaceTrusted: true, approveAll: false },
    sandboxBaseDir: dirs.sandboxes,
    modelTimeoutMs: 20_000,
    onEvent: (event) => events.push(event),
  };
}
