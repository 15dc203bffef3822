import * as vscode from 'vscode';
import { z } from 'zod';
import { CoevolveError } from '../../core/errors.ts';
import type { Accounting } from '../../core/llm/accounting.ts';
import type { ChatMessage, ChatRequest, ChatResult, StructuredAttempt, ToolCall } from '../../core/llm/chatClient.ts';
import type { ChatModel } from '../../core/llm/chatModel.ts';
import type { ResolvedModel, Role } from '../../core/llm/providers.ts';
import { newerApi } from './lmApi.ts';
import { lmError } from './lmErrors.ts';
import { toLmMessages, toLmOptions } from './lmMessages.ts';
import { formatSelector } from './lmSelector.ts';
import { validateJson } from './structuredJson.ts';

const JUSTIFICATION = 'Co-evolve solves the task you gave it with this model: planning, editing in a sandbox and diagnosing failed checks.';

/**
 * One role's model served by VS Code's Language Model API (Copilot or any extension that provides
 * chat models): streaming, tool calls, cancellation, token counts by the model's own countTokens,
 * and maxInputTokens as the context window. Errors become the HTTP providers' typed errors.
 */
export class LmChatModel implements ChatModel {
  readonly model: ResolvedModel;
  readonly contextWindow: number | undefined;
  readonly windowFromModel = true;

  constructor(
    private readonly chatModel: vscode.LanguageModelChat,
    role: Exclude<Role, 'embedder'>,
    private readonly accounting: Accounting | undefined,
    private readonly toolCalling: boolean,
    providerName = 'vscode-lm',
  ) {
    this.model = { role, model: formatSelector(chatModel), providerName, preset: 'vscode-lm', baseURL: `vscode-lm:${chatModel.vendor}`, apiKey: undefined };
    this.contextWindow = chatModel.maxInputTokens > 0 ? chatModel.maxInputTokens : undefined;
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const started = performance.now();
    try {
      const result = await this.send(request, started);
      this.accounting?.record(this.model, result);
      return result;
    } catch (error) {
      this.accounting?.recordFailure(this.model, performance.now() - started, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  async structured<T>(request: Omit<ChatRequest, 'jsonSchema'>, name: string, schema: z.ZodType<T>, attempts: StructuredAttempt[] = []): Promise<{ value: T; result: ChatResult; repaired: boolean }> {
    // The LM API has no structured-output mode: the schema goes into the prompt, zod checks the answer.
    const ask: ChatMessage = { role: 'user', content: `Reply with only a JSON value (no prose, no code fence) that matches this JSON schema, named "${name}":\n${JSON.stringify(z.toJSONSchema(schema))}` };
    const messages = [...request.messages, ask];
    const first: StructuredAttempt = { messages };
    attempts.push(first);
    let result = await this.chat({ ...request, messages });
    first.text = result.text;
    let checked = validateJson(result.text, schema);
    if (checked.ok) return { value: checked.value, result, repaired: false };
    const repairMessages: ChatMessage[] = [...messages, { role: 'assistant', content: result.text }, { role: 'user', content: `That answer is not valid: ${checked.error}. Reply again with only JSON that matches the schema "${name}".` }];
    const repair: StructuredAttempt = { messages: repairMessages };
    attempts.push(repair);
    result = await this.chat({ ...request, messages: repairMessages });
    repair.text = result.text;
    checked = validateJson(result.text, schema);
    if (checked.ok) return { value: checked.value, result, repaired: true };
    throw new CoevolveError('llm-bad-output', `${this.whereAtStart()} did not produce valid "${name}" output after one repair: ${checked.error}`);
  }

  private async send(request: ChatRequest, started: number): Promise<ChatResult> {
    if (request.signal?.aborted) throw new CoevolveError('cancelled', 'The model request was cancelled.');
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = (): void => cancel.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const messages = toLmMessages(request.messages, this.toolCalling);
      const promptTokens = await this.countAll(messages, cancel.token);
      if (this.contextWindow && promptTokens + (request.maxTokens ?? 0) > this.contextWindow) {
        throw new CoevolveError('llm-bad-request', `The request needs ${promptTokens + (request.maxTokens ?? 0)} tokens but ${this.where()} takes at most ${this.contextWindow}; it was not sent.`, {
          hint: 'Give the role a model with a larger window in "Co-evolve: Configure Model Provider", or send less context.',
        });
      }
      const options = toLmOptions(this.toolCalling ? request : { ...request, toolChoice: 'none' }, JUSTIFICATION);
      const response = await this.chatModel.sendRequest(messages, options, cancel.token);
      let text = '';
      const toolCalls: ToolCall[] = [];
      const stream = (response as { stream?: AsyncIterable<unknown> }).stream;
      const api = this.toolCalling ? newerApi() : undefined;
      if (stream) {
        for await (const part of stream) {
          if (api && part instanceof api.LanguageModelToolCallPart) {
            toolCalls.push({ id: part.callId, name: part.name, arguments: part.input });
          } else if (api && part instanceof api.LanguageModelTextPart) {
            text += part.value;
            request.onDelta?.(part.value);
          }
        }
      } else {
        for await (const piece of response.text) {
          text += piece;
          request.onDelta?.(piece);
        }
      }
      // A cancelled request can end the stream quietly rather than throw.
      if (request.signal?.aborted || cancel.token.isCancellationRequested) throw new CoevolveError('cancelled', 'The model request was cancelled.');
      const completionTokens = await this.countAll([text, ...toolCalls.map((c) => `${c.name}${JSON.stringify(c.arguments)}`)].filter(Boolean), cancel.token);
      return {
        text,
        toolCalls,
        finishReason: toolCalls.length ? 'tool_calls' : 'stop',
        model: this.model.model,
        usage: { promptTokens, completionTokens },
        latencyMs: performance.now() - started,
      };
    } catch (error) {
      if (request.signal?.aborted) throw new CoevolveError('cancelled', 'The model request was cancelled.');
      throw lmError(error, this.where());
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  /** The model's own count (its tokenizer, through countTokens), summed over the pieces. */
  private async countAll(pieces: readonly (string | vscode.LanguageModelChatMessage)[], token: vscode.CancellationToken): Promise<number> {
    const counts = await Promise.all(pieces.map((piece) => this.chatModel.countTokens(piece, token)));
    return counts.reduce((a, b) => a + b, 0);
  }

  private where(): string {
    return `the ${this.model.role} model (${this.model.model} in VS Code)`;
  }

  private whereAtStart(): string {
    const where = this.where();
    return where.charAt(0).toUpperCase() + where.slice(1);
  }
}
