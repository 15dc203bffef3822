import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import type { ModelConfig, ProviderPreset } from './providers.ts';

const PRESETS = ['openai', 'openai-compatible', 'ollama', 'lmstudio', 'vllm', 'sidecar', 'vscode-lm'] as const satisfies readonly ProviderPreset[];
const RoleModelSchema = z.object({ provider: z.string().min(1), model: z.string().min(1) });
const ModelConfigSchema = z.object({
  providers: z.record(
    z.string(),
    z.object({ preset: z.enum(PRESETS), baseURL: z.string().optional(), apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional() }).strict(),
  ),
  roles: z
    .object({ default: RoleModelSchema.optional(), generator: RoleModelSchema.optional(), implementer: RoleModelSchema.optional(), rectifier: RoleModelSchema.optional(), embedder: RoleModelSchema.optional() })
    .strict(),
  prices: z.record(z.string(), z.object({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() }).strict()).optional(),
});

/**
 * Reads `<store>/models.json`. It names providers, URLs and which environment variable holds each
 * key — never a key: a file that carries one is refused.
 */
export async function readModelConfig(storeDir: string): Promise<ModelConfig | undefined> {
  const path = join(storeDir, 'models.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CoevolveError('bad-input', `${path} is not valid JSON.`, { cause: error });
  }
  if (/"(api_?key|apiKey|key|token|secret)"\s*:/i.test(text)) {
    throw new CoevolveError('bad-input', `${path} seems to hold a key. Keys belong in the environment: name the variable with "apiKeyEnv".`);
  }
  const parsed = ModelConfigSchema.safeParse(raw);
  if (!parsed.success) throw new CoevolveError('bad-input', `${path} is not a valid model configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data as ModelConfig;
}

/**
 * Adds or replaces one provider and points a role (or the default) at one of its models, keeping
 * everything else in `<store>/models.json`; written whole and atomically, checked like a read.
 */
export async function saveProviderChoice(storeDir: string, choice: { name: string; provider: ModelConfig['providers'][string]; role: 'default' | 'generator' | 'implementer' | 'rectifier' | 'embedder'; model: string }): Promise<ModelConfig> {
  const current = (await readModelConfig(storeDir)) ?? { providers: {}, roles: {} };
  const next: ModelConfig = {
    ...current,
    providers: { ...current.providers, [choice.name]: choice.provider },
    roles: { ...current.roles, [choice.role]: { provider: choice.name, model: choice.model } },
  };
  const parsed = ModelConfigSchema.safeParse(next);
  if (!parsed.success) throw new CoevolveError('bad-input', `That would not be a valid model configuration:\n${z.prettifyError(parsed.error)}`);
  await mkdir(storeDir, { recursive: true });
  const path = join(storeDir, 'models.json');
  await writeFile(`${path}.tmp`, `${JSON.stringify(parsed.data, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return parsed.data as ModelConfig;
}

/** A one-provider configuration from command-line flags (or the environment). */
export function configFromFlags(
  flags: { preset?: string; baseUrl?: string; model?: string; apiKeyEnv?: string },
  options: { modelRequired: boolean } = { modelRequired: true },
): ModelConfig | undefined {
  if (!flags.baseUrl && !flags.model && !flags.preset) return undefined;
  const preset = (flags.preset ?? (flags.baseUrl ? 'openai-compatible' : 'openai')) as ProviderPreset;
  if (!PRESETS.includes(preset)) throw new CoevolveError('bad-input', `Unknown provider preset "${flags.preset}"; use one of ${PRESETS.join(', ')}.`);
  if (!flags.model && options.modelRequired) throw new CoevolveError('bad-input', 'Give --model too.');
  return {
    providers: { cli: { preset, ...(flags.baseUrl ? { baseURL: flags.baseUrl } : {}), ...(flags.apiKeyEnv ? { apiKeyEnv: flags.apiKeyEnv } : {}) } },
    roles: flags.model ? { default: { provider: 'cli', model: flags.model } } : {},
  };
}
