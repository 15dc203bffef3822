import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import type { ResolvedModel } from './providers.ts';
import { redactKeys } from './redactKeys.ts';
import type { Accounting } from './accounting.ts';
import { countRequestTokens } from './tokenCount.ts';
import type { ChatModel } from './chatModel.ts';
import { typedSdkError } from './sdkErrors.ts';

export type ChatMessage = ChatCompletionMessageParam;

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ChatCompletionTool[];
  /** 'required' makes the model call one of the tools (agents use it for their action step). */
  toolChoice?: 'auto' | 'required' | 'none' | { name: string };
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Streams the answer: called with each piece of text as it arrives. */
  onDelta?: (text: string) => void;
  /**
   * Return a tool call whose arguments are not JSON (with `invalidArguments` set) instead of failing
   * the whole call: an agent loop tells the model and lets it try again.
   */
  keepMalformedToolCalls?: boolean;
  /** JSON schema the answer must follow (structured output); sent with `strict: true` unless `strict` is false. */
  jsonSchema?: { name: string; schema: Record<string, unknown>; strict?: boolean };
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: unknown;
  /** Why the arguments could not be read (only with keepMalformedToolCalls). */
  invalidArguments?: string;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
}

export interface ChatClientOptions {
  /** Per request; the SDK retries timeouts, 429 (honouring Retry-After) and 5xx with backoff and jitter. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Where every call's tokens, cost and latency are recorded (one per task). */
  accounting?: Accounting;
  /** The window the server reported (see listModels); requests that surely exceed it are not sent. */
  contextWindow?: number;
}

/** One request a structured call sent, and the text that came back (none where the request failed). */
export interface StructuredAttempt {
  messages: ChatMessage[];
  text?: string;
}

/** One role's model behind any OpenAI-compatible endpoint, with typed errors and no key in any message. */
export class ChatClient implements ChatModel {
  private readonly client: OpenAI;
  private readonly accounting: Accounting | undefined;
  /** The window the server reported, when it was given (requests that surely exceed it are not sent). */
  readonly contextWindow: number | undefined;
  /** Set once the server refused a strict schema: later structured calls go straight to the relaxed one. */
  private strictRefused = false;

  constructor(
    readonly model: ResolvedModel,
    options: ChatClientOptions = {},
  ) {
    this.accounting = options.accounting;
    this.contextWindow = options.contextWindow;
    this.client = new OpenAI({
      baseURL: model.baseURL,
      // Local servers take any key; the SDK insists on one.
      apiKey: model.apiKey ?? 'no-key',
      timeout: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 3,
    });
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const started = performance.now();
    // The openai client adds an abort listener to the signal it is given and never removes it
    // (openai-node#1811): each request gets a signal of its own, linked to the caller's and
    // unlinked when the request ends, so a task's signal does not gather one per model call.
    const link = request.signal ? linkedSignal(request.signal) : undefined;
    try {
      const result = await this.send(link ? { ...request, signal: link.signal } : request, started);
      this.accounting?.record(this.model, result);
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The run log says why the next call asks for the same answer again.
      const fallback = request.jsonSchema?.strict !== false && isSchemaRefusal(error) ? ` ${SCHEMA_FALLBACK_NOTE}` : '';
      this.accounting?.recordFailure(this.model, performance.now() - started, `${message}${fallback}`);
      throw error;
    } finally {
      link?.dispose();
    }
  }

