import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { CoevolveError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { RequestError } from './chatHistory.ts';
import { completeChat } from './chatCompletion.ts';
import type { Completion } from './chatCompletion.ts';
import type { LlamaEngine } from './engine.ts';
import { chatRequestSchema, embeddingRequestSchema } from './openaiRequests.ts';
import type { ChatRequest } from './openaiRequests.ts';

export interface SidecarHttpOptions {
  engine: LlamaEngine;
  token: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
}

export interface SidecarHttpServer {
  port: number;
  /** Stops accepting, cancels what is running, and waits for the sockets to close. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The OpenAI-compatible API, on 127.0.0.1 only, behind a bearer token. */
export async function startHttpServer(options: SidecarHttpOptions): Promise<SidecarHttpServer> {
  const running = new Set<AbortController>();
  const expected = Buffer.from(`Bearer ${options.token}`);
  const authorized = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const server = createServer((req, res) => {
    const controller = new AbortController();
    running.add(controller);
    // The client going away cancels its generation.
    res.on('close', () => { controller.abort(); running.delete(controller); });
    handle(req, res, controller.signal).catch((error: unknown) => sendError(res, error, options.log));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && req.method === 'GET') {
      // Without the token, only liveness: the model and the GPU are nobody else's business.
      sendJson(res, 200, authorized(req) ? { status: 'ok', busy: running.size - 1, ...describe(options.engine) } : { status: 'ok' });
      return;
    }
    if (!authorized(req)) throw new RequestError(401, 'Missing or wrong bearer token.', 'invalid_api_key');
    if (path === '/v1/models' && req.method === 'GET') {
      const { info } = options.engine;
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: info.model.id, object: 'model', created: 0, owned_by: 'coevolve-sidecar', context_length: info.contextSize, meta: { n_ctx: info.contextSize, n_ctx_train: info.model.trainContextSize } }],
      });
      return;
    }
    if (path === '/v1/chat/completions' && req.method === 'POST') {
      const request = parse(chatRequestSchema, await readJson(req));
      checkModel(options.engine, request.model);
      if (request.stream) await streamChat(res, options.engine, request, signal);
      else sendJson(res, 200, completionBody(await completeChat(options.engine, request, signal)));
      return;
    }
    if (path === '/v1/embeddings' && req.method === 'POST') {
      const request = parse(embeddingRequestSchema, await readJson(req));
      checkModel(options.engine, request.model);
      const inputs = typeof request.input === 'string' ? [request.input] : request.input;
      const { vectors, tokens } = await options.engine.embed(inputs, signal);
      sendJson(res, 200, {
        object: 'list',
        model: options.engine.info.model.id,
        data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
      return;
    }
    throw new RequestError(404, `No route ${req.method ?? ''} ${path}. The sidecar serves /v1/chat/completions, /v1/embeddings, /v1/models and /health.`, 'not_found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new CoevolveError('bad-input', error.code === 'EADDRINUSE' ? `Port ${options.port} is already in use; pick another with --port, or 0 for any free port.` : `The sidecar could not listen: ${error.message}`));
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 5_000;
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const controller of running) controller.abort();
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
      await closed;
    },
  };
}

function describe(engine: LlamaEngine): Record<string, unknown> {
  const { info } = engine;
  return {
    model: info.model.id,
    backend: info.backend,
    gpus: info.gpuNames,
    gpuLayers: info.gpuLayers,
    totalLayers: info.totalLayers,
    contextSize: info.contextSize,
    fallbackNotes: info.fallbackNotes,
  };
}

/**
 * A wrong model name is refused rather than quietly answered by whatever is loaded, so a
 * misconfigured role shows up at once. 'default' always means the loaded model.
 */
function checkModel(engine: LlamaEngine, model: string | undefined): void {
  const { id } = engine.info.model;
  if (model === undefined || model === id || model === `${id}.gguf` || model === 'default') return;
  throw new RequestError(404, `This sidecar serves "${id}", not "${model}". Use "${id}" (or "default") as the model name.`, 'model_not_found');
}

async function streamChat(res: ServerResponse, engine: LlamaEngine, request: ChatRequest, signal: AbortSignal): Promise<void> {
  let started = false;
  const base = { object: 'chat.completion.chunk', model: engine.info.model.id, created: Math.floor(Date.now() / 1000) };
  const id = `chatcmpl-stream-${Date.now().toString(36)}`;
  const send = (body: unknown): void => { res.write(`data: ${JSON.stringify(body)}\n\n`); };
  const start = (): void => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    send({ id, ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  };
  try {
    const completion = await completeChat(engine, request, signal, (text) => {
      if (!text) return;
      start();
      send({ id, ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
    });
    start();
    if (completion.toolCalls.length) {
      send({ id, ...base, choices: [{ index: 0, delta: { tool_calls: completion.toolCalls.map((call, index) => ({ index, ...call })) }, finish_reason: null }] });
    }
    send({ id, ...base, choices: [{ index: 0, delta: {}, finish_reason: completion.finishReason }] });
    if (request.stream_options?.include_usage) send({ id, ...base, choices: [], usage: completion.usage });
    res.end('data: [DONE]\n\n');
  } catch (error) {
    if (!started) throw error;
    // Headers are gone; the error travels as an event, which the openai client raises as an error.
    const { body } = errorBody(error);
    if (!res.destroyed) res.end(`data: ${JSON.stringify(body)}\n\n`);
  }
}

function completionBody(completion: Completion): Record<string, unknown> {
  return {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content: completion.toolCalls.length ? (completion.text || null) : completion.text, ...(completion.toolCalls.length ? { tool_calls: completion.toolCalls } : {}) },
      finish_reason: completion.finishReason,
    }],
    usage: completion.usage,
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'The request body is not valid JSON.');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new RequestError(400, `Invalid request: ${issues.join('; ')}`);
}

function errorBody(error: unknown): { status: number; body: { error: { message: string; type: string; code: string } } } {
  if (error instanceof RequestError) return { status: error.status, body: { error: { message: error.message, type: error.status >= 500 ? 'server_error' : 'invalid_request_error', code: error.code } } };
  if (CoevolveError.is(error, 'cancelled')) return { status: 499, body: { error: { message: 'Cancelled.', type: 'invalid_request_error', code: 'cancelled' } } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { message: `The sidecar failed on this request: ${message}`, type: 'server_error', code: 'server_error' } } };
}

function sendError(res: ServerResponse, error: unknown, log: Logger): void {
  const { status, body } = errorBody(error);
  if (status >= 500 && status !== 499) log.error(body.error.message);
  if (res.headersSent || res.destroyed) {
    if (!res.destroyed) res.end();
    return;
  }
  sendJson(res, status, body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
