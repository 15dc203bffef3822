// The vscode-lm provider's errors: a LanguageModelError (as VS Code builds it: name
// "LanguageModelError", code NoPermissions / Blocked / NotFound) becomes the same typed error as the
// HTTP providers give, with a remedy that names "Configure Model Provider".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoevolveError } from '../../../src/core/errors.ts';
import { CONFIGURE_REMEDY, lmError, noModel } from '../../../src/extension/lm/lmErrors.ts';
import { formatSelector, parseSelector } from '../../../src/extension/lm/lmSelector.ts';
import { validateJson } from '../../../src/extension/lm/structuredJson.ts';
import { z } from 'zod';

/** What vscode.LanguageModelError.NoPermissions(message) and the others are, field for field. */
function languageModelError(code: string, message: string): Error {
  const error = new Error(message) as Error & { code: string };
  error.name = 'LanguageModelError';
  error.code = code;
  return error;
}

const WHERE = 'the generator model (copilot/gpt-4o/gpt-4o-2024 in VS Code)';

test('consent refused (NoPermissions) is llm-auth, with how to allow it or choose another model', () => {
  const error = lmError(languageModelError('NoPermissions', 'the user declined'), WHERE);
  assert.equal(error.reason, 'llm-auth');
  assert.equal(error.message, `VS Code did not allow Co-evolve to use ${WHERE}: the user declined`);
  assert.match(error.hint!, /Manage Language Model Access/);
  assert.ok(error.hint!.endsWith(CONFIGURE_REMEDY));
});

test('quota or rate limit (Blocked) is llm-rate-limited; a missing model (NotFound) is llm-unavailable', () => {
  const blocked = lmError(languageModelError('Blocked', 'quota exceeded'), WHERE);
  assert.equal(blocked.reason, 'llm-rate-limited');
  assert.match(blocked.message, /^The generator model .* is blocked for now \(quota or rate limit\): quota exceeded$/);
  const missing = lmError(languageModelError('NotFound', ''), WHERE);
  assert.equal(missing.reason, 'llm-unavailable');
  assert.match(missing.message, /is not available in VS Code\.$/);
  assert.match(missing.hint!, /Configure Model Provider/);
});

test('a cancellation is cancelled; a typed error passes through; anything else is llm-unavailable with the remedy', () => {
  const canceled = new Error('Canceled');
  canceled.name = 'Canceled';
  assert.equal(lmError(canceled, WHERE).reason, 'cancelled');
  const typed = new CoevolveError('llm-bad-request', 'too long');
  assert.equal(lmError(typed, WHERE), typed);
  const other = lmError(new TypeError('socket hang up'), WHERE);
  assert.equal(other.reason, 'llm-unavailable');
  assert.equal(other.message, `The generator model (copilot/gpt-4o/gpt-4o-2024 in VS Code) failed: socket hang up`);
  assert.equal(other.hint, CONFIGURE_REMEDY);
  assert.equal(lmError(languageModelError('Unknown', 'odd'), WHERE).message, `The generator model (copilot/gpt-4o/gpt-4o-2024 in VS Code) failed (Unknown): odd`);
});

test('no model available says what was looked for and points to Configure Model Provider', () => {
  const error = noModel('the rectifier role', 'copilot/gpt-4o/gpt-4o');
  assert.equal(error.reason, 'llm-unavailable');
  assert.equal(error.message, 'No VS Code language model is available for the rectifier role (looked for copilot/gpt-4o/gpt-4o).');
  assert.match(error.hint!, /Configure Model Provider/);
});

test('a vscode-lm model is named "vendor/family/id"; the id may hold slashes; anything less is refused', () => {
  assert.deepEqual(parseSelector('copilot/gpt-4o/gpt-4o-2024-11-20'), { vendor: 'copilot', family: 'gpt-4o', id: 'gpt-4o-2024-11-20' });
  assert.deepEqual(parseSelector('ollama/llama/library/llama3:8b'), { vendor: 'ollama', family: 'llama', id: 'library/llama3:8b' });
  assert.equal(formatSelector({ vendor: 'a', family: 'b', id: 'c/d' }), 'a/b/c/d');
  for (const bad of ['copilot', 'copilot/gpt-4o', 'copilot//x', '/a/b', 'a/b/']) {
    assert.throws(() => parseSelector(bad), (error: unknown) => CoevolveError.is(error, 'bad-input') && /vendor\/family\/id/.test(error.message), bad);
  }
});

test('structured answers asked for in the prompt: JSON (in one code fence at most) checked against the schema', () => {
  const schema = z.object({ summary: z.string(), rounds: z.number().int() });
  assert.deepEqual(validateJson('{"summary":"s","rounds":2}', schema), { ok: true, value: { summary: 's', rounds: 2 } });
  assert.deepEqual(validateJson('```json\n{"summary":"s","rounds":2}\n```', schema), { ok: true, value: { summary: 's', rounds: 2 } });
  const prose = validateJson('Here it is: {"summary":"s","rounds":2}', schema);
  assert.equal(prose.ok, false);
  const wrong = validateJson('{"summary":"s","rounds":2.5}', schema);
  assert.equal(wrong.ok, false);
  assert.match((wrong as { error: string }).error, /rounds/);
});
