// Bench code only: a scripted team that behaves like a model which reads its brief. On the user's
// tasks the implementer makes the scenario's mistake unless a note in its brief carries the
// scenario's words; on replay tasks from history it does something plausible but useless (a
// notes file), or, with the oracle, writes the commit's own source change.
import type { Proposal } from '../../src/core/evolution/proposal.ts';
import type { Plan } from '../../src/core/agents/plan.ts';
import type { ScriptedModelServer, Step } from '../../test/helpers/scriptedModelServer.ts';
import { edit, finish, requestText, toolCall } from '../../test/helpers/teamFixtures.ts';
import type { Scenario } from './scenarios.ts';

/** A history task the oracle can solve: the commit's version of each source file (null: deleted). */
export interface OracleChange {
  files: { path: string; content: string | null }[];
}

export type HistorySolver = 'harmless' | 'oracle';

export interface TeamPlay {
  /** What the proposer answers next. */
  proposal: Proposal;
  history: HistorySolver;
  /** First line of a history task's text → the commit's source change. */
  oracle: Map<string, OracleChange>;
  /** Every prompt the proposer was sent (to check it never saw a held-out run). */
  proposerPrompts: string[];
  /** What the implementer did, per task first line (for the printout). */
  seen: Map<string, Tally>;
}

export interface Tally {
  careful: number;
  careless: number;
  lazy: number;
  history: number;
  oracle: number;
}

const PROPOSER_MARK = 'skill library from its verification failures';

/** Answers every request of every role from the request itself, for as long as the bench runs. */
export function playTeam(server: ScriptedModelServer, scenario: Scenario, play: TeamPlay): void {
  const respond = (body: Record<string, unknown>): Step => {
    const text = requestText(body);
    if (body.model === 'gen' && text.includes(PROPOSER_MARK)) {
      play.proposerPrompts.push(text);
      return { kind: 'text', chunks: [JSON.stringify(play.proposal)] };
    }
    if (body.model === 'gen') return planStep(scenario, text);
    if (body.model === 'impl') return implement(scenario, play, body, text);
    return { kind: 'text', chunks: [JSON.stringify({ rootCause: 'unknown', strategy: 'revise-patch', instructions: 'Try again.', steps: [] })] };
  };
  const many = Array.from({ length: 5_000 }, () => ({ kind: 'dynamic' as const, respond }));
  for (const model of ['gen', 'impl', 'rect']) server.scriptFor(model, ...many);
}

function firstTaskLine(text: string): string {
  return /Task:\n([^\n]*)/.exec(text)?.[1]?.trim() ?? '';
}

function planStep(scenario: Scenario, text: string): Step {
  const task = scenario.tasks.find((t) => t.text === firstTaskLine(text));
  const plan: Plan = {
    summary: task ? task.text : 'Make the change the task asks for.',
    steps: [{ description: task ? `Edit ${task.file}` : 'Edit the source files the task is about', files: task ? [task.file] : [], symbols: [] }],
    checks: ['test'],
    risks: ['Existing behaviour must not change.'],
    team: { rounds: 1, tokenBudget: 50_000, implementerModel: 'implementer' },
  };
  return { kind: 'text', chunks: [JSON.stringify(plan)] };
}

function implement(scenario: Scenario, play: TeamPlay, body: Record<string, unknown>, text: string): Step {
  const messages = body.messages as { role: string }[];
  if (messages.at(-1)?.role === 'tool') return finish('Done.');
  const line = firstTaskLine(text);
  const tally = play.seen.get(line) ?? { careful: 0, careless: 0, lazy: 0, history: 0, oracle: 0 };
  play.seen.set(line, tally);
  const task = scenario.tasks.find((t) => t.text === line);
  const lazy = text.includes(scenario.lazy.phrase);
  if (lazy) tally.lazy += 1;
  if (task && lazy) {
    // Does what the (bad) note says: a TODO comment above the code, the task left undone.
    const indent = /^\s*/.exec(task.search)?.[0] ?? '';
    return edit(task.file, task.search, `${indent}// TODO: ${task.text}\n${task.search}`);
  }
  if (task) {
    // Reads its brief: the mistake note in the memory section is the only place the words can come from.
    const careful = text.includes(scenario.heed);
    tally[careful ? 'careful' : 'careless'] += 1;
    const change = edit(task.file, task.search, careful ? task.careful : task.careless);
    if (!careful || !task.test) return change;
    // Careful work reproduces first: the task's test, which fails on the original code, then the change.
    const test = { name: 'create_file', arguments: JSON.stringify({ path: task.test.path, content: task.test.content }) };
    return { kind: 'tools', calls: [test, ...(change as Extract<Step, { kind: 'tools' }>).calls] };
  }
  const change = play.history === 'oracle' && !lazy ? play.oracle.get(line) : undefined;
  if (change) {
    tally.oracle += 1;
    return { kind: 'tools', calls: change.files.map((f) => (f.content === null ? { name: 'delete_file', arguments: JSON.stringify({ path: f.path }) } : { name: 'create_file', arguments: JSON.stringify({ path: f.path, content: f.content, overwrite: true }) })) };
  }
  // A replay task it cannot solve (or a lazy note told it not to): it writes down what it looked at, and changes no source.
  if (!lazy) tally.history += 1;
  return toolCall('create_file', { path: 'NOTES.md', content: `Looked into: ${line.slice(0, 120)}\nNo source change made.\n`, overwrite: true });
}
