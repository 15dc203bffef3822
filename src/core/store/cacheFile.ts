import { z } from 'zod';

/**
 * A derived cache file's text, checked: its value when it has the schema's shape, nothing when it
 * was written by another version (rebuilt without a word, as a version change always was), or the
 * problem that makes it unusable (the caller rebuilds it and says so).
 */
export function parseCacheText<T>(text: string, version: number, schema: z.ZodType<T>): { value?: T; problem?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: text.trim() ? 'it is not valid JSON: cut off or overwritten' : 'it is empty' };
  }
  const written = z.looseObject({ version: z.number() }).safeParse(parsed);
  if (written.success && written.data.version !== version) return {};
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { problem: `it does not have the cache's shape: ${issue.path.slice(0, 4).join('.') || 'file'}: ${issue.message}` };
  }
  return { value: result.data };
}
