import type { Command } from 'commander';
import { CoevolveError } from '../../core/errors.ts';
import { sidecarStateDir } from '../../core/llm/sidecarEndpoint.ts';
import { GPU_CHOICES, parseContextSize, parseGpu, parseGpuLayers, parsePort, parseThreads, stopRequested } from '../../sidecar/sidecarArgs.ts';
import { describeStartup, startSidecar, stderrLogger } from '../../sidecar/runSidecar.ts';

interface SidecarFlags {
  model?: string;
  gpu: string;
  port: string;
  ctx?: string;
  gpuLayers: string;
  threads?: string;
  llamaModule?: string;
  register: boolean;
}

export function registerSidecar(program: Command): void {
  program
    .command('sidecar')
    .description('Serve a local GGUF model on this machine\'s GPU (or CPU) as an OpenAI-compatible API on 127.0.0.1, until Ctrl-C.')
    .requiredOption('--model <file.gguf>', 'the model file')
    .option('--gpu <backend>', `${GPU_CHOICES.join('|')}`, 'auto')
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--ctx <tokens>', 'context window (default: the model\'s, up to 8192)')
    .option('--gpu-layers <n>', 'layers to offload, or auto (as many as fit)', 'auto')
    .option('--threads <n>', 'CPU threads (default: cores - 1)')
    .option('--llama-module <dir>', 'where node-llama-cpp is installed (default: ~/.coevolve/sidecar)')
    .option('--no-register', `do not register in ${sidecarStateDir()}/endpoint.json (clients will not find it by themselves)`)
    .action(async (flags: SidecarFlags) => {
      if (!flags.model) throw new CoevolveError('bad-input', '--model <file.gguf> is required.');
      const log = stderrLogger();
      log.info(`Loading ${flags.model}...`);
      const sidecar = await startSidecar({
        modelPath: flags.model,
        gpu: parseGpu(flags.gpu),
        port: parsePort(flags.port),
        gpuLayers: parseGpuLayers(flags.gpuLayers),
        register: flags.register,
        log,
        ...(flags.ctx ? { contextSize: parseContextSize(flags.ctx) } : {}),
        ...(flags.threads ? { threads: parseThreads(flags.threads) } : {}),
        ...(flags.llamaModule ? { llamaModule: flags.llamaModule } : {}),
      });
      for (const line of describeStartup(sidecar.info)) process.stdout.write(`${line}\n`);
      process.stdout.write(`Serving ${sidecar.baseURL} (model "${sidecar.info.model.id}").\n`);
      process.stdout.write(flags.register
        ? `Registered in ${sidecarStateDir()}/endpoint.json with its bearer token: providers with "preset": "sidecar" use it. Ctrl-C stops.\n`
        : 'Not registered; the bearer token was taken from $COEVOLVE_SIDECAR_TOKEN or made up and not shown. Ctrl-C stops.\n');
      const why = await stopRequested(false);
      process.stdout.write(`Stopping (${why})...\n`);
      await sidecar.stop();
      process.stdout.write('Stopped.\n');
    });
}
