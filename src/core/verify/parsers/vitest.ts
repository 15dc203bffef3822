import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import type { StackFrame } from './parserText.ts';
import { relativePath, splitLines, tidyMessage } from './parserText.ts';

/**
 * Vitest's "Failed Tests" section:
 *
 *   ⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯
 *
 *    FAIL  test/sum.test.ts > Math > adds numbers
 *   AssertionError: expected 3 to be 4 // Object.is equality
 *    ❯ test/sum.test.ts:5:23
 *
 * A suite that fails to load prints ` FAIL  test/x.test.ts [ test/x.test.ts ]` under
 * "Failed Suites". Only read when the output has Vitest's `⎯` rules, so Jest's `FAIL  file` lines
 * are left to the Jest parser.
 */
export function parseVitest(output: string, context: ParseContext): StructuredFailure[] {
  if (!output.includes('⎯')) return [];
  const lines = splitLines(output);
  const failures: StructuredFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = /^\s*FAIL\s+(?:\|[^|]+\|\s+)?(\S+?)(?: > (.+?)| \[ .+ \])?\s*$/.exec(lines[i]!);
    if (!header) continue;
    const block: string[] = [];
    while (i + 1 < lines.length && !/^\s*FAIL\s+\S/.test(lines[i + 1]!) && !/⎯/.test(lines[i + 1]!)) block.push(lines[++i]!);
    // The run list above the section also prints `FAIL file > name` lines, with no block.
    if (block.every((line) => line.trim() === '')) continue;
    const file = relativePath(header[1]!, context.cwd);
    failures.push(toFailure(header[2]?.trim(), file, block, context));
  }
  return failures;
}

function toFailure(testName: string | undefined, file: string, block: readonly string[], context: ParseContext): StructuredFailure {
  const locationIndex = block.findIndex((line) => /^\s*❯ /.test(line));
  const diffIndex = block.findIndex((line) => /^\s*- Expected\b/.test(line));
  const ends = [locationIndex, diffIndex].filter((index) => index >= 0);
  const messageLines = block.slice(0, ends.length > 0 ? Math.min(...ends) : Math.min(block.length, 5));
  const failure: StructuredFailure = { message: tidyMessage(messageLines) || 'Test failed.', file };
  if (testName) failure.testName = testName;
  const frames = block
    .filter((line) => /^\s*❯ /.test(line))
    .map(parseArrowFrame)
    .filter((frame) => frame !== undefined);
  const frame = frames.find((candidate) => relativePath(candidate.file, context.cwd) === file) ?? frames[0];
  if (frame) {
    if (relativePath(frame.file, context.cwd) === file) {
      failure.line = frame.line;
      if (frame.column !== undefined) failure.column = frame.column;
    }
    failure.stackExcerpt = block
      .filter((line) => /^\s*❯ /.test(line))
      .slice(0, 5)
      .map((line) => line.trim())
      .join('\n');
  }
  return failure;
}

/** ` ❯ test/sum.test.ts:5:23` or, inside a named function, ` ❯ sum src/sum.ts:2:9`. */
function parseArrowFrame(line: string): StackFrame | undefined {
  const match = /❯\s+(?:\S+\s+)?(\S+?):(\d+):(\d+)\s*$/.exec(line);
  return match ? { file: match[1]!, line: Number(match[2]), column: Number(match[3]) } : undefined;
}
