import type { Command } from 'commander';
import { CoevolveError } from '../../core/errors.ts';
import { configFromFlags, readModelConfig } from '../../core/llm/modelConfigFile.ts';
import type { ModelConfig } from '../../core/llm/providers.ts';
import { resolveWorkspace } from '../../core/workspace.ts';

export interface ModelFlags {
  path: string;
  store?: string;
  preset?: string;
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
}

/** The options every model command shares: a models.json, or one provider given on the command line. */
export function withModelFlags(command: Command): Command {
  return withModelChoiceFlags(
    command
      .option('--path <dir>', 'a folder inside the repository', '.')
      .option('--store <dir>', 'memory store folder holding models.json (default: <repo>/.coevolve)'),
  );
}

/** Just the provider and model options, for commands that declare --path and --store themselves. */
export function withModelChoiceFlags(command: Command): Command {
  return command
    .option('--preset <name>', 'openai | openai-compatible | ollama | lmstudio | vllm | sidecar (overrides models.json)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1')
    .option('--model <name>', 'model name')
    .option('--api-key-env <VAR>', 'environment variable that holds the API key');
}

export async function loadModelConfig(flags: ModelFlags, options: { modelRequired: boolean }): Promise<ModelConfig> {
  const fromFlags = configFromFlags(flags, options);
  if (fromFlags) return fromFlags;
  const workspace = await resolveWorkspace(flags.path, flags.store ?? process.env.COEVOLVE_STORE);
  const fromFile = await readModelConfig(workspace.storeDir);
  if (!fromFile) {
    throw new CoevolveError('bad-input', `No model is configured: no ${workspace.storeDir}/models.json and no --model.`, {
      hint: 'Try: coevolve chat "hi" --preset ollama --model llama3.2 (see README, "Configuration").',
    });
  }
  return fromFile;
}
