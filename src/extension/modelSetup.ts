import type { Host } from './vscodeHost.ts';
import { readModelConfig } from '../core/llm/modelConfigFile.ts';
import type { ModelConfig } from '../core/llm/providers.ts';
import { resolveWorkspace } from '../core/workspace.ts';

/** The workspace's `.coevolve/models.json`, or undefined when there is none (or no folder). */
export async function workspaceModelConfig(host: Host): Promise<ModelConfig | undefined> {
  const folder = host.workspaceFolders()[0];
  if (!folder) return undefined;
  const workspace = await resolveWorkspace(folder, host.setting<string>('storePath') || undefined);
  return readModelConfig(workspace.storeDir);
}
