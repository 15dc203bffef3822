import type { Command } from 'commander';
import { CoevolveError } from '../../core/errors.ts';
import { Accounting } from '../../core/llm/accounting.ts';
import { ChatClient } from '../../core/llm/chatClient.ts';
import { serverContextWindow } from '../../core/llm/serverWindow.ts';
import { resolveRole } from '../../core/llm/providers.ts';
import type { Role } from '../../core/llm/providers.ts';
import { loadModelConfig, withModelFlags } from './modelFlags.ts';
import type { ModelFlags } from './modelFlags.ts';

const ROLES = ['generator', 'implementer', 'rectifier', 'embedder'];

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
    const config = await loadModelConfig(options, { modelRequired: true });
    const model = resolveRole(config, options.role as Role, (name) => process.env[name]);
    const accounting = new Accounting(config.prices);
    // Ask the server for the real window first; a server that cannot say is not guessed for.
    const window = await serverContextWindow(model);
    const client = new ChatClient(model, { timeoutMs: Number(options.timeout) * 1000, accounting, ...(window ? { contextWindow: window } : {}) });
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
        process.stdout.write(`${JSON.stringify({ role: model.role, provider: model.providerName, baseURL: model.baseURL, ...result, costUsd: accounting.calls[0]?.costUsd ?? null }, null, 2)}\n`);
      } else {
        process.stdout.write('\n');
        process.stderr.write(
          `— ${result.model} at ${model.baseURL}: ${result.usage.promptTokens} prompt + ${result.usage.completionTokens} completion tokens, ${Math.round(result.latencyMs)} ms, ${costText(accounting.calls[0]?.costUsd)}, finish: ${result.finishReason}\n`,
        );
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
  });
}

function costText(cost: number | undefined): string {
  if (cost === undefined) return 'cost unknown (no price in models.json)';
  return cost === 0 ? 'no cost' : `$${cost.toFixed(cost < 0.01 ? 5 : 3)}`;
}
