import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Workspace } from '../core/workspace.ts';
import { VERSION } from '../core/version.ts';
import { createMemoryServer } from './server.ts';

/** The read-only memory tools, the same for every client: MCP's, VS Code's language-model tools. */
export const MEMORY_TOOLS = ['recall', 'similar_fixes', 'file_history', 'skills'] as const;
/** The one that writes: the language-model tool asks the user to confirm each call (src/extension/lm/lmTools.ts). */
export const RECORD_TOOL = 'record_outcome';
export type MemoryToolName = (typeof MEMORY_TOOLS)[number] | typeof RECORD_TOOL;

export interface ToolAnswer {
  text: string;
  isError: boolean;
}

/**
 * The MCP server's own tools, called in this process: the editor's language-model tools answer
 * through exactly the code (input checks, recall, bounds, untrusted-data marking) that MCP
 * clients reach over stdio, record_outcome included (the editor asks before each call to it).
 */
export class InProcessMemoryTools {
  private connected: Promise<Client> | undefined;

  constructor(private readonly workspace: Workspace) {}

  async call(name: MemoryToolName, input: Record<string, unknown>): Promise<ToolAnswer> {
    const client = await (this.connected ??= this.connect());
    const result = await client.callTool({ name, arguments: input });
    const content = (result.content ?? []) as { type: string; text?: string }[];
    return { text: content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('\n'), isError: result.isError === true };
  }

  /** Each tool's input schema as MCP lists it (the language-model tools declare the same). */
  async schemas(): Promise<Record<string, unknown>> {
    const client = await (this.connected ??= this.connect());
    const { tools } = await client.listTools();
    return Object.fromEntries(tools.map((tool) => [tool.name, tool.inputSchema]));
  }

  async close(): Promise<void> {
    const client = await this.connected;
    this.connected = undefined;
    await client?.close();
  }

  private async connect(): Promise<Client> {
    const server = createMemoryServer(this.workspace, { record: true });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'coevolve-vscode-lm-tools', version: VERSION });
    await client.connect(clientSide);
    return client;
  }
}
