import type { z } from 'zod';
import { Accounting } from '../llm/accounting.ts';
import { ChatClient } from '../llm/chatClient.ts';
import type { ChatRequest, ChatResult } from '../llm/chatClient.ts';
import { resolveRole } from '../llm/providers.ts';
import type { ModelConfig, Role } from '../llm/providers.ts';
import type { Trajectory } from './trajectory.ts';

export type TeamRole = Exclude<Role, 'embedder'>;

export interface TeamOptions {
  models: ModelConfig;
  secrets: (name: string) => string | undefined;
  trajectory: Trajectory;
  timeoutMs?: number;
  maxRetries?: number;
}

/**
 * The three roles' models, each call accounted (tokens, cost, latency, per role) and written to
 * the trajectory with what was asked and answered.
 */
export class Team {
  readonly accounting: Accounting;
  private readonly clients = new Map<TeamRole, ChatClient>();

  constructor(private readonly options: TeamOptions) {
    this.accounting = new Accounting(options.models.prices);
  }

  /** Resolves every role up front, so a missing model or key fails before any work starts. */
  prepare(): void {
    for (const role of ['generator', 'implementer', 'rectifier'] as const) this.client(role);
  }

  describe(role: TeamRole): string {
    const model = this.client(role).model;
    return `${model.model} (${model.providerName})`;
  }

  async chat(role: TeamRole, request: ChatRequest): Promise<ChatResult> {
    const client = this.client(role);
    const calls = this.accounting.calls.length;
    try {
      const result = await client.chat(request);
      this.log(role, request, { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason }, calls);
      return result;
    } catch (error) {
      this.log(role, request, undefined, calls);
      throw error;
    }
  }

  async structured<T>(role: TeamRole, request: Omit<ChatRequest, 'jsonSchema'>, name: string, schema: z.ZodType<T>): Promise<T> {
    const client = this.client(role);
    const calls = this.accounting.calls.length;
    try {
      const { value } = await client.structured(request, name, schema);
      this.log(role, request, value, calls);
      return value;
    } catch (error) {
      this.log(role, request, undefined, calls);
      throw error;
    }
  }

  tokensUsed(): number {
    const totals = this.accounting.totals();
    return totals.promptTokens + totals.completionTokens;
  }

  private client(role: TeamRole): ChatClient {
    let client = this.clients.get(role);
    if (!client) {
      client = new ChatClient(resolveRole(this.options.models, role, this.options.secrets), {
        accounting: this.accounting,
        timeoutMs: this.options.timeoutMs ?? 180_000,
        maxRetries: this.options.maxRetries ?? 3,
      });
      this.clients.set(role, client);
    }
    return client;
  }

  /** One trajectory event per accounted call (a structured call with a repair is two calls). */
  private log(role: TeamRole, request: ChatRequest | Omit<ChatRequest, 'jsonSchema'>, answer: unknown, fromCall: number): void {
    for (const call of this.accounting.calls.slice(fromCall)) {
      this.options.trajectory.record({
        type: 'model-call',
        role,
        model: call.model,
        provider: call.provider,
        messages: request.messages,
        answer: answer ?? null,
        promptTokens: call.promptTokens,
        completionTokens: call.completionTokens,
        ...(call.costUsd !== undefined ? { costUsd: call.costUsd } : {}),
        latencyMs: Math.round(call.latencyMs),
        ok: call.ok,
        ...(call.error ? { error: call.error } : {}),
      });
    }
  }
}
