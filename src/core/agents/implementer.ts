import type { ChatMessage, ToolCall } from '../llm/chatClient.ts';
import { markUntrusted } from '../memory/untrustedText.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import { runTool, toolDefinition } from '../sandbox/tools/sandboxTool.ts';
import type { FunctionToolDefinition, SandboxTool } from '../sandbox/tools/sandboxTool.ts';
import { SANDBOX_TOOLS } from '../sandbox/tools/sandboxTools.ts';
import { cutToRoom, fitToWindow, roomForOutput } from './contextFit.ts';
import type { OutputRoom } from './contextFit.ts';
import type { CommandPolicy } from './commandPolicy.ts';
import type { SolveEvent } from './events.ts';
import { runModelCommand } from './modelCommand.ts';
import { IMPLEMENTER_PROMPT } from './prompts.ts';
import type { Team, TeamRole } from './team.ts';
import { agentToolDefinitions, FINISH, finishSchema, RUN_COMMAND, runCommandSchema } from './tools/agentTools.ts';
import { pagedReadFileTool } from './tools/pagedReadFile.ts';
import type { PageContext } from './tools/pagedReadFile.ts';
import { viewSymbolToolWithin } from './tools/viewSymbolTool.ts';
import type { TaskFocus } from './taskFocus.ts';
import type { Trajectory } from './trajectory.ts';

/** The file tools, with the reading ones sized to the window's room and read_file showing what the task names first. */
function fileTools(context: PageContext): SandboxTool[] {
  return [...SANDBOX_TOOLS.map((tool) => (tool.name === 'read_file' ? pagedReadFileTool(context) : tool)), viewSymbolToolWithin(context.room)];
}
const NO_FOCUS: TaskFocus = { planned: [], words: [] };
// Tools whose output is repository text: shown to the model as data, never as instructions.
const READS_REPOSITORY = new Set(['read_file', 'search', 'view_symbol', 'list_files', RUN_COMMAND]);
const MAX_STEPS = 40;
const MAX_NUDGES = 2;

export interface ImplementerInput {
  round: number;
  role: TeamRole;
  /** Task, plan, memory, and on later rounds the rectifier's instructions. */
  brief: string;
  sandbox: Sandbox;
  policy: CommandPolicy;
  /** Stop and hand over to the rectifier when the task's tokens pass this. */
  tokenBudget: number;
  signal?: AbortSignal;
  onEvent: (event: SolveEvent) => void;
  trajectory: Trajectory;
  /** Filled with the writes that did not apply (an edit whose search text was not found), for the rectifier. */
  failedEdits?: string[];
  /** What the task and plan name: a long file's first page starts at it. */
  focus?: TaskFocus;
}

export type RoundOutcome = { kind: 'finished'; summary: string } | { kind: 'over-budget' } | { kind: 'out-of-steps' } | { kind: 'gave-up'; text: string };

let toolDefinitions: FunctionToolDefinition[] | undefined;

