import type { z } from 'zod';
import type { ChatRequest, ChatResult, StructuredAttempt } from './chatClient.ts';
import type { Accounting } from './accounting.ts';
import type { ResolvedModel, Role } from './providers.ts';

/**
 * What the team needs of one role's model, whoever serves it: the OpenAI-compatible ChatClient, or
 * a model the editor supplies (VS Code's Language Model API, src/extension/lm/). The core never
 * knows which.
 */
export interface ChatModel {
  /** Names the model in messages, the trajectory and the accounting. */
  readonly model: ResolvedModel;
  /** The context window in tokens, when known: requests that surely exceed it are not sent. */
  readonly contextWindow: number | undefined;
  /** True where the window comes from the model itself: there is no server to ask for it. */
  readonly windowFromModel?: boolean;
  chat(request: ChatRequest): Promise<ChatResult>;
  /**
   * An answer that must match `schema` (validated, repaired once, else a typed error); `attempts`
   * receives each request sent and the text answered.
   */
  structured<T>(request: Omit<ChatRequest, 'jsonSchema'>, name: string, schema: z.ZodType<T>, attempts?: StructuredAttempt[]): Promise<{ value: T; result: ChatResult; repaired: boolean }>;
}

/**
 * Supplies a role's model from outside the core (the editor), or undefined to use the configured
 * HTTP provider. Every call is recorded in `accounting`, the team's.
 */
export type ChatModelSource = (role: Exclude<Role, 'embedder'>, accounting: Accounting) => ChatModel | undefined;
