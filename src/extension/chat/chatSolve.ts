import * as vscode from 'vscode';
import type { SolveEvent } from '../../core/agents/events.ts';
import { solveTask } from '../../core/agents/solveTask.ts';
import type { Solution } from '../../core/agents/solveTask.ts';
import { CoevolveError } from '../../core/errors.ts';
import type { ApiKeys } from '../apiKeys.ts';
import { prepareModelRun } from '../modelRun.ts';
import type { LiveRunHandle, LiveRuns } from '../runsLive.ts';
import { approveInModal, STAGE_TEXT } from '../solveCommand.ts';
import type { Host } from '../vscodeHost.ts';
import { chatNotice, withIcons } from './chatNotice.ts';
import type { ChatAnswerMeta } from './chatResult.ts';
import type { PendingSolutions } from './pendingSolutions.ts';

/** ChatRequest.model arrived in 1.95: looked up, not assumed. */
export function requestModel(request: vscode.ChatRequest): vscode.LanguageModelChat | undefined {
  return (request as { model?: vscode.LanguageModelChat }).model;
}

/**
 * `@coevolve /solve <task>`: the team runs with the chat request's model (unless models.json gives
 * the role one), its plan, tool calls, checks and verdict stream into the response, and the change
 * waits behind "Show Changes", "Apply" and "Discard". Cancelling the request removes the sandbox.
 */
export async function solveInChat(
  deps: { host: Host; keys: ApiKeys; live: LiveRuns; pending: PendingSolutions },
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const text = request.prompt.trim();
  const meta: ChatAnswerMeta = { command: 'solve', query: text };
  if (!text) {
    stream.markdown('Tell me what should change, e.g. `@coevolve /solve sum should skip null values`.');
    return { metadata: meta };
  }
  const model = requestModel(request);
  const run = await prepareModelRun(deps.host, deps.keys, 'solving a task', { notice: chatNotice(stream), ...(model ? { chatModel: model } : {}) });
  if (!run) return { metadata: meta };
  const watched = deps.live.start(text);
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  let solution: Solution;
  try {
    solution = await solveTask({
      workspace: run.workspace,
      task: { text },
      models: run.models,
      secrets: run.secrets,
      ...(run.chatModels ? { chatModels: run.chatModels } : {}),
      policy: { workspaceTrusted: vscode.workspace.isTrusted, approveAll: false, approve: approveInModal },
      verify: { configured: deps.host.setting<unknown>('verify') ?? [] },
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'run') return watched.identify(event.runId);
        watched.report(event);
        show(event, stream, deps.host);
      },
    });
  } catch (error) {
    watched.end();
    if (CoevolveError.is(error, 'cancelled') || token.isCancellationRequested) {
      // solveTask removed the sandbox before throwing. A response cancelled in the Chat view takes no
      // more output, so this goes to the log only.
      deps.host.log.info('[chat] solve cancelled: the sandbox was removed and nothing was applied.');
      return { metadata: meta };
    }
    const message = error instanceof Error ? error.message : String(error);
    deps.host.log.error(message);
    const hint = CoevolveError.is(error) && error.hint ? ` ${error.hint}` : '';
    stream.markdown(withIcons(`\n\n$(error) **Co-evolve:** ${message}${hint}\n\n`));
    if (CoevolveError.is(error) && error.reason.startsWith('llm-')) stream.button({ title: 'Configure Model Provider', command: 'coevolve.configureProvider' });
    return { metadata: meta, errorDetails: { message } };
  } finally {
    subscription.dispose();
  }
  try {
    return await offer(solution, run.workspace.root, stream, { pending: deps.pending, watched }, meta, token);
  } finally {
    watched.end();
  }
}

async function offer(solution: Solution, root: string, stream: vscode.ChatResponseStream, deps: { pending: PendingSolutions; watched: LiveRunHandle }, meta: ChatAnswerMeta, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  if (!solution.files.length || token.isCancellationRequested) {
    await solution.reject();
    if (!token.isCancellationRequested) stream.markdown(`\n\nThe team made no change. ${solution.reason}`);
    return { metadata: meta };
  }
  const passed = solution.status === 'passed';
  stream.markdown(`\n\n### ${passed ? (solution.evidence === 'proven' ? 'Proven' : 'Checks pass (no regressions)') : 'NOT verified'}\n${solution.reason}\n\n${solution.summary}\n\nFiles:\n`);
  for (const file of solution.files) stream.reference(vscode.Uri.joinPath(vscode.Uri.file(root), file.path));
  stream.markdown(solution.files.map((f) => `- \`${f.path}\` (${f.status})`).join('\n'));
  stream.markdown('\n\nNothing is written until you apply it.\n\n');
  await deps.pending.hold(solution, root);
  deps.watched.propose(solution.runId);
  stream.button({ title: 'Show Changes', command: 'coevolve.chat.showChanges', arguments: [solution.runId] });
  stream.button({ title: passed ? 'Apply' : 'Apply Anyway', command: 'coevolve.chat.apply', arguments: [solution.runId] });
  stream.button({ title: 'Discard', command: 'coevolve.chat.discard', arguments: [solution.runId] });
  return { metadata: { ...meta, runId: solution.runId, files: solution.files.map((f) => f.path) } };
}

function show(event: Exclude<SolveEvent, { type: 'run' }>, stream: vscode.ChatResponseStream, host: Host): void {
  switch (event.type) {
    case 'stage':
      stream.progress(`${event.round ? `Round ${event.round}: ` : ''}${STAGE_TEXT[event.stage] ?? event.stage}…`);
      return;
    case 'plan':
      stream.markdown(`**Plan:** ${event.plan.summary}\n${event.plan.steps.map((s, i) => `${i + 1}. ${s.description}`).join('\n')}\n\n`);
      return;
    case 'tool':
      stream.markdown(withIcons(`- ${event.ok ? '$(check)' : '$(close)'} \`${event.name}\` ${event.detail.slice(0, 120).replace(/[`$]/g, '')}\n`));
      return;
    case 'check':
      stream.markdown(`- check \`${event.id}\` ${event.phase === 'before' ? 'before the change' : `after round ${event.round}`}: **${event.status}**${event.failures ? ` (${event.failures} failing)` : ''}\n`);
      return;
    case 'verdict':
      stream.markdown(`\n**Verdict (round ${event.round}):** ${event.text}\n\n`);
      return;
    case 'diagnosis':
      stream.markdown(`\n**Rectifier:** ${event.strategy} — ${event.rootCause}\n\n`);
      return;
    case 'note':
      host.log.info(`[chat] ${event.text}`);
      return;
    default:
  }
}
