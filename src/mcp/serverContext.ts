import type { Workspace } from '../core/workspace.ts';
import type { WarmMemory } from '../core/memory/warmMemory.ts';

/** What every tool of one server shares: the workspace it serves and its warm memory. */
export interface ServerContext {
  workspace: Workspace;
  memory: WarmMemory;
  /** The client's name from the MCP initialize handshake, once it is known. */
  clientName(): string | undefined;
}
