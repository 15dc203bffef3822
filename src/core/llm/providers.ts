import { CoevolveError } from '../errors.ts';
import { readSidecarEndpoint } from './sidecarEndpoint.ts';

/** `vscode-lm` is VS Code's Language Model API: the editor supplies those models (src/extension/lm/). */
export type ProviderPreset = 'openai' | 'openai-compatible' | 'ollama' | 'lmstudio' | 'vllm' | 'sidecar' | 'vscode-lm';
export type Role = 'generator' | 'implementer' | 'rectifier' | 'embedder';

export interface ProviderConfig {
  preset: ProviderPreset;
  /** Where the OpenAI-compatible API lives; each preset has the usual default. */
  baseURL?: string;
  /** Name of the environment variable holding the key (never the key itself: keys stay out of settings). */
  apiKeyEnv?: string;
}

export interface RoleModel {
  provider: string;
  model: string;
}

/**
 * Which provider and model serves each role. Giving the implementer a small local model and the
 * rectifier a strong remote one is one line each under `roles`.
 */
export interface ModelConfig {
  providers: Record<string, ProviderConfig>;
  roles: Partial<Record<Role, RoleModel>> & { default?: RoleModel };
  /** USD per million tokens, keyed by model name or "provider/model"; used for cost accounting. */
  prices?: Record<string, { inputPerMTok: number; outputPerMTok: number }>;
}

/** Presets that run on the user's own hardware: no per-token cost. */
export const LOCAL_PRESETS: ReadonlySet<ProviderPreset> = new Set(['ollama', 'lmstudio', 'sidecar']);

const DEFAULT_BASE_URL: Record<ProviderPreset, string | undefined> = {
  openai: 'https://api.openai.com/v1',
  'openai-compatible': undefined,
  ollama: 'http://127.0.0.1:11434/v1',
  lmstudio: 'http://127.0.0.1:1234/v1',
  vllm: 'http://127.0.0.1:8000/v1',
  sidecar: undefined,
  'vscode-lm': undefined,
};

const DEFAULT_KEY_ENV: Partial<Record<ProviderPreset, string>> = { openai: 'OPENAI_API_KEY' };

export interface ResolvedModel extends ResolvedProvider {
  role: Role;
  model: string;
}

export interface ResolvedProvider {
  providerName: string;
  preset: ProviderPreset;
  baseURL: string;
  /** The key, read from the environment (CLI) or handed in by the editor's secret storage. */
  apiKey: string | undefined;
}

/** A configured provider's endpoint and key, with a clear error for each thing missing. */
export function resolveProvider(config: ModelConfig, name: string, secrets: (name: string) => string | undefined): ResolvedProvider {
  const provider = config.providers[name];
  if (!provider) throw new CoevolveError('bad-input', `Provider "${name}" is not configured.`);
  if (provider.preset === 'vscode-lm') throw onlyInVsCode(name);
  if (provider.preset === 'sidecar' && !provider.baseURL) return runningSidecar(name, secrets);
  const baseURL = normalizeBaseURL(provider.baseURL ?? DEFAULT_BASE_URL[provider.preset], provider.preset);
  const keyName = provider.apiKeyEnv ?? DEFAULT_KEY_ENV[provider.preset];
  const apiKey = keyName ? secrets(keyName) : undefined;
  if (provider.preset === 'openai' && !apiKey) {
    throw new CoevolveError('llm-auth', `No API key for provider "${name}": set ${keyName ?? 'OPENAI_API_KEY'}.`);
  }
  return { providerName: name, preset: provider.preset, baseURL, apiKey };
}

/** Asked for outside the editor (the CLI, the MCP server): there are no VS Code language models there. */
export function onlyInVsCode(name: string): CoevolveError {
  return new CoevolveError('llm-unavailable', `Provider "${name}" is VS Code's Language Model API, which exists only inside VS Code.`, {
    hint: 'Run the task from VS Code ("Co-evolve: Solve Task…" or @coevolve in the Chat view), or give this role an HTTP provider (openai, ollama, vllm, sidecar…) in models.json.',
  });
}

/** The sidecar started on this machine registers its URL and token; nothing to configure. */
function runningSidecar(name: string, secrets: (name: string) => string | undefined): ResolvedProvider {
  const endpoint = readSidecarEndpoint();
  if (!endpoint) {
    throw new CoevolveError('llm-unavailable', `Provider "${name}" is the local sidecar, and none is running.`, {
      hint: 'Start it with `coevolve sidecar --model <file.gguf>`, or "Co-evolve: Start Local Model Sidecar" in VS Code.',
    });
  }
  return { providerName: name, preset: 'sidecar', baseURL: endpoint.baseURL, apiKey: secrets('COEVOLVE_SIDECAR_TOKEN') ?? endpoint.token };
}

/** Resolves a role to a concrete endpoint and model. */
export function resolveRole(config: ModelConfig, role: Role, secrets: (name: string) => string | undefined): ResolvedModel {
  const choice = config.roles[role] ?? config.roles.default;
  if (!choice) throw new CoevolveError('bad-input', `No model is configured for the ${role} role.`, { hint: `Set roles.default (or roles.${role}) to a provider and model.` });
  if (!config.providers[choice.provider]) throw new CoevolveError('bad-input', `The ${role} role uses provider "${choice.provider}", which is not configured.`);
  return { role, model: choice.model, ...resolveProvider(config, choice.provider, secrets) };
}

/**
 * The most common wrong-endpoint mistakes, fixed or named: a missing `/v1`, Ollama's native port
 * path `/api`, a trailing slash.
 */
export function normalizeBaseURL(url: string | undefined, preset: ProviderPreset): string {
  if (!url) throw new CoevolveError('bad-input', `The ${preset} provider needs a baseURL (for example http://127.0.0.1:8000/v1).`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CoevolveError('bad-input', `"${url}" is not a URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CoevolveError('bad-input', `"${url}" must start with http:// or https://.`);
  let path = parsed.pathname.replace(/\/+$/, '');
  if (preset === 'ollama' && path.endsWith('/api')) path = `${path.slice(0, -4)}/v1`;
  if (path === '') path = '/v1';
  parsed.pathname = path;
  return parsed.toString().replace(/\/$/, '');
}
