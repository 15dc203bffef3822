import type { StructuredFailure } from './checkResult.ts';

/**
 * What makes two failures "the same failure" across the runs before and after a change:
 * - a named test: its name and file (line numbers move when code is edited above them);
 * - a nameless one (a type or lint error): its file and first message line, with timings and
 *   addresses masked;
 * - unparsed output: the whole tail with every digit masked, so timings and counts do not make
 *   the same breakage look new, while a different error text does.
 */
export function failureKey(failure: StructuredFailure): string {
  if (failure.unparsed) return `u\u0000${squash(failure.message).replace(/\d+/g, '#')}`;
  if (failure.testName) return `t\u0000${failure.testName}\u0000${failure.file ?? ''}`;
  const firstLine = failure.message.split('\n').find((line) => line.trim() !== '') ?? '';
  const message = squash(firstLine)
    .replace(/\(?\b\d+(\.\d+)?\s?(ms|s)\b\)?/g, '#')
    .replace(/\b0x[0-9a-f]+\b/gi, '0x#');
  return `m\u0000${failure.file ?? ''}\u0000${message}`;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