/** One implementation round: the model works through the tools until it calls finish. */
export async function implement(team: Team, input: ImplementerInput): Promise<RoundOutcome> {
  // The same every round: made once (each is a JSON schema built from zod).
  const tools = (toolDefinitions ??= [...fileTools({ room: () => undefined, focus: NO_FOCUS }).map(toolDefinition), ...agentToolDefinitions()]);
  const messages: ChatMessage[] = [{ role: 'system', content: IMPLEMENTER_PROMPT }, { role: 'user', content: input.brief }];
  let nudges = 0;
  const window = team.contextWindow(input.role);
  // Each output is sized when its tool runs, to the conversation it is about to join.
  const room = (): OutputRoom | undefined => (window ? roomForOutput(messages, tools, window) : undefined);
  const files = fileTools({ room, focus: input.focus ?? NO_FOCUS });
  for (let step = 0; step < MAX_STEPS; step++) {
    if (window) {
      const elided = fitToWindow(messages, tools, window);
      if (elided) input.onEvent({ type: 'note', text: `Elided ${elided} earlier tool output${elided === 1 ? '' : 's'} to fit the ${input.role} model's context window (${window} tokens).` });
    }
    const result = await team.chat(input.role, { messages, tools, toolChoice: 'auto', keepMalformedToolCalls: true, ...(input.signal ? { signal: input.signal } : {}) });
    if (!result.toolCalls.length) {
      if (nudges++ >= MAX_NUDGES) return { kind: 'gave-up', text: result.text };
      messages.push({ role: 'assistant', content: result.text || '(no answer)' }, { role: 'user', content: 'Make the change with the tools, then call finish. Do not answer in prose.' });
      continue;
    }
    messages.push({
      role: 'assistant',
      content: result.text || null,
      tool_calls: result.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.invalidArguments ? '{}' : JSON.stringify(call.arguments ?? {}) } })),
    });
    let finished: string | undefined;
    for (const call of result.toolCalls) {
      const started = performance.now();
      const { ok, output: whole, finish } = await executeCall(call, input, files);
      const space = room();
      // The reading tools size themselves; any other output (a search, a command's log) is cut to fit.
      const output = space ? cutToRoom(whole, space.most) : whole;
      if (finish !== undefined) finished = finish;
      input.trajectory.record({ type: 'tool-call', round: input.round, name: call.name, arguments: call.arguments ?? call.invalidArguments ?? null, ok, result: output, ms: Math.round(performance.now() - started) });
      input.onEvent({ type: 'tool', round: input.round, name: call.name, detail: describeCall(call), ok });
      messages.push({ role: 'tool', tool_call_id: call.id, content: ok && READS_REPOSITORY.has(call.name) ? markUntrusted(output, `${call.name} output`) : output });
    }
    if (finished !== undefined) return { kind: 'finished', summary: finished };
    if (team.tokensUsed() > input.tokenBudget) return { kind: 'over-budget' };
  }
  return { kind: 'out-of-steps' };
}

async function executeCall(call: ToolCall, input: ImplementerInput, files: readonly SandboxTool[]): Promise<{ ok: boolean; output: string; finish?: string }> {
  if (call.invalidArguments) return { ok: false, output: `Error: the arguments of ${call.name} were ${call.invalidArguments}. Send them again as one JSON object.` };
  if (call.name === FINISH) {
    const args = finishSchema.safeParse(call.arguments ?? {});
    return { ok: true, output: 'Finished; the checks run now.', finish: args.success ? args.data.summary : '' };
  }
  if (call.name === RUN_COMMAND) {
    const args = runCommandSchema.safeParse(call.arguments ?? {});
    if (!args.success) return { ok: false, output: `Error: run_command needs {"command": "...", "reason": "..."}.` };
    // The command may run git itself: none of the sandbox's own may hold the index meanwhile.
    await input.sandbox.quiesce(input.signal);
    const outcome = await runModelCommand(input.policy, args.data.command, args.data.reason, input.sandbox.root, input.signal);
    return { ok: outcome.ran, output: outcome.text };
  }
  const tool = files.find((t) => t.name === call.name);
  if (!tool) return { ok: false, output: `Error: there is no tool "${call.name}". The tools are: ${[...files.map((t) => t.name), RUN_COMMAND, FINISH].join(', ')}.` };
  const run = await runTool(tool, input.sandbox, call.arguments, input.signal);
  const path = (call.arguments as { path?: unknown } | undefined)?.path;
  if (tool.writes && !run.ok) input.failedEdits?.push(`${call.name} ${typeof path === 'string' ? path : '(no path)'}: ${run.output.split('\n')[0]!.slice(0, 300)}`);
  return run;
}

function describeCall(call: ToolCall): string {
  if (call.invalidArguments) return '(malformed arguments)';
  const args = (call.arguments ?? {}) as Record<string, unknown>;
  const first = args.path ?? args.command ?? args.pattern ?? args.query ?? args.summary ?? '';
  return String(first).slice(0, 120);
}
