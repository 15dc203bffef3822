// Test (and bench) code only: an HTTP server on 127.0.0.1 that speaks the OpenAI embeddings
// protocol and answers with deterministic vectors — a hashed bag of words, so texts that share
// words are near and texts that share none are nearly orthogonal. It plays the embedder.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmbeddingRequestRecord {
  model: string;
  inputs: string[];
  authorization: string | undefined;
  at: number;
}

export type Failure = { status: number; retryAfter?: string; message?: string };

/** The vector of `text`: each word (lower-cased, split at non-letters and camelCase) adds ±1 at a hashed position. */
export function hashedBagOfWords(text: string, dimensions: number, salt = ''): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 2);
  for (const word of words) {
    const digest = createHash('sha1').update(salt + word).digest();
    const at = digest.readUInt32LE(0) % dimensions;
    vector[at]! += digest[4]! & 1 ? 1 : -1;
  }
  return vector;
}

export class ScriptedEmbeddingServer {
  readonly requests: EmbeddingRequestRecord[] = [];
  /** Dimensions per model name; others get `dimensions`. */
  readonly modelDimensions = new Map<string, number>();
  dimensions = 64;
  /** Each request waits this long before answering (to test cancellation). */
  delayMs = 0;
  /** When set, the next answers' bodies (status 200) are these, whatever was asked: a broken server. */
  rawAnswers: unknown[] = [];
  private failures: Failure[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedEmbeddingServer> {
    const server = createServer();
    const self = new ScriptedEmbeddingServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void self.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** The next requests fail with these answers, in order (each one consumes one). */
  failNext(...failures: Failure[]): void {
    this.failures.push(...failures);
  }

  /** Texts embedded so far, over all requests. */
  get embeddedTexts(): string[] {
    return this.requests.flatMap((r) => r.inputs);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return reply(404, { error: { message: `no route ${req.method} ${req.url}` } });
    let body: { model?: unknown; input?: unknown; encoding_format?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return reply(400, { error: { message: 'body is not JSON' } });
    }
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (typeof body.model !== 'string' || !Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string' && i.length > 0)) {
      return reply(400, { error: { message: 'model and a non-empty list of non-empty strings are required' } });
    }
    if (body.encoding_format !== undefined && body.encoding_format !== 'float') return reply(400, { error: { message: 'only encoding_format "float" is served' } });
    this.requests.push({ model: body.model, inputs: inputs as string[], authorization: req.headers.authorization, at: Date.now() });
    if (this.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (res.destroyed || req.destroyed) return;
    }
    const failure = this.failures.shift();
    if (failure) return reply(failure.status, { error: { message: failure.message ?? `scripted ${failure.status}` } }, failure.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    if (this.rawAnswers.length) return reply(200, this.rawAnswers.shift());
    const dimensions = this.modelDimensions.get(body.model) ?? this.dimensions;
    const data = (inputs as string[]).map((text, index) => ({ object: 'embedding', index, embedding: hashedBagOfWords(text, dimensions, body.model as string) }));
    const tokens = (inputs as string[]).reduce((sum, t) => sum + Math.ceil(t.length / 4), 0);
    reply(200, { object: 'list', model: body.model, data, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }
}
