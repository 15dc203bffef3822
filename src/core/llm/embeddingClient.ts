import OpenAI from 'openai';
import pLimit from 'p-limit';
import { CoevolveError } from '../errors.ts';
import type { Accounting } from './accounting.ts';
import type { ResolvedModel } from './providers.ts';
import { redactKeys } from './redactKeys.ts';
import { typedSdkError } from './sdkErrors.ts';

export interface EmbeddingClientOptions {
  /** Per request; the SDK retries timeouts, 429 (honouring Retry-After) and 5xx with backoff and jitter. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Texts per request: OpenAI takes up to 2,048, local servers slow down on large batches; 64 suits both. */
  batchSize?: number;
  /** Requests in flight at once: two keeps a local server busy without tripping a hosted one's rate limit. */
  concurrency?: number;
  /** Texts longer than this many characters are cut (a code chunk rarely needs more; most models stop at 8k tokens). */
  maxChars?: number;
  /** Where every request's tokens, cost and latency are recorded, as for chat calls. */
  accounting?: Accounting;
}

export interface EmbeddingResult {
  /** One vector per input text, in input order. */
  vectors: Float32Array[];
  /** The model the server says answered (falls back to the configured name). */
  model: string;
  dimensions: number;
  promptTokens: number;
}

const DEFAULT_BATCH = 64;
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_MAX_CHARS = 8_000;

/**
 * The embedder role's model behind any OpenAI-compatible `/v1/embeddings` (OpenAI, Ollama, vLLM,
 * LM Studio, the sidecar): batched, rate-limited by the SDK's retries, cancellable, accounted like
 * chat calls, with typed errors and no key in any message.
 */
export class EmbeddingClient {
  private readonly client: OpenAI;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly maxChars: number;
  private readonly accounting: Accounting | undefined;

