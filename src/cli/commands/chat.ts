import type { Command } from 'commander';
import { CoevolveError } from '../../core/errors.ts';
import { ChatClient } from '../../core/llm/chatClient.ts';
import { configFromFlags, readModelConfig } from '../../core/llm/modelConfigFile.ts';
import { resolveRole } from '../../core/llm/providers.ts';
import type { ModelConfig, Role } from '../../core/llm/providers.ts';
import { resolveWorkspace } from '../../core/workspace.ts';

const ROLES = ['generator', 'implementer', 'rectifier', 'embedder'];

interface ModelFlags {
  path: string;
  store?: string;
  preset?: string;
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
}

function withModelFlags(command: Command): Command {
  return command
    .option('--path <dir>', 'a folder inside the repository', '.')
    .option('--store <dir>', 'memory store folder holding models.json (default: <repo>/.coevolve)')
    .option('--preset <name>', 'openai | openai-compatible | ollama | lmstudio | vllm | sidecar (overrides models.json)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1')
    .option('--model <name>', 'model name')
    .option('--api-key-env <VAR>', 'environment variable that holds the API key');
}

async function loadConfig(flags: ModelFlags): Promise<ModelConfig> {
  const fromFlags = configFromFlags(flags);
  if (fromFlags) return fromFlags;
  const workspace = await resolveWorkspace(flags.path, flags.store ?? process.env.COEVOLVE_STORE);
  const fromFile = await readModelConfig(workspace.storeDir);
  if (!fromFile) {
    throw new CoevolveError('bad-input', `No model is configured: no ${workspace.storeDir}/models.json and no --model.`, {
      hint: 'Try: coevolve chat "hi" --preset ollama --model llama3.2 (see README, "Model providers").',
    });
  }
  return fromFile;
}

export function registerChat(program: Command): void {
  withModelFlags(
    program
      .command('chat')
      .description('Smoke-test a model: stream an answer to a prompt and print the token accounting.')
      .argument('<prompt>', 'what to ask')
      .option('--role <role>', `which role's model to use (${ROLES.join(', ')})`, 'generator')
      .option('--timeout <seconds>', 'per-request timeout', '120')
      .option('--json', 'print the result as JSON instead of streaming it'),
  ).action(async (prompt: string, options: ModelFlags & { role: string; timeout: string; json?: boolean }) => {
    if (!ROLES.includes(options.role)) throw new CoevolveError('bad-input', `Unknown role "${options.role}"; use one of ${ROLES.join(', ')}.`);
    const model = resolveRole(await loadConfig(options), options.role as Role, (name) => process.env[name]);
    const client = new ChatClient(model, { timeoutMs: Number(options.timeout) * 1000 });
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const result = await client.chat({
        messages: [{ role: 'user', content: prompt }],
        signal: controller.signal,
        ...(options.json ? {} : { onDelta: (text: string) => void process.stdout.write(text) }),
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ role: model.role, provider: model.providerName, baseURL: model.baseURL, ...result }, null, 2)}\n`);
      } else {
        process.stdout.write('\n');
        process.stderr.write(
          `— ${result.model} at ${model.baseURL}: ${result.usage.promptTokens} prompt + ${result.usage.completionTokens} completion tokens, ${Math.round(result.latencyMs)} ms, finish: ${result.finishReason}\n`,
        );
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}
