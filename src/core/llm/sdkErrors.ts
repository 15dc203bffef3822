import OpenAI from 'openai';
import { CoevolveError } from '../errors.ts';
import { redactKeys } from './redactKeys.ts';

/** Who failed, for messages: "the implementer model (m at url)", "the embedder (m at url)". */
export interface SdkEndpoint {
  where: string;
  apiKey: string | undefined;
  /** What was asked of it, for the cancel message and the 404 hint: "model request", "embedding request". */
  what: string;
  /** The last resort: an error that is not the SDK's (a stream cut off, an answer of the wrong shape). */
  otherwise: (whereAtStart: string, message: string) => CoevolveError;
}

/**
 * The openai SDK's errors as typed ones, shared by every client over an OpenAI-compatible API:
 * the endpoint named, no key in any text, a remedy where there is one.
 */
export function typedSdkError(error: unknown, endpoint: SdkEndpoint): CoevolveError {
  const clean = (text: string) => redactKeys(text, [endpoint.apiKey]);
  const where = endpoint.where;
  const At = where.charAt(0).toUpperCase() + where.slice(1);
  if (CoevolveError.is(error)) return new CoevolveError(error.reason, clean(error.message), error.hint === undefined ? undefined : { hint: error.hint });
  const message = clean(error instanceof Error ? error.message : String(error));
  if (error instanceof OpenAI.APIUserAbortError) return new CoevolveError('cancelled', `The ${endpoint.what} was cancelled.`);
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new CoevolveError('llm-timeout', `${At} did not answer in time.`, { hint: 'Raise the timeout, or check that the server is not overloaded.' });
  if (error instanceof OpenAI.APIConnectionError) {
    return new CoevolveError('llm-unavailable', `Could not reach ${where}: ${message}`, { hint: 'Check that the server runs and that the base URL (ending in /v1) is right.' });
  }
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError) return new CoevolveError('llm-auth', `${At} refused the API key (${error.status}).`);
  if (error instanceof OpenAI.RateLimitError) return new CoevolveError('llm-rate-limited', `${At} is rate-limiting us and retries ran out: ${message}`);
  if (error instanceof OpenAI.NotFoundError) {
    const model = endpoint.what === 'embedding request' ? 'Is the model an embedding model' : 'Is the model name right';
    return new CoevolveError('llm-bad-request', `${At}: not found (404). ${model}, and does the base URL end in /v1?`);
  }
  if (error instanceof OpenAI.BadRequestError || error instanceof OpenAI.UnprocessableEntityError) {
    const overflow = /context (length|window)|too many tokens|maximum.*tokens|exceeds.*context/i.test(message);
    return new CoevolveError('llm-bad-request', `${At} rejected the request${overflow ? ' as longer than its context window' : ''}: ${message}`, {
      ...(overflow ? { hint: 'Give the role a model with a larger window (or raise num_ctx on Ollama), or send less context.' } : {}),
    });
  }
  if (error instanceof OpenAI.InternalServerError) return new CoevolveError('llm-unavailable', `${At} failed (${error.status}) and retries ran out: ${message}`);
  if (error instanceof OpenAI.APIError) return new CoevolveError('llm-unavailable', `${At} failed${error.status ? ` (${error.status})` : ''}: ${message}`);
  return endpoint.otherwise(At, message);
}
