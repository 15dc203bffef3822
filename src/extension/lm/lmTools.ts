import * as vscode from 'vscode';
import type { MemoryToolName } from '../../mcp/inProcessTools.ts';
import { lmFeatures, newerApi, newerLm } from './lmApi.ts';
import { LM_TOOLS } from './lmToolNames.ts';

export type ToolRunner = (tool: MemoryToolName, input: Record<string, unknown>, token: vscode.CancellationToken) => Promise<string>;

/** Registers the tools where VS Code has vscode.lm.registerTool (1.95+); nothing elsewhere. */
export function registerLmTools(run: () => Promise<ToolRunner>): vscode.Disposable[] {
  if (!lmFeatures().tools) return [];
  const api = newerApi();
  return LM_TOOLS.map(({ name, tool, doing, writes }) =>
    newerLm().registerTool(name, {
      prepareInvocation: ({ input }) => ({ invocationMessage: `Co-evolve: ${doing}…`, ...(writes ? { confirmationMessages: recordConfirmation(input) } : {}) }),
      invoke: async (options, token) => {
        const input = typeof options.input === 'object' && options.input !== null ? (options.input as Record<string, unknown>) : {};
        const text = await (await run())(tool, input, token);
        return new api.LanguageModelToolResult([new api.LanguageModelTextPart(text)]);
      },
    }),
  );
}

/** What the user confirms before an agent writes to project memory: which items, and the verdict. */
function recordConfirmation(input: unknown): { title: string; message: vscode.MarkdownString } {
  const { itemIds, outcome } = (typeof input === 'object' && input !== null ? input : {}) as { itemIds?: unknown; outcome?: unknown };
  const ids = Array.isArray(itemIds) ? itemIds.map(String) : [];
  const message = new vscode.MarkdownString();
  message.appendText(`Record that ${ids.length} item(s) ${typeof outcome === 'string' ? outcome : '(no outcome given)'}: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}.\n`);
  message.appendText('It changes how Co-evolve ranks these memories for this project.');
  return { title: 'Record an outcome in Co-evolve\'s project memory?', message };
}
