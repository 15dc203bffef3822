import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

/**
 * A line that could not be read as a record, with why. `torn`: a record cut short (it starts like
 * one and is not whole JSON), what a crash in the middle of a write leaves, at the end of the file
 * or, once a later append mended it, before that; anything else (garbage, zeros, a record of the
 * wrong shape) is `corrupt`.
 */
export interface JsonlProblem {
  /** 1-based line number. */
  line: number;
  reason: string;
  kind: 'torn' | 'corrupt';
}

export interface JsonlRead<T> {
  records: T[];
  problems: JsonlProblem[];
}

/**
 * Every record of a JSON-lines file, validated, oldest first, with every line that is not a valid
 * record reported (a torn last line from a crash, a hand edit, garbage) instead of silently
 * dropped: the caller decides whether that is a note or a corrupt store. A missing file is empty.
 */
export async function readJsonl<T>(path: string, schema: z.ZodType<T>): Promise<JsonlRead<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    throw error;
  }
  const records: T[] = [];
  const problems: JsonlProblem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const torn = line.trimStart().startsWith('{');
      problems.push({ line: i + 1, reason: torn ? 'a record cut short (a write that did not finish)' : 'not JSON', kind: torn ? 'torn' : 'corrupt' });
      return;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) records.push(parsed.data);
    else problems.push({ line: i + 1, reason: `not a valid record: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; ').slice(0, 300)}`, kind: 'corrupt' });
  });
  return { records, problems };
}

/**
 * Appends records as one write (O_APPEND keeps concurrent writers' lines whole). A file whose last
 * line was cut short by a crash is mended first, by ending that line: otherwise the new record
 * would be glued to the torn one and lost with it.
 */
export async function appendJsonl(path: string, records: readonly unknown[]): Promise<void> {
  if (!records.length) return;
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a+');
  try {
    const { size } = await handle.stat();
    let mend = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) mend = '\n';
    }
    await handle.write(`${mend}${records.map((record) => JSON.stringify(record)).join('\n')}\n`);
  } finally {
    await handle.close();
  }
}
