import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { firstUserFrame, relativePath, splitLines, stackExcerpt, tidyMessage } from './parserText.ts';

/**
 * Jest:
 *
 *    FAIL  src/sum.test.js
 *     ● Math › adds numbers
 *
 *       expect(received).toBe(expected) // Object.is equality
 *       ...
 *       > 5 |     expect(sum(1, 2)).toBe(4);
 *       ...
 *       at Object.toBe (src/sum.test.js:5:23)
 *
 * The `●` blocks are repeated under "Summary of all failing tests"; the dispatcher de-duplicates.
 */
export function parseJest(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const failures: StructuredFailure[] = [];
  let suiteFile: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const suite = /^\s*(?:FAIL|PASS)\s+(\S+?)(?:\s+\([\d.]+\s*m?s\))?\s*$/.exec(line);
    if (suite) {
      suiteFile = relativePath(suite[1]!, context.cwd);
      continue;
    }
    const bullet = /^\s*● (.+?)\s*$/.exec(line);
    if (!bullet || bullet[1] === 'Console') continue;
    const block: string[] = [];
    while (i + 1 < lines.length && !isBlockEnd(lines[i + 1]!)) block.push(lines[++i]!);
    failures.push(toFailure(bullet[1]!, block, suiteFile, context));
  }
  return failures;
}

function isBlockEnd(line: string): boolean {
  return /^\s*● /.test(line) || /^\s*(FAIL|PASS)\s+\S/.test(line) || /^(Test Suites|Tests|Snapshots|Time|Ran all test suites|Summary of all failing tests)\b/.test(line.trim());
}

function toFailure(title: string, block: readonly string[], suiteFile: string | undefined, context: ParseContext): StructuredFailure {
  const stackStart = block.findIndex((line) => /^\s*at\s/.test(line));
  // The message ends where the code frame (`  3 | ...`, `> 5 | ...`) or the stack begins.
  const frameStart = block.findIndex((line) => /^\s*>?\s*\d+\s*\|/.test(line));
  const ends = [stackStart, frameStart].filter((index) => index >= 0);
  const messageEnd = ends.length > 0 ? Math.min(...ends) : block.length;
  const failure: StructuredFailure = { message: tidyMessage(block.slice(0, messageEnd)) || title };
  // "Test suite failed to run" is about the file, not a test.
  if (title !== 'Test suite failed to run') failure.testName = title;
  const stack = stackStart >= 0 ? block.slice(stackStart) : [];
  const frame = firstUserFrame(stack, context.cwd);
  const inSuite = suiteFile ? firstUserFrame(stack.filter((line) => line.includes(suiteFile)), context.cwd) : undefined;
  const chosen = inSuite ?? frame;
  if (suiteFile) failure.file = suiteFile;
  if (chosen && (suiteFile === undefined || chosen.file === suiteFile)) {
    failure.file = chosen.file;
    failure.line = chosen.line;
    if (chosen.column !== undefined) failure.column = chosen.column;
  }
  const excerpt = stackExcerpt(stack);
  if (excerpt) failure.stackExcerpt = excerpt;
  return failure;
}