  private async send(request: ChatRequest, started: number): Promise<ChatResult> {
    if (this.contextWindow) {
      const counted = await countRequestTokens(this.model.model, request.messages, request.tools);
      const needed = counted.tokens + (request.maxTokens ?? 0);
      if (needed > this.contextWindow) {
        throw new CoevolveError('llm-bad-request', `The request needs ${counted.method === 'exact' ? '' : 'about '}${needed} tokens but ${this.where()} has a context window of ${this.contextWindow}; it was not sent.`, {
          hint: 'Give the role a model with a larger window (or raise num_ctx on Ollama), or send less context.',
        });
      }
    }
    const body = {
      model: this.model.model,
      messages: request.messages,
      ...(request.tools?.length ? { tools: request.tools } : {}),
      ...(request.tools?.length && request.toolChoice ? { tool_choice: typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function' as const, function: { name: request.toolChoice.name } } } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.jsonSchema ? { response_format: { type: 'json_schema' as const, json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, ...(request.jsonSchema.strict === false ? {} : { strict: true }) } } } : {}),
    };
    try {
      if (!request.onDelta) {
        const response = await this.client.chat.completions.create({ ...body, stream: false }, { signal: request.signal });
        const choice = response.choices[0];
        if (!choice) throw new CoevolveError('llm-bad-output', `${this.whereAtStart()} returned no choices.`);
        return {
          text: choice.message.content ?? '',
          toolCalls: (choice.message.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [parseToolCall(call.id, call.function.name, call.function.arguments, request.keepMalformedToolCalls)] : [])),
          finishReason: choice.finish_reason,
          model: response.model,
          usage: { promptTokens: response.usage?.prompt_tokens ?? 0, completionTokens: response.usage?.completion_tokens ?? 0 },
          latencyMs: performance.now() - started,
        };
      }
      const stream = await this.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal: request.signal });
      let text = '';
      let finishReason: string | undefined;
      let model = this.model.model;
      const usage = { promptTokens: 0, completionTokens: 0 };
      // Tool calls arrive in pieces, keyed by index; they are only parsed once complete.
      const calls = new Map<number, { id: string; name: string; args: string }>();
      for await (const chunk of stream) {
        model = chunk.model || model;
        if (chunk.usage) {
          usage.promptTokens = chunk.usage.prompt_tokens;
          usage.completionTokens = chunk.usage.completion_tokens;
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        const delta = choice.delta;
        if (delta?.content) {
          text += delta.content;
          request.onDelta(delta.content);
        }
        for (const piece of delta?.tool_calls ?? []) {
          const call = calls.get(piece.index) ?? { id: '', name: '', args: '' };
          if (piece.id) call.id = piece.id;
          if (piece.function?.name) call.name += piece.function.name;
          if (piece.function?.arguments) call.args += piece.function.arguments;
          calls.set(piece.index, call);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      // An abort mid-stream can end the iteration quietly rather than throw.
      if (request.signal?.aborted) throw new CoevolveError('cancelled', 'The model request was cancelled.');
      if (!finishReason) {
        throw new CoevolveError('llm-stream-broken', `${this.whereAtStart()} ended the stream before the answer was complete; nothing of it was used.`);
      }
      return {
        text,
        toolCalls: [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => parseToolCall(c.id, c.name, c.args, request.keepMalformedToolCalls)),
        finishReason,
        model,
        usage,
        latencyMs: performance.now() - started,
      };
    } catch (error) {
      throw this.typed(error);
    }
  }

  /**
   * An answer that must match `schema`: asked for with a JSON schema, validated with zod, repaired
   * once by showing the model its own error, then a typed error. Half-valid output is never returned.
   * `attempts` receives each request sent and, once it comes, the text answered: the caller's record
   * of the calls, even when this throws.
   */
  async structured<T>(request: Omit<ChatRequest, 'jsonSchema'>, name: string, schema: z.ZodType<T>, attempts: StructuredAttempt[] = []): Promise<{ value: T; result: ChatResult; repaired: boolean }> {
    let jsonSchema: NonNullable<ChatRequest['jsonSchema']> = this.strictRefused ? relaxedSchema(name, schema) : { name, schema: jsonSchemaOf(schema) };
    const first: StructuredAttempt = { messages: request.messages };
    attempts.push(first);
    let result: ChatResult;
    try {
      result = await this.chat({ ...request, jsonSchema });
      first.text = result.text;
    } catch (error) {
      if (jsonSchema.strict === false || !isSchemaRefusal(error)) throw error;
      // Some OpenAI-compatible servers reject `strict` or keywords such as maxLength and minItems:
      // asked once more without them, the answer is still checked against the whole schema here.
      this.strictRefused = true;
      jsonSchema = relaxedSchema(name, schema);
      const retry: StructuredAttempt = { messages: request.messages };
      attempts.push(retry);
      try {
        result = await this.chat({ ...request, jsonSchema });
      } catch (again) {
        if (!isSchemaRefusal(again)) throw again;
        throw new CoevolveError('llm-bad-request', `${this.whereAtStart()} refused the "${name}" answer schema, with strict and again without it: ${again instanceof Error ? again.message : String(again)}`, {
          hint: 'Use a server that supports response_format json_schema (vLLM, llama.cpp, Ollama, LM Studio and OpenAI do), or give this role another model.',
        });
      }
      retry.text = result.text;
    }
    let problem = validate(result.text, schema);
    if (problem.ok) return { value: problem.value, result, repaired: false };
    const repairMessages: ChatMessage[] = [
      ...request.messages,
      { role: 'assistant', content: result.text },
      { role: 'user', content: `That answer is not valid: ${problem.error}. Reply again with only JSON that matches the schema "${name}".` },
    ];
    const repair: StructuredAttempt = { messages: repairMessages };
    attempts.push(repair);
    result = await this.chat({ ...request, messages: repairMessages, jsonSchema });
    repair.text = result.text;
    problem = validate(result.text, schema);
    if (problem.ok) return { value: problem.value, result, repaired: true };
    throw new CoevolveError('llm-bad-output', `${this.whereAtStart()} did not produce valid "${name}" output after one repair: ${problem.error}`);
  }

  private where(): string {
    return `the ${this.model.role} model (${this.model.model} at ${this.model.baseURL})`;
  }

  private whereAtStart(): string {
    const where = this.where();
    return where.charAt(0).toUpperCase() + where.slice(1);
  }

  /** Turns SDK errors into typed ones, with the endpoint named and no key in the text. */
  private typed(error: unknown): Error {
    return typedSdkError(error, {
      where: this.where(),
      apiKey: this.model.apiKey,
      what: 'model request',
      // A connection dropped mid-stream surfaces as a plain error from the body reader.
      otherwise: (at, message) => new CoevolveError('llm-stream-broken', `${at} broke off: ${message}`),
    });
  }

  private clean(text: string): string {
    return redactKeys(text, [this.model.apiKey]);
  }
}

function parseToolCall(id: string, name: string, args: string, keepMalformed = false): ToolCall {
  try {
    return { id, name, arguments: args.trim() === '' ? {} : (JSON.parse(args) as unknown) };
  } catch (error) {
    if (keepMalformed) return { id, name, arguments: undefined, invalidArguments: `not JSON (${error instanceof Error ? error.message : String(error)}): ${args.slice(0, 200)}` };
    throw new CoevolveError('llm-bad-output', `The model's call to tool "${name}" had arguments that are not JSON: ${args.slice(0, 200)}`);
  }
}

function validate<T>(text: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const checked = schema.safeParse(parsed);
  return checked.success ? { ok: true, value: checked.data } : { ok: false, error: z.prettifyError(checked.error).slice(0, 500) };
}

/** Schemas are module constants: each is converted once, not on every call (about half a millisecond each). */
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let converted = jsonSchemas.get(schema);
  if (!converted) jsonSchemas.set(schema, (converted = z.toJSONSchema(schema) as Record<string, unknown>));
  return converted;
}

/** Said in the run log of a call whose strict schema the server refused. */
export const SCHEMA_FALLBACK_NOTE = '[The server refused the strict answer schema; asked again once without strict and without the keywords it may not support, and the answer checked here.]';

/** Keywords some OpenAI-compatible servers refuse in a strict schema; zod still checks them on the answer. */
const RELAXED_KEYWORDS = new Set(['maxLength', 'minLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'pattern', 'format', 'uniqueItems', 'minProperties', 'maxProperties']);

/** A 400 or 422 that blames the schema (strict mode, response_format or one of its keywords), not the request's size. */
export function isSchemaRefusal(error: unknown): boolean {
  if (!CoevolveError.is(error, 'llm-bad-request')) return false;
  if (/ it was not sent\.|context (length|window)|too many tokens|exceeds.*context/i.test(error.message)) return false;
  return /schema|strict|response_format|unsupported|not supported|maxLength|minLength|minItems|maxItems|minimum|maximum|pattern|format/i.test(error.message);
}

function relaxedSchema(name: string, schema: z.ZodType): { name: string; schema: Record<string, unknown>; strict: false } {
  return { name, schema: withoutKeywords(jsonSchemaOf(schema)) as Record<string, unknown>, strict: false };
}

/** The schema without RELAXED_KEYWORDS; names under `properties` are field names, never keywords, and stay. */
export function withoutKeywords(node: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutKeywords(item));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isPropertyMap && RELAXED_KEYWORDS.has(key)) continue;
    out[key] = withoutKeywords(value, !isPropertyMap && (key === 'properties' || key === '$defs' || key === 'definitions'));
  }
  return out;
}

/** A signal that aborts with `parent`, and forgets it once disposed. */
function linkedSignal(parent: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort(parent.reason);
  if (parent.aborted) abort();
  else parent.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', abort) };
}
