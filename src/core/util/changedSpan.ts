/** The span of `before` that differs from `after`, and what replaces it (common prefix and suffix kept). */
export function changedSpan(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  // Never split a surrogate pair or a CRLF across the boundary.
  while (start > 0 && (isLowSurrogate(before.charCodeAt(start)) || (before[start - 1] === '\r' && before[start] === '\n'))) start--;
  while (tail > 0 && (isLowSurrogate(before.charCodeAt(before.length - tail)) || (before[before.length - tail - 1] === '\r' && before[before.length - tail] === '\n'))) tail--;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
