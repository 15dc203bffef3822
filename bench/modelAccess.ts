// Model-access figures: the client's own overhead per call against a loopback server, and the
// sidecar's generation speed with its backend, each next to a baseline from the same run.
import { request } from 'node:http';
import { join } from 'node:path';
import { ChatClient } from '../src/core/llm/chatClient.ts';
import type { Logger } from '../src/core/logger.ts';
import { startSidecar } from '../src/sidecar/runSidecar.ts';
import { LlamaEngine } from '../src/sidecar/engine.ts';
import { ScriptedModelServer } from '../test/helpers/scriptedModelServer.ts';
import { writeTinyGguf } from '../test/helpers/tinyGguf.ts';
import { median, percentile } from './stats.ts';

export interface OverheadReport {
  calls: number;
  rawP50: number;
  rawP95: number;
  clientP50: number;
  clientP95: number;
  /** p95 of (client call − raw HTTP call), paired call by call. */
  overheadP95: number;
  overheadP50: number;
}

function rawPost(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer x' } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** ChatClient against the scripted server (which answers at once) versus a bare HTTP request. */
export async function measureClientOverhead(stream: boolean, calls = 400): Promise<OverheadReport> {
  const server = await ScriptedModelServer.start();
  try {
    const model = { role: 'implementer' as const, model: 'scripted-model', providerName: 'bench', preset: 'openai-compatible' as const, baseURL: server.baseURL, apiKey: 'x' };
    const client = new ChatClient(model, { maxRetries: 0 });
    const messages = [{ role: 'system' as const, content: 'You are terse.' }, { role: 'user' as const, content: 'Say hello in five words.' }];
    const body = JSON.stringify({ model: 'scripted-model', messages, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) });
    const chunks = ['Hello', ' there', ' from', ' the', ' bench'];
    const raw: number[] = [];
    const ours: number[] = [];
    const diffs: number[] = [];
    for (let i = 0; i < calls + 20; i++) {
      server.script({ kind: 'text', chunks }, { kind: 'text', chunks });
      server.requests.length = 0;
      let t = performance.now();
      await rawPost(`${server.baseURL}/chat/completions`, body);
      const r = performance.now() - t;
      t = performance.now();
      await client.chat({ messages, ...(stream ? { onDelta: () => undefined } : {}) });
      const c = performance.now() - t;
      if (i < 20) continue; // warm-up: JIT, sockets
      raw.push(r);
      ours.push(c);
      diffs.push(c - r);
    }
    return {
      calls,
      rawP50: median(raw),
      rawP95: percentile(raw, 95),
      clientP50: median(ours),
      clientP95: percentile(ours, 95),
      overheadP50: median(diffs),
      overheadP95: percentile(diffs, 95),
    };
  } finally {
    await server.close();
  }
}

export interface SidecarSpeed {
  backend: string;
  model: string;
  tokens: number;
  direct: number;
  served: number;
}

const engine = join(import.meta.dirname, '..', '.sidecar-engine');
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Tokens per second through the sidecar's HTTP API (streamed, through ChatClient) against the same
 * engine called in-process, on the same model and backend. `modelPath` defaults to a tiny random
 * model written here, so the figure measures the plumbing; pass a real GGUF for a real speed.
 */
export async function measureSidecar(workDir: string, options: { modelPath?: string; gpu?: 'auto' | 'cpu'; tokens?: number } = {}): Promise<SidecarSpeed> {
  const modelPath = options.modelPath ?? join(workDir, 'bench-tiny.gguf');
  if (!options.modelPath) writeTinyGguf(modelPath, { contextLength: 2048 });
  const tokens = options.tokens ?? 256;
  const gpu = options.gpu ?? 'auto';
  const history = [{ type: 'user' as const, text: 'Write a long story.' }, { type: 'model' as const, response: [] }];

  const llama = await LlamaEngine.start({ modelPath, gpu, log: quiet, contextSize: 2048, llamaModule: engine });
  const direct: number[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const result = await llama.generate({ history, maxTokens: tokens, signal: new AbortController().signal, seed: i });
      if (i > 0) direct.push((result.completionTokens / (performance.now() - t)) * 1000);
    }
  } finally {
    await llama.dispose();
  }

  const sidecar = await startSidecar({ modelPath, gpu, log: quiet, contextSize: 2048, port: 0, register: false, llamaModule: engine });
  const served: number[] = [];
  try {
    const client = new ChatClient({ role: 'implementer', model: sidecar.info.model.id, providerName: 'sidecar', preset: 'sidecar', baseURL: sidecar.baseURL, apiKey: sidecar.token }, { maxRetries: 0 });
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const result = await client.chat({ messages: [{ role: 'user', content: 'Write a long story.' }], maxTokens: tokens, onDelta: () => undefined });
      if (i > 0) served.push((result.usage.completionTokens / (performance.now() - t)) * 1000);
    }
    return { backend: sidecar.info.backend, model: sidecar.info.model.id, tokens, direct: median(direct), served: median(served) };
  } finally {
    await sidecar.stop();
  }
}
