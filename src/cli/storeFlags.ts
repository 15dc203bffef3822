import type { Command } from 'commander';
import { resolveWorkspace } from '../core/workspace.ts';

export interface StoreFlags {
  path: string;
  store?: string;
  json?: boolean;
}

/** The options of commands that read or change the store: where the repository and store are, and --json. */
export function withStoreFlags(command: Command): Command {
  return command.option('--path <dir>', 'a folder inside the repository', '.').option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)').option('--json', 'print JSON');
}

export async function storeDirOf(flags: StoreFlags): Promise<string> {
  return (await resolveWorkspace(flags.path, flags.store ?? process.env.COEVOLVE_STORE)).storeDir;
}
