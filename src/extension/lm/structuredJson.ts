import { z } from 'zod';

/**
 * A model's text as a value of `schema`. Models asked for JSON in the prompt (no structured-output
 * mode) often wrap it in a code fence: one fence around the whole answer is taken off, nothing else.
 */
export function validateJson<T>(text: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fenced ? fenced[1]! : text);
  } catch (error) {
    return { ok: false, error: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const checked = schema.safeParse(parsed);
  return checked.success ? { ok: true, value: checked.data } : { ok: false, error: z.prettifyError(checked.error).slice(0, 500) };
}
