import type * as vscode from 'vscode';
import { CoevolveError } from '../../core/errors.ts';
import { resolveWorkspace } from '../../core/workspace.ts';
import type { Workspace } from '../../core/workspace.ts';
import type { InProcessMemoryTools } from '../../mcp/inProcessTools.ts';
import type { ApiKeys } from '../apiKeys.ts';
import type { LiveRuns } from '../runsLive.ts';
import type { Host } from '../vscodeHost.ts';
import { evolveInChat } from './chatEvolve.ts';
import { recallInChat, whyInChat } from './chatMemory.ts';
import { solveInChat } from './chatSolve.ts';
import type { PendingSolutions } from './pendingSolutions.ts';
import { withIcons } from './chatNotice.ts';
import { editorEmbedder } from '../editorEmbedder.ts';

export interface ChatDeps {
  host: Host;
  keys: ApiKeys;
  live: LiveRuns;
  pending: PendingSolutions;
  /** The memory tools MCP serves, for the workspace. */
  tools: (workspace: Workspace) => InProcessMemoryTools;
}

/** `@coevolve`: /solve, /recall (and plain questions), /why, /evolve. */
export async function handleChat(deps: ChatDeps, request: vscode.ChatRequest, _context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  try {
    if (request.command === 'solve') return await solveInChat(deps, request, stream, token);
    const folder = deps.host.workspaceFolders()[0];
    if (!folder) {
      stream.markdown('Open a folder first: Co-evolve answers from the memory of its git history.');
      return {};
    }
    const workspace = await resolveWorkspace(folder, deps.host.setting<string>('storePath') || undefined);
    switch (request.command) {
      case 'why':
        return await whyInChat(workspace, deps.tools(workspace), request.prompt, stream);
      case 'evolve': {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          return await evolveInChat(workspace, stream, controller.signal);
        } finally {
          subscription.dispose();
        }
      }
      default:
        return await recallInChat(workspace, request.prompt, stream, token, (storeDir) => editorEmbedder(deps.keys, storeDir));
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.host.log.error(`[chat] ${message}`);
    const hint = CoevolveError.is(error) && error.hint ? ` ${error.hint}` : '';
    stream.markdown(withIcons(`$(error) **Co-evolve:** ${message}${hint}`));
    if (CoevolveError.is(error, 'store-empty')) stream.button({ title: 'Mine Project History', command: 'coevolve.mineHistory' });
    return { errorDetails: { message } };
  }
}
