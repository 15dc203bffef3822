// Test code only: an HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol
// and answers each request with the next scripted step. It plays the model in tests.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

export type Step =
  | { kind: 'text'; chunks: string[]; finish?: string; usage?: Usage }
  | { kind: 'tool'; name: string; argChunks: string[] }
  /** Several whole tool calls in one answer (arguments as raw text, so they may be malformed). */
  | { kind: 'tools'; calls: { name: string; arguments: string }[]; usage?: Usage }
  /** Decides from the request itself (its messages, tools): for tests that check what a role was told. */
  | { kind: 'dynamic'; respond: (body: Record<string, unknown>) => Step }
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'cut'; chunks: string[] }
  | { kind: 'slow'; delayMs: number; then: Step };

export interface Recorded {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

export class ScriptedModelServer {
  readonly requests: Recorded[] = [];
  /** Served at GET /v1/models. */
  models: Array<Record<string, unknown>> = [{ id: 'scripted-model', object: 'model', owned_by: 'test' }];
  /** Served at POST /api/show, as Ollama does. */
  ollamaShow: Record<string, unknown> | undefined;
  private steps: Step[] = [];
  private readonly byModel = new Map<string, Step[]>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<ScriptedModelServer> {
    const server = createServer();
    const self = new ScriptedModelServer(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void self.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  reset(): void {
    this.steps = [];
    this.byModel.clear();
    this.requests.length = 0;
  }

  script(...steps: Step[]): void {
    this.steps.push(...steps);
  }

  /** Steps answered only to requests for `model` (one model name per role plays a team). */
  scriptFor(model: string, ...steps: Step[]): void {
    const queue = this.byModel.get(model) ?? [];
    queue.push(...steps);
    this.byModel.set(model, queue);
  }

  /** Steps not yet used, per model ('' for the shared queue). */
  remaining(): Record<string, number> {
    return { '': this.steps.length, ...Object.fromEntries([...this.byModel].map(([model, steps]) => [model, steps.length])) };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body, at: Date.now() });
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: this.models }));
      return;
    }
    if (req.method === 'POST' && req.url === '/api/show') {
      res.writeHead(this.ollamaShow ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(this.ollamaShow ?? { error: 'not found' }));
      return;
    }
    const own = this.byModel.get(String(body.model ?? ''));
    const step = own?.length ? own.shift() : this.steps.shift();
    if (!step) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no scripted step left for model ${String(body.model)}` } }));
      return;
    }
    await this.play(step, body.stream === true, res, body);
  }

  private async play(step: Step, stream: boolean, res: ServerResponse, body: Record<string, unknown> = {}): Promise<void> {
    switch (step.kind) {
      case 'dynamic':
        await this.play(step.respond(body), stream, res, body);
        return;
      case 'tools': {
        const calls = step.calls.map((call, i) => ({ id: `call_${i + 1}`, type: 'function', function: { name: call.name, arguments: call.arguments } }));
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion({ role: 'assistant', content: null, tool_calls: calls }, 'tool_calls', step.usage)));
          return;
        }
        const pieces = calls.map((call, index) => chunk({ tool_calls: [{ index, ...call }] }));
        this.sse(res, [...pieces, chunk({}, 'tool_calls'), usageChunk(step.usage)], true);
        return;
      }
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, step.delayMs));
        if (!res.destroyed) await this.play(step.then, stream, res, body);
        return;
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (step.retryAfter) headers['retry-after'] = step.retryAfter;
        res.writeHead(step.status, headers).end(JSON.stringify({ error: { message: step.message ?? `scripted ${step.status}`, type: 'scripted' } }));
        return;
      }
      case 'text':
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify(completion({ role: 'assistant', content: step.chunks.join('') }, step.finish ?? 'stop', step.usage)),
          );
          return;
        }
        this.sse(res, [...step.chunks.map((content) => chunk({ content })), chunk({}, step.finish ?? 'stop'), usageChunk(step.usage)], true);
        return;
      case 'tool': {
        if (!stream) {
          const call = { id: 'call_1', type: 'function', function: { name: step.name, arguments: step.argChunks.join('') } };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion({ role: 'assistant', content: null, tool_calls: [call] }, 'tool_calls')));
          return;
        }
        const pieces = step.argChunks.map((args, i) =>
          chunk({ tool_calls: [{ index: 0, ...(i === 0 ? { id: 'call_1', type: 'function', function: { name: step.name, arguments: args } } : { function: { arguments: args } }) }] }),
        );
        this.sse(res, [...pieces, chunk({}, 'tool_calls'), usageChunk()], true);
        return;
      }
      case 'cut':
        this.sse(res, step.chunks.map((content) => chunk({ content })), false);
        return;
    }
  }

  private sse(res: ServerResponse, events: unknown[], complete: boolean): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
    if (complete) {
      res.end('data: [DONE]\n\n');
    } else {
      // The connection dies mid-answer, after the client has started reading: no finish reason, no [DONE].
      setTimeout(() => res.socket?.destroy(), 100);
    }
  }
}

const DEFAULT_USAGE: Usage = { prompt_tokens: 11, completion_tokens: 7 };

function completion(message: Record<string, unknown>, finish: string, usage: Usage = DEFAULT_USAGE) {
  return {
    id: 'cmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'scripted-model',
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function chunk(delta: Record<string, unknown>, finish: string | null = null) {
  return { id: 'cmpl-1', object: 'chat.completion.chunk', created: 1, model: 'scripted-model', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
}

function usageChunk(usage: Usage = DEFAULT_USAGE) {
  return { id: 'cmpl-1', object: 'chat.completion.chunk', created: 1, model: 'scripted-model', choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } };
}