  constructor(
    readonly model: ResolvedModel,
    options: EmbeddingClientOptions = {},
  ) {
    this.batchSize = positive('batchSize', options.batchSize ?? DEFAULT_BATCH, 2048);
    this.concurrency = positive('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY, 16);
    this.maxChars = positive('maxChars', options.maxChars ?? DEFAULT_MAX_CHARS, 1_000_000);
    this.accounting = options.accounting;
    this.client = new OpenAI({
      baseURL: model.baseURL,
      // Local servers take any key; the SDK insists on one.
      apiKey: model.apiKey ?? 'no-key',
      timeout: options.timeoutMs ?? 60_000,
      maxRetries: options.maxRetries ?? 3,
    });
  }

  /** Vectors for `texts`, in order. Every vector has the same dimension, or a typed error says the server broke that. */
  async embed(texts: readonly string[], signal?: AbortSignal): Promise<EmbeddingResult> {
    if (signal?.aborted) throw cancelled();
    if (texts.length === 0) return { vectors: [], model: this.model.model, dimensions: 0, promptTokens: 0 };
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) batches.push(texts.slice(i, i + this.batchSize).map((t) => this.fit(t)));
    const limit = pLimit(this.concurrency);
    // One failed batch stops the others: their work would be thrown away with the error.
    const stop = new AbortController();
    const onAbort = (): void => stop.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const answers = await Promise.all(
        batches.map((batch) =>
          limit(async () => {
            if (stop.signal.aborted) throw signal?.aborted ? cancelled() : new CoevolveError('cancelled', 'Stopped after another batch failed.');
            return this.request(batch, stop.signal).catch((error: unknown) => {
              stop.abort(error);
              throw error;
            });
          }),
        ),
      );
      const vectors = answers.flatMap((a) => a.vectors);
      const dimensions = vectors[0]!.length;
      const odd = vectors.findIndex((v) => v.length !== dimensions);
      if (odd >= 0) throw new CoevolveError('llm-bad-output', `${this.whereAtStart()} returned vectors of different lengths (${dimensions} and ${vectors[odd]!.length}).`);
      return { vectors, model: answers[0]!.model, dimensions, promptTokens: answers.reduce((sum, a) => sum + a.promptTokens, 0) };
    } catch (error) {
      // The error a cancelled caller sees is 'cancelled', not whichever batch noticed first.
      if (signal?.aborted) throw cancelled();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async request(batch: string[], signal: AbortSignal): Promise<{ vectors: Float32Array[]; model: string; promptTokens: number }> {
    const started = performance.now();
    // The SDK adds an abort listener to the signal it is given and never removes it (openai-node#1811):
    // each request gets a signal of its own, unlinked when it ends, so a long build does not pile them up.
    const own = new AbortController();
    const abort = (): void => own.abort(signal.reason);
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    try {
      // 'float' spelled out: the SDK otherwise asks for base64, which not every compatible server speaks.
      const response = await this.client.embeddings.create({ model: this.model.model, input: batch, encoding_format: 'float' }, { signal: own.signal });
      const vectors = this.vectorsOf(response, batch.length);
      const promptTokens = response.usage?.prompt_tokens ?? 0;
      const model = typeof response.model === 'string' && response.model ? response.model : this.model.model;
      this.accounting?.record(this.model, { text: '', toolCalls: [], finishReason: 'stop', model, usage: { promptTokens, completionTokens: 0 }, latencyMs: performance.now() - started });
      return { vectors, model, promptTokens };
    } catch (error) {
      const typed = this.typed(error);
      this.accounting?.recordFailure(this.model, performance.now() - started, typed.message);
      throw typed;
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  /** The vectors of one answer, checked: one per input, by index, all finite numbers. */
  private vectorsOf(response: OpenAI.CreateEmbeddingResponse, expected: number): Float32Array[] {
    const data: unknown = response?.data;
    if (!Array.isArray(data) || data.length !== expected) {
      throw new CoevolveError('llm-bad-output', `${this.whereAtStart()} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${expected} texts.`);
    }
    const out = new Array<Float32Array | undefined>(expected);
    data.forEach((item: { index?: unknown; embedding?: unknown }, position) => {
      const index = Number.isInteger(item?.index) ? (item.index as number) : position;
      const embedding = item?.embedding;
      if (index < 0 || index >= expected || out[index]) throw new CoevolveError('llm-bad-output', `${this.whereAtStart()} returned an embedding with a bad or repeated index (${String(item?.index)}).`);
      if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every((n) => typeof n === 'number' && Number.isFinite(n))) {
        throw new CoevolveError('llm-bad-output', `${this.whereAtStart()} returned an embedding that is not a list of numbers.`);
      }
      out[index] = Float32Array.from(embedding as number[]);
    });
    return out as Float32Array[];
  }

  /** Long texts are cut rather than refused by the server: the start of a chunk says the most. */
  private fit(text: string): string {
    // An empty input is an error on OpenAI; a single space embeds as "nothing".
    if (text.length === 0) return ' ';
    return text.length > this.maxChars ? text.slice(0, this.maxChars) : text;
  }

  private where(): string {
    return `the embedder (${this.model.model} at ${this.model.baseURL})`;
  }

  private whereAtStart(): string {
    const where = this.where();
    return where.charAt(0).toUpperCase() + where.slice(1);
  }

  /** SDK errors as typed ones, with the endpoint named and no key in the text. */
  private typed(error: unknown): CoevolveError {
    return typedSdkError(error, {
      where: this.where(),
      apiKey: this.model.apiKey,
      what: 'embedding request',
      otherwise: (at, message) => new CoevolveError('llm-bad-output', `${at} answered with something that is not an embedding response: ${message}`),
    });
  }

  private clean(text: string): string {
    return redactKeys(text, [this.model.apiKey]);
  }
}

function cancelled(): CoevolveError {
  return new CoevolveError('cancelled', 'The embedding request was cancelled.');
}

function positive(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new CoevolveError('bad-input', `The embedder's ${name} must be a whole number from 1 to ${max}, not ${String(value)}.`);
  return value;
}
