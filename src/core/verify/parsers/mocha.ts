import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { indentOf, locateFromStack, splitLines, tidyMessage } from './parserText.ts';

/**
 * Mocha's spec reporter, after the `N failing` line:
 *
 *     1) Math
 *          subtracts:
 *
 *         AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
 *         ...
 *         at Context.<anonymous> (test/math.test.js:9:12)
 *
 * The title runs over several lines, one per suite, the last ending in `:`; the test name is
 * Mocha's full title (the parts joined by spaces), which is what `--grep` matches.
 */
export function parseMocha(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const start = lines.findIndex((line) => /^\s*\d+ failing\s*$/.test(line));
  if (start < 0) return [];
  const failures: StructuredFailure[] = [];
  let i = start + 1;
  while (i < lines.length) {
    const header = /^(\s*)\d+\) (.*)$/.exec(lines[i]!);
    if (!header) {
      i++;
      continue;
    }
    // Title lines until the one ending in ':'.
    const title: string[] = [];
    let text = header[2]!;
    while (true) {
      if (text.trimEnd().endsWith(':')) {
        title.push(text.trimEnd().slice(0, -1).trim());
        break;
      }
      title.push(text.trim());
      i++;
      if (i >= lines.length || lines[i]!.trim() === '') break;
      text = lines[i]!;
    }
    i++;
    const block: string[] = [];
    const headerIndent = header[1]!.length;
    while (i < lines.length && !isHeader(lines[i]!, headerIndent)) block.push(lines[i++]!);
    failures.push(toFailure(title.join(' '), block, context));
  }
  return failures;
}

function isHeader(line: string, indent: number): boolean {
  return /^\s*\d+\) \S/.test(line) && indentOf(line) <= indent;
}

function toFailure(testName: string, block: readonly string[], context: ParseContext): StructuredFailure {
  const stackStart = block.findIndex((line) => /^\s*at\s/.test(line));
  const diffStart = block.findIndex((line) => /^\s*\+ expected - actual\s*$/.test(line));
  const ends = [stackStart, diffStart].filter((index) => index >= 0);
  const message = tidyMessage(block.slice(0, ends.length > 0 ? Math.min(...ends) : block.length));
  const failure: StructuredFailure = { testName, message: message || 'Test failed.' };
  const stack = stackStart >= 0 ? block.slice(stackStart) : [];
  return locateFromStack(failure, stack, context.cwd);
}
