import type { Command } from 'commander';
import { listModels } from '../../core/llm/modelCatalog.ts';
import type { ModelInfo } from '../../core/llm/modelCatalog.ts';
import { resolveProvider } from '../../core/llm/providers.ts';
import { loadModelConfig, withModelFlags } from './modelFlags.ts';
import type { ModelFlags } from './modelFlags.ts';

export function registerModels(program: Command): void {
  withModelFlags(
    program.command('models').description('List the models each configured provider serves, with the context window the server reports.').option('--json', 'print JSON'),
  ).action(async (options: ModelFlags & { json?: boolean }) => {
    const config = await loadModelConfig(options, { modelRequired: false });
    const report: Array<{ provider: string; baseURL: string; models?: ModelInfo[]; error?: string }> = [];
    for (const name of Object.keys(config.providers)) {
      try {
        const provider = resolveProvider(config, name, (key) => process.env[key]);
        report.push({ provider: name, baseURL: provider.baseURL, models: await listModels(provider) });
      } catch (error) {
        report.push({ provider: name, baseURL: config.providers[name]?.baseURL ?? '(default)', error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const entry of report) {
        process.stdout.write(`${entry.provider} (${entry.baseURL})\n`);
        if (entry.error) process.stdout.write(`  unavailable: ${entry.error}\n`);
        for (const model of entry.models ?? []) {
          process.stdout.write(`  ${model.id}${model.contextWindow ? `  context ${model.contextWindow}` : ''}  (${model.contextSource})\n`);
        }
      }
    }
    if (report.every((entry) => entry.error)) process.exitCode = 6;
  });
}
