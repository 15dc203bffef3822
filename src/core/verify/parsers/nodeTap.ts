import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { firstUserFrame, indentOf, parseStackFrame, relativePath, relativeTestName, splitLines, stackExcerpt, tidyMessage } from './parserText.ts';

/**
 * TAP as Node's test runner prints it (the default reporter when stdout is not a terminal, on
 * Node 20): `# Subtest: name` / `not ok N - name` lines, nested by four spaces, each followed by a
 * YAML block with `location`, `failureType`, `error`, `name` and `stack`. Also reads any TAP
 * producer's bare `not ok` lines.
 */
export function parseNodeTap(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const failures: StructuredFailure[] = [];
  const subtests: string[] = [];
  // Diagnostics (`# ...`) since the last result: a file that crashes before running any test
  // reports only `error: 'test failed'`; the real error sits in these comments.
  let diagnostics: string[] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = Math.floor(subtest[1]!.length / 4);
      subtests.length = depth;
      subtests[depth] = subtest[2]!;
      continue;
    }
    const result = /^(\s*)(not ok|ok) \d+(?: - ([^#]*?))?\s*(#.*)?$/.exec(line);
    if (!result) {
      const comment = /^\s*# (.*)$/.exec(line);
      if (comment && !/^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/.test(comment[1]!)) diagnostics.push(comment[1]!);
      continue;
    }
    const indent = result[1]!.length;
    const name = (result[3] ?? '').trim();
    const directive = result[4] ?? '';
    const block = readYamlBlock(lines, i + 1, indent);
    i = block.end - 1;
    const previousDiagnostics = diagnostics;
    diagnostics = [];
    if (result[2] === 'ok' || /#\s*(todo|skip)\b/i.test(directive)) continue;

    const fields = block.fields;
    if (fields.get('failureType') === 'subtestsFailed') continue; // its children carry the failure
    const depth = Math.floor(indent / 4);
    const path = [...subtests.slice(0, depth), name].filter((part) => part !== '').map((part) => relativeTestName(part, context.cwd));
    const failure = toFailure(path.join(' > '), fields, previousDiagnostics, context);
    failures.push(failure);
  }
  return failures;
}

function toFailure(testName: string, fields: Map<string, string>, diagnostics: string[], context: ParseContext): StructuredFailure {
  const failure: StructuredFailure = { message: '' };
  if (testName) failure.testName = testName;
  const location = fields.get('location');
  const locationFrame = location ? parseLocation(location) : undefined;
  if (locationFrame) failure.file = relativePath(locationFrame.file, context.cwd);

  const stackLines = splitLines(fields.get('stack') ?? '');
  const error = fields.get('error') ?? '';
  const errorName = fields.get('name');
  if (error === 'test failed' && diagnostics.length > 0) {
    // A file that failed to load: the diagnostics hold `path:line`, the source line, and the error.
    const errorLine = diagnostics.findIndex((text) => /^\w*(Error|Exception)\b/.test(text));
    failure.message = tidyMessage(errorLine >= 0 ? [diagnostics[errorLine]!] : diagnostics.slice(0, 5));
    const origin = /^(.+?):(\d+)$/.exec(diagnostics[0]!);
    if (origin) {
      failure.file = relativePath(origin[1]!, context.cwd);
      failure.line = Number(origin[2]);
    }
    const excerpt = stackExcerpt(diagnostics);
    if (excerpt) failure.stackExcerpt = excerpt;
    return failure;
  }
  failure.message = tidyMessage(splitLines(errorName && !error.startsWith(errorName) ? `${errorName}: ${error}` : error || 'Test failed.'));

  // The failing line: the first stack frame in the test's own file, else the declaration.
  const frames = stackLines.map(parseStackFrame).filter((frame) => frame !== undefined);
  const inTestFile = locationFrame ? frames.find((frame) => relativePath(frame.file, context.cwd) === failure.file) : undefined;
  const frame = inTestFile ?? (failure.file === undefined ? firstUserFrame(stackLines, context.cwd) : undefined) ?? locationFrame;
  if (frame) {
    if (failure.file === undefined) failure.file = relativePath(frame.file, context.cwd);
    failure.line = frame.line;
    if (frame.column !== undefined) failure.column = frame.column;
  }
  const excerpt = stackExcerpt(stackLines);
  if (excerpt) failure.stackExcerpt = excerpt;
  return failure;
}

function parseLocation(location: string): { file: string; line: number; column?: number } | undefined {
  const match = /^(.+?):(\d+)(?::(\d+))?$/.exec(location);
  if (!match) return undefined;
  return match[3] === undefined ? { file: match[1]!, line: Number(match[2]) } : { file: match[1]!, line: Number(match[2]), column: Number(match[3]) };
}

/**
 * Reads the `---` … `...` block after a result line: top-level `key: value` pairs, with `|-`
 * blocks and quoted scalars resolved. Returns the index of the first line after the block.
 */
function readYamlBlock(lines: readonly string[], start: number, resultIndent: number): { fields: Map<string, string>; end: number } {
  const fields = new Map<string, string>();
  if (!/^\s*---\s*$/.test(lines[start] ?? '') || indentOf(lines[start]!) <= resultIndent) return { fields, end: start };
  const keyIndent = indentOf(lines[start]!);
  let i = start + 1;
  while (i < lines.length) {
    const line = lines[i]!;
    if (/^\s*\.\.\.\s*$/.test(line) && indentOf(line) === keyIndent) return { fields, end: i + 1 };
    const pair = /^(\s*)([\w-]+):\s?(.*)$/.exec(line);
    if (!pair || pair[1]!.length !== keyIndent) {
      i++;
      continue;
    }
    const key = pair[2]!;
    const raw = pair[3]!.trim();
    i++;
    if (/^[|>][-+]?$/.test(raw)) {
      const body: string[] = [];
      while (i < lines.length && (lines[i]!.trim() === '' || indentOf(lines[i]!) > keyIndent)) body.push(lines[i++]!);
      fields.set(key, dedent(body));
    } else {
      fields.set(key, unquote(raw));
    }
  }
  return { fields, end: i };
}

function dedent(body: readonly string[]): string {
  const indents = body.filter((line) => line.trim() !== '').map(indentOf);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return body
    .map((line) => line.slice(cut).trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  return value === '~' ? '' : value;
}
