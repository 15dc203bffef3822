// Entry of dist/sidecar.cjs: the sidecar as a supervised child process (see
// src/core/llm/sidecarSupervisor.ts). It speaks one JSON line on stdout — ready or failed — and
// logs on stderr. People run the same server with `coevolve sidecar`.
import { parseArgs } from 'node:util';
import { CoevolveError } from '../core/errors.ts';
import { parseContextSize, parseGpu, parseGpuLayers, parsePort, parseThreads, stopRequested } from './sidecarArgs.ts';
import { describeStartup, startSidecar, stderrLogger } from './runSidecar.ts';

async function main(): Promise<void> {
  const log = stderrLogger();
  try {
    const { values } = parseArgs({
      options: {
        model: { type: 'string' },
        gpu: { type: 'string', default: 'auto' },
        port: { type: 'string', default: '0' },
        ctx: { type: 'string' },
        'gpu-layers': { type: 'string', default: 'auto' },
        threads: { type: 'string' },
        'llama-module': { type: 'string' },
        register: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (!values.model) throw new CoevolveError('bad-input', '--model <file.gguf> is required.');
    const sidecar = await startSidecar({
      modelPath: values.model,
      gpu: parseGpu(values.gpu),
      port: parsePort(values.port),
      gpuLayers: parseGpuLayers(values['gpu-layers']),
      register: values.register,
      log,
      ...(values.ctx ? { contextSize: parseContextSize(values.ctx) } : {}),
      ...(values.threads ? { threads: parseThreads(values.threads) } : {}),
      ...(values['llama-module'] ? { llamaModule: values['llama-module'] } : {}),
    });
    for (const line of describeStartup(sidecar.info)) log.info(line);
    process.stdout.write(`${JSON.stringify({ event: 'ready', baseURL: sidecar.baseURL, port: sidecar.port, info: sidecar.info })}\n`);
    const why = await stopRequested(true);
    log.info(`Stopping (${why}).`);
    await sidecar.stop();
    process.exit(0);
  } catch (error) {
    const reason = CoevolveError.is(error) ? error.reason : 'unexpected';
    const message = error instanceof Error ? error.message : String(error);
    const hint = CoevolveError.is(error) ? error.hint : undefined;
    process.stdout.write(`${JSON.stringify({ event: 'failed', reason, message, ...(hint ? { hint } : {}) })}\n`);
    process.exit(2);
  }
}

void main();
