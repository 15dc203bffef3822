import { CoevolveError } from '../errors.ts';
import type { ProviderPreset } from './providers.ts';
import { redactKeys } from './redactKeys.ts';

export interface ModelInfo {
  id: string;
  /** The context window the server itself reports, when it reports one. */
  contextWindow?: number;
  /** Where the window came from, or why it is unknown. */
  contextSource: string;
}

export interface CatalogTarget {
  preset: ProviderPreset;
  baseURL: string;
  apiKey: string | undefined;
}

const TIMEOUT_MS = 10_000;

/**
 * Lists the models an endpoint serves, with the context window it really runs with where the server
 * can say: vLLM's `max_model_len`, LM Studio's `max_context_length`, llama.cpp and our sidecar's
 * `n_ctx`/`meta`, Ollama's `/api/show` (whose default num_ctx is far below the trained window, so
 * that is reported, not trusted). A default is never assumed.
 */
export async function listModels(target: CatalogTarget, signal?: AbortSignal): Promise<ModelInfo[]> {
  const body = (await getJson(target, `${target.baseURL}/models`, signal)) as { data?: Array<Record<string, unknown>> };
  if (!Array.isArray(body.data)) throw new CoevolveError('llm-bad-request', `${target.baseURL}/models did not return a model list; is this an OpenAI-compatible /v1 URL?`);
  const models: ModelInfo[] = [];
  for (const entry of body.data) {
    const id = String(entry.id ?? '');
    if (!id) continue;
    const window = numberField(entry, ['max_model_len', 'context_length', 'max_context_length', 'n_ctx']) ?? numberField((entry.meta ?? {}) as Record<string, unknown>, ['n_ctx_train', 'n_ctx']);
    if (window) {
      models.push({ id, contextWindow: window, contextSource: 'reported by the server' });
    } else if (target.preset === 'ollama') {
      models.push({ id, ...(await ollamaWindow(target, id, signal)) });
    } else if (target.preset === 'lmstudio') {
      models.push({ id, ...(await lmStudioWindow(target, id, signal)) });
    } else {
      models.push({ id, contextSource: 'not reported by this server' });
    }
  }
  return models;
}

async function ollamaWindow(target: CatalogTarget, id: string, signal?: AbortSignal): Promise<Omit<ModelInfo, 'id'>> {
  try {
    const root = target.baseURL.replace(/\/v1$/, '');
    const show = (await getJson(target, `${root}/api/show`, signal, { model: id })) as { model_info?: Record<string, unknown>; parameters?: string };
    const trained = Object.entries(show.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1];
    const numCtx = /num_ctx\s+(\d+)/.exec(show.parameters ?? '')?.[1];
    if (numCtx) return { contextWindow: Number(numCtx), contextSource: 'num_ctx set in the Ollama model' };
    return {
      contextSource: `Ollama runs with its own default num_ctx unless the model sets one (trained window: ${typeof trained === 'number' ? trained : 'unknown'}); set num_ctx in a Modelfile`,
    };
  } catch {
    return { contextSource: 'Ollama did not answer /api/show' };
  }
}

async function lmStudioWindow(target: CatalogTarget, id: string, signal?: AbortSignal): Promise<Omit<ModelInfo, 'id'>> {
  try {
    const root = target.baseURL.replace(/\/v1$/, '');
    const info = (await getJson(target, `${root}/api/v0/models/${encodeURIComponent(id)}`, signal)) as Record<string, unknown>;
    const window = numberField(info, ['loaded_context_length', 'max_context_length']);
    return window ? { contextWindow: window, contextSource: 'reported by LM Studio' } : { contextSource: 'not reported by LM Studio' };
  } catch {
    return { contextSource: 'LM Studio did not answer /api/v0/models' };
  }
}

function numberField(entry: Record<string, unknown>, names: string[]): number | undefined {
  for (const name of names) {
    const value = entry[name];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  }
  return undefined;
}

async function getJson(target: CatalogTarget, url: string, signal?: AbortSignal, post?: unknown): Promise<unknown> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method: post ? 'POST' : 'GET',
      headers: { accept: 'application/json', ...(post ? { 'content-type': 'application/json' } : {}), ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}) },
      ...(post ? { body: JSON.stringify(post) } : {}),
      signal: combined,
    });
  } catch (error) {
    if (signal?.aborted) throw new CoevolveError('cancelled', 'Cancelled.');
    if (timeout.aborted) throw new CoevolveError('llm-timeout', `${url} did not answer within ${TIMEOUT_MS / 1000} s.`);
    throw new CoevolveError('llm-unavailable', `Could not reach ${url}: ${redactKeys(error instanceof Error ? error.message : String(error), [target.apiKey])}`, {
      hint: 'Check that the server runs and that the base URL (ending in /v1) is right.',
    });
  }
  if (response.status === 401 || response.status === 403) throw new CoevolveError('llm-auth', `${url} refused the API key (${response.status}).`);
  if (!response.ok) throw new CoevolveError('llm-bad-request', `${url} answered ${response.status}.`);
  try {
    return await response.json();
  } catch {
    throw new CoevolveError('llm-bad-request', `${url} did not answer with JSON; is this an OpenAI-compatible API?`);
  }
}
