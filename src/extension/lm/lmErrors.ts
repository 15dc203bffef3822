import { CoevolveError } from '../../core/errors.ts';

// No `vscode` import: the mapping is plain data in, typed error out, so it is unit-tested directly.

/** Where the user changes which model a role uses. */
export const CONFIGURE_REMEDY = 'Run "Co-evolve: Configure Model Provider" to choose another model for the role.';

/**
 * A LanguageModelError (by its `code`: NoPermissions, Blocked, NotFound), a cancellation, or
 * anything else from vscode.lm, as the typed error the HTTP providers give for the same situation,
 * with the remedy. `where` names the model ("the implementer model (copilot/gpt-4o)").
 */
export function lmError(error: unknown, where: string): CoevolveError {
  if (CoevolveError.is(error)) return error;
  const { name, code, message } = describe(error);
  if (name === 'Canceled' || message === 'Canceled') return new CoevolveError('cancelled', 'The model request was cancelled.');
  if (name === 'LanguageModelError' || code) {
    switch (code) {
      case 'NoPermissions':
        return new CoevolveError('llm-auth', `VS Code did not allow Co-evolve to use ${where}${message ? `: ${message}` : '.'}`, {
          hint: `Allow it when VS Code asks (or under Accounts > Manage Language Model Access), or: ${CONFIGURE_REMEDY}`,
        });
      case 'Blocked':
        return new CoevolveError('llm-rate-limited', `${capital(where)} is blocked for now (quota or rate limit)${message ? `: ${message}` : '.'}`, {
          hint: `Wait and try again, or: ${CONFIGURE_REMEDY}`,
        });
      case 'NotFound':
        return new CoevolveError('llm-unavailable', `${capital(where)} is not available in VS Code${message ? `: ${message}` : '.'}`, {
          hint: `Install or sign in to the extension that provides it, or: ${CONFIGURE_REMEDY}`,
        });
      default:
        return new CoevolveError('llm-unavailable', `${capital(where)} failed${code ? ` (${code})` : ''}: ${message}`, { hint: CONFIGURE_REMEDY });
    }
  }
  return new CoevolveError('llm-unavailable', `${capital(where)} failed: ${message}`, { hint: CONFIGURE_REMEDY });
}

/** No model matched the role's choice (or the chat request came without one). */
export function noModel(where: string, selector: string | undefined): CoevolveError {
  return new CoevolveError('llm-unavailable', `No VS Code language model is available for ${where}${selector ? ` (looked for ${selector})` : ''}.`, {
    hint: `Install or sign in to an extension that provides chat models (GitHub Copilot, for one), or: ${CONFIGURE_REMEDY}`,
  });
}

function describe(error: unknown): { name: string; code: string; message: string } {
  if (error instanceof Error) {
    const code: unknown = (error as Error & { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : '', message: error.message };
  }
  return { name: '', code: '', message: String(error) };
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
