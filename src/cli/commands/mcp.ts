import type { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { resolveWorkspace } from '../../core/workspace.ts';
import { BoundedLines, MAX_MESSAGE_BYTES } from '../../mcp/boundedLines.ts';
import { createMemoryServer } from '../../mcp/server.ts';

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description("Serve this repository's memory to other agents (Copilot, Claude Code, Cline, Continue) as an MCP server over stdio.")
    .option('--workspace <path>', 'a folder inside the repository', '.')
    .option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)')
    .option('--no-record', 'read only: do not offer record_outcome, and do not mine new commits into the store')
    .action(async (options: { workspace: string; store?: string; record: boolean }) => {
      const workspace = await resolveWorkspace(options.workspace, options.store ?? process.env.COEVOLVE_STORE);
      const server = createMemoryServer(workspace, { record: options.record, followCommits: options.record });
      // A message over 10 MB is refused on its own, with an error to the client, instead of closing
      // the connection (what the SDK's stdio buffer does past its limit).
      const input = process.stdin.pipe(new BoundedLines((bytes) => {
        process.stderr.write(`coevolve mcp: refused a message of ${(bytes / 1024 / 1024).toFixed(1)} MB (the limit is ${MAX_MESSAGE_BYTES / 1024 / 1024} MB); still serving\n`);
        process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `Message of ${bytes} bytes refused: the limit is ${MAX_MESSAGE_BYTES} bytes.` } })}\n`);
      }));
      const transport = new StdioServerTransport(input, process.stdout, { maxBufferSize: MAX_MESSAGE_BYTES + 1024 * 1024 });
      // stdout carries the protocol: everything for people goes to stderr.
      process.stderr.write(`coevolve mcp: serving ${workspace.root} (store ${workspace.storeDir})${options.record ? '' : ', read only'}\n`);
      const closed = new Promise<void>((resolve) => {
        transport.onclose = resolve;
      });
      await server.connect(transport);
      // The transport does not notice its client going away: the end of stdin ends the server.
      const stop = () => void server.close();
      process.stdin.once('end', stop);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await closed;
      process.stderr.write('coevolve mcp: stopped\n');
    });
}
