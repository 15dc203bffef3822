import type { z } from 'zod';
import { Accounting } from '../llm/accounting.ts';
import { ChatClient } from '../llm/chatClient.ts';
import type { ChatRequest, ChatResult, StructuredAttempt } from '../llm/chatClient.ts';
import type { ChatModel, ChatModelSource } from '../llm/chatModel.ts';
import { resolveRole } from '../llm/providers.ts';
import type { ModelConfig, ResolvedModel, Role } from '../llm/providers.ts';
import { probeServer } from '../llm/serverWindow.ts';
import type { Trajectory } from './trajectory.ts';

export type TeamRole = Exclude<Role, 'embedder'>;

/** What one accounted call sent, and what it answered. */
interface Sent {
  messages: readonly unknown[];
  answer: unknown;
}

export interface TeamOptions {
  models: ModelConfig;
  secrets: (name: string) => string | undefined;
  trajectory: Trajectory;
  timeoutMs?: number;
  maxRetries?: number;
  /** A role's model supplied by the front door (the editor's language models); others use `models`. */
  chatModels?: ChatModelSource;
}

/**
 * The three roles' models, each call accounted (tokens, cost, latency, per role) and written to
 * the trajectory with what was asked and answered.
 */
export class Team {
  readonly accounting: Accounting;
  private readonly clients = new Map<TeamRole, ChatModel>();
  /** Each role's messages as last written to the trajectory (the objects themselves, for identity). */
  private readonly logged = new Map<TeamRole, readonly unknown[]>();

  constructor(private readonly options: TeamOptions) {
    this.accounting = new Accounting(options.models.prices);
  }

  /** Resolves every role up front, so a missing model or key fails before any work starts. */
  prepare(): void {
    for (const role of ['generator', 'implementer', 'rectifier'] as const) this.client(role);
  }

  /**
   * Asks each role's server for the context window it runs the model with (once per endpoint and
   * model). A role whose window is known gets requests that surely overflow refused before they are
   * sent, and the implementer fits its conversation to it; a server that cannot say is not guessed for.
   * A server that cannot be reached, refuses the key or does not answer throws its typed error, so a
   * wrong URL is found before the project's checks spend minutes on a baseline.
   */
  async learnContextWindows(signal?: AbortSignal): Promise<void> {
    const asked = new Map<string, Promise<number | undefined>>();
    const roles = ['generator', 'implementer', 'rectifier'] as const;
    const found = await Promise.all(
      roles.map((role) => {
        const client = this.client(role);
        // A supplied model knows its own window; there is no server to ask.
        if (client.windowFromModel) return Promise.resolve(undefined);
        const model = client.model;
        const key = `${model.baseURL}\0${model.model}`;
        if (!asked.has(key)) asked.set(key, probeServer(model, signal));
        return asked.get(key)!;
      }),
    );
    roles.forEach((role, i) => {
      const window = found[i];
      if (window) this.clients.set(role, this.newClient(this.client(role).model, window));
    });
  }

  /** The window the role's server reported, if it did. */
  contextWindow(role: TeamRole): number | undefined {
    return this.client(role).contextWindow;
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
      this.log(role, [{ messages: request.messages, answer: { text: result.text, toolCalls: result.toolCalls, finishReason: result.finishReason } }], calls);
      return result;
    } catch (error) {
      this.log(role, [{ messages: request.messages, answer: null }], calls);
      throw error;
    }
  }

  async structured<T>(role: TeamRole, request: Omit<ChatRequest, 'jsonSchema'>, name: string, schema: z.ZodType<T>): Promise<T> {
    const client = this.client(role);
    const calls = this.accounting.calls.length;
    const attempts: StructuredAttempt[] = [];
    // A rejected answer is recorded as the text it was (what a failed plan looked like), the accepted one as its value.
    const sent = (value?: T): Sent[] =>
      attempts.map((attempt, i) => {
        if (value !== undefined && i === attempts.length - 1) return { messages: attempt.messages, answer: value };
        return { messages: attempt.messages, answer: attempt.text === undefined ? null : { text: attempt.text } };
      });
    try {
      const { value } = await client.structured(request, name, schema, attempts);
      this.log(role, sent(value), calls);
      return value;
    } catch (error) {
      this.log(role, sent(), calls);
      throw error;
    }
  }

  tokensUsed(): number {
    const totals = this.accounting.totals();
    return totals.promptTokens + totals.completionTokens;
  }

  private client(role: TeamRole): ChatModel {
    let client = this.clients.get(role);
    if (!client) {
      client = this.options.chatModels?.(role, this.accounting) ?? this.newClient(resolveRole(this.options.models, role, this.options.secrets));
      this.clients.set(role, client);
    }
    return client;
  }

  private newClient(model: ResolvedModel, contextWindow?: number): ChatClient {
    return new ChatClient(model, {
      accounting: this.accounting,
      timeoutMs: this.options.timeoutMs ?? 180_000,
      maxRetries: this.options.maxRetries ?? 3,
      ...(contextWindow ? { contextWindow } : {}),
    });
  }

  /**
   * One trajectory event per accounted call (a structured call with a repair is two calls). An
   * implementer's conversation grows by a few messages a call, so writing it whole each time would
   * make the trajectory (and the time to write it) quadratic in its length: only the messages after
   * those the role's previous event already holds are written. A message counts as held only while
   * it is the very same object; one rewritten (an elided tool output) is a new object and is written.
   */
  private log(role: TeamRole, sent: readonly Sent[], fromCall: number): void {
    for (const [i, call] of this.accounting.calls.slice(fromCall).entries()) {
      const { messages, answer } = sent[i] ?? sent.at(-1) ?? { messages: [], answer: null };
      const held = sharedPrefix(this.logged.get(role) ?? [], messages);
      this.logged.set(role, [...messages]);
      this.options.trajectory.record({
        type: 'model-call',
        role,
        model: call.model,
        provider: call.provider,
        ...(held ? { earlierMessages: held } : {}),
        messages: messages.slice(held),
        answer,
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

function sharedPrefix(before: readonly unknown[], now: readonly unknown[]): number {
  let same = 0;
  while (same < before.length && same < now.length && before[same] === now[same]) same++;
  return same;
}
