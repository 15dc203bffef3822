import type { FailureParser, ParseContext, StructuredFailure } from '../checkResult.ts';
import { parseCargoTest } from './cargoTest.ts';
import { parseEslint } from './eslint.ts';
import { parseGoTest } from './goTest.ts';
import { parseJest } from './jest.ts';
import { parseMocha } from './mocha.ts';
import { parseNodeSpec } from './nodeSpec.ts';
import { parseNodeTap } from './nodeTap.ts';
import { parsePytest } from './pytest.ts';
import { parseTsc } from './tsc.ts';
import { parseVitest } from './vitest.ts';

/**
 * Every parser reads the whole output: one check often runs several tools (`npm test` that runs
 * tsc, eslint and the tests), and each parser returns [] for text that is not its format.
 */
const PARSERS: readonly FailureParser[] = [parseNodeTap, parseNodeSpec, parseVitest, parseJest, parseMocha, parsePytest, parseGoTest, parseCargoTest, parseTsc, parseEslint];

/** More than this many failures says nothing more to a reader (or a model); the rest are counted. */
const MAX_FAILURES = 200;
const GENERIC_TAIL_LINES = 30;
const MAX_LINE = 4096;
const GENERIC_TAIL_CHARS = 4000;

/** The structured failures in a failed check's output, de-duplicated; [] when none parse. */
export function parseKnownFailures(output: string, context: ParseContext): StructuredFailure[] {
  // Output is the checked code's to write, and may be hostile or just minified: bounding line
  // length keeps every parser's regular expressions linear in practice.
  const text = output
    .split('\n')
    .map((line) => (line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line))
    .join('\n');
  const seen = new Set<string>();
  const failures: StructuredFailure[] = [];
  for (const parse of PARSERS) {
    for (const failure of parse(text, context)) {
      const key = [failure.testName ?? '', failure.file ?? '', failure.line ?? '', failure.message.split('\n')[0]].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      failures.push(failure);
    }
  }
  if (failures.length <= MAX_FAILURES) return failures;
  const dropped = failures.length - MAX_FAILURES;
  return [...failures.slice(0, MAX_FAILURES), { message: `…and ${dropped} more failures not listed.`, unparsed: true }];
}

/** Like `parseKnownFailures`, but never empty: unparsed output yields one failure holding its tail. */
export function parseFailures(output: string, context: ParseContext): StructuredFailure[] {
  const failures = parseKnownFailures(output, context);
  return failures.length > 0 ? failures : [genericFailure(output)];
}

export function genericFailure(output: string): StructuredFailure {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  let tail = lines.slice(-GENERIC_TAIL_LINES).join('\n');
  if (tail.length > GENERIC_TAIL_CHARS) tail = `…${tail.slice(-GENERIC_TAIL_CHARS)}`;
  return { message: tail || 'The check failed without printing anything.', unparsed: true };
}
