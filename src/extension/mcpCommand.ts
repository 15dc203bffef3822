import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { Host } from './vscodeHost.ts';
import { DEFAULT_STORE_FOLDER } from '../core/storeFolder.ts';

const PROVIDER_ID = 'coevolve.mcp';

/**
 * "Co-evolve: Copy MCP Server Configuration", and, in a VS Code that has the API, the server
 * registered for Copilot Chat directly. Both start the same `coevolve mcp` over the folder.
 */
export function registerMcpSupport(context: vscode.ExtensionContext, host: Host): vscode.Disposable {
  const disposables: vscode.Disposable[] = [vscode.commands.registerCommand('coevolve.copyMcpConfig', () => copyMcpConfig(host))];
  const provider = registerDefinitionProvider(context, host);
  if (provider) disposables.push(provider);
  return vscode.Disposable.from(...disposables);
}

function serverArgs(host: Host, folder: string): string[] {
  const store = host.setting<string>('storePath');
  return ['mcp', '--workspace', folder, ...(store && store !== DEFAULT_STORE_FOLDER ? ['--store', store] : [])];
}

async function copyMcpConfig(host: Host): Promise<void> {
  const folders = host.workspaceFolders();
  const folder = folders.length > 1 ? await vscode.window.showQuickPick(folders, { placeHolder: 'Serve the memory of which folder?' }) : folders[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Co-evolve: open a folder whose history was mined first.');
    return;
  }
  const server = { command: 'coevolve', args: serverArgs(host, folder) };
  const forms = [
    { label: 'Claude Code, Cline, Continue, Cursor', description: '{ "mcpServers": … }', config: { mcpServers: { coevolve: server } } },
    { label: 'VS Code (.vscode/mcp.json)', description: '{ "servers": … }', config: { servers: { coevolve: { type: 'stdio', ...server } } } },
  ];
  const form = await vscode.window.showQuickPick(forms, { placeHolder: 'Configuration for which client?' });
  if (!form) return;
  await vscode.env.clipboard.writeText(`${JSON.stringify(form.config, null, 2)}\n`);
  void vscode.window.showInformationMessage(
    `Co-evolve: MCP configuration for ${form.label} copied. It runs \`coevolve\`, which must be on your PATH (npm install -g); mine the history first.`,
  );
}

// Typed here because @types/vscode is pinned at 1.90, before the MCP API existed (1.101).
interface McpApi {
  lm?: { registerMcpServerDefinitionProvider?: (id: string, provider: unknown) => vscode.Disposable };
  McpStdioServerDefinition?: new (label: string, command: string, args?: string[], env?: Record<string, string>, version?: string) => unknown;
}

function registerDefinitionProvider(context: vscode.ExtensionContext, host: Host): vscode.Disposable | undefined {
  const api = vscode as unknown as McpApi;
  const Definition = api.McpStdioServerDefinition;
  if (typeof api.lm?.registerMcpServerDefinitionProvider !== 'function' || !Definition) return undefined;
  const changed = new vscode.EventEmitter<void>();
  // The CLI bundle shipped inside the extension, so no global install is needed here.
  const cli = context.asAbsolutePath('dist/cli.cjs');
  try {
    const registration = api.lm.registerMcpServerDefinitionProvider(PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () =>
        host.workspaceFolders().map((folder) => new Definition(`Co-evolve memory (${basename(folder)})`, 'node', [cli, ...serverArgs(host, folder)], {}, String(context.extension.packageJSON.version ?? ''))),
    });
    return vscode.Disposable.from(registration, changed, vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()));
  } catch (error) {
    // An editor with the API but without the contribution point refuses; the copy command still works.
    host.log.warn(`MCP server definition not registered: ${error instanceof Error ? error.message : String(error)}`);
    changed.dispose();
    return undefined;
  }
}
