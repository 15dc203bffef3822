import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Logger } from '../core/logger.ts';
import { removeSidecarEndpoint, writeSidecarEndpoint } from '../core/llm/sidecarEndpoint.ts';
import { LlamaEngine } from './engine.ts';
import type { EngineInfo, EngineOptions } from './engine.ts';
import { startHttpServer } from './httpServer.ts';

export interface SidecarOptions extends EngineOptions {
  port: number;
  /** Register in ~/.coevolve/sidecar/endpoint.json so that clients on this machine find it. */
  register: boolean;
}

export interface RunningSidecar {
  baseURL: string;
  port: number;
  token: string;
  info: EngineInfo;
  /** Graceful: stop accepting, cancel generations, free the model, unregister. */
  stop(): Promise<void>;
}

/** Loads the model and serves it. The token comes from the supervisor (env) or is made here. */
export async function startSidecar(options: SidecarOptions): Promise<RunningSidecar> {
  const token = process.env.COEVOLVE_SIDECAR_TOKEN || randomBytes(24).toString('base64url');
  const engine = await LlamaEngine.start(options);
  let server;
  try {
    server = await startHttpServer({ engine, token, port: options.port, log: options.log });
  } catch (error) {
    await engine.dispose();
    throw error;
  }
  const baseURL = `http://127.0.0.1:${server.port}/v1`;
  if (options.register) writeSidecarEndpoint({ baseURL, token, pid: process.pid, model: engine.info.model.id, startedAt: new Date().toISOString() });
  let stopping: Promise<void> | undefined;
  return {
    baseURL,
    port: server.port,
    token,
    info: engine.info,
    stop: () => {
      stopping ??= (async () => {
        if (options.register) removeSidecarEndpoint();
        await server.close();
        await engine.dispose();
      })();
      return stopping;
    },
  };
}

/** The startup report: what was loaded, where, and how much of it is on the GPU. */
export function describeStartup(info: EngineInfo): string[] {
  const size = info.model.sizeBytes >= 1024 ** 3 ? `${(info.model.sizeBytes / 1024 ** 3).toFixed(1)} GB` : `${(info.model.sizeBytes / 1024 ** 2).toFixed(1)} MB`;
  const lines = [`Model: ${basename(info.model.path)} (${info.model.architecture}, ${size}), context ${info.contextSize} tokens (trained ${info.model.trainContextSize}).`];
  if (info.backend === 'cpu') {
    lines.push(`Backend: CPU, ${info.threads} thread${info.threads === 1 ? '' : 's'}; no layers offloaded.`);
  } else {
    const vram = info.vramTotalBytes ? `, ${(info.vramTotalBytes / 1024 ** 3).toFixed(0)} GB VRAM` : '';
    lines.push(`Backend: ${info.backend.toUpperCase()} on ${info.gpuNames.join(', ') || 'an unnamed GPU'}${vram}; ${info.gpuLayers} of ${info.totalLayers} layers offloaded to the GPU.`);
  }
  lines.push(...info.fallbackNotes.map((note) => `Note: ${note}`));
  return lines;
}

export function stderrLogger(): Logger {
  return {
    info: (message) => process.stderr.write(`${message}\n`),
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    error: (message) => process.stderr.write(`error: ${message}\n`),
  };
}
