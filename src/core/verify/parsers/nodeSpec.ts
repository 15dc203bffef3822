import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { indentOf, locateFromStack, parseStackFrame, relativePath, relativeTestName, splitLines, tidyMessage } from './parserText.ts';

/**
 * Node's test runner with the spec reporter (the default on a terminal, and on Node 23+):
 *
 *   ▶ math
 *     ✖ subtracts (0.9ms)
 *       AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
 *           at TestContext.<anonymous> (/x/math.test.js:8:12)
 *
 * and, on newer releases, a `✖ failing tests:` summary whose `test at file:line:col` lines give
 * each failing test's declaration.
 */
export function parseNodeSpec(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const summaryStart = lines.findIndex((line) => /^✖ failing tests:\s*$/.test(line));
  const tree = summaryStart >= 0 ? lines.slice(0, summaryStart) : lines;
  const failures = parseTree(tree, context);
  if (summaryStart >= 0) addDeclarations(failures, lines.slice(summaryStart + 1), context);
  return failures;
}

/**
 * A result line always ends with its duration (`✖ adds (0.9ms)`), which keeps other tools' `✖`
 * lines (ESLint's `✖ 4 problems`) out; a suite's opening `▶ name` has none.
 */
const TEST_LINE = /^(\s*)(?:([✖✔﹣▶])\s(.*?)\s\([\d.]+m?s\)(?:\s#\s.*)?|(▶)\s(.*))$/;

function readTestLine(line: string): { indent: number; mark: string; name: string } | undefined {
  const match = TEST_LINE.exec(line);
  if (!match) return undefined;
  return { indent: match[1]!.length, mark: match[2] ?? match[4]!, name: (match[3] ?? match[5]!).trim() };
}

function parseTree(lines: readonly string[], context: ParseContext): StructuredFailure[] {
  const failures: StructuredFailure[] = [];
  const suites: { indent: number; name: string }[] = [];
  // Lines outside any test (a file that crashed while loading prints its error here).
  let stray: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const test = readTestLine(line);
    if (!test) {
      if (line.trim() !== '' && !/^ℹ /.test(line)) stray.push(line);
      continue;
    }
    const { indent, mark, name } = test;
    while (suites.length > 0 && suites[suites.length - 1]!.indent >= indent) suites.pop();
    if (mark === '▶') {
      suites.push({ indent, name });
      stray = [];
      continue;
    }
    const block: string[] = [];
    // Its error block: everything indented deeper (children print before a parent's ✖, not after).
    while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || indentOf(lines[i + 1]!) > indent)) block.push(lines[++i]!);
    const crashOutput = stray;
    stray = [];
    if (mark !== '✖') continue;
    const failure = toFailure([...suites.map((suite) => suite.name), name].map((part) => relativeTestName(part, context.cwd)).join(' > '), block, crashOutput, context);
    if (failure) failures.push(failure);
  }
  return failures;
}

function toFailure(testName: string, block: readonly string[], crashOutput: readonly string[], context: ParseContext): StructuredFailure | undefined {
  const firstStack = block.findIndex((line) => /^\s*at\s/.test(line));
  const messageLines = (firstStack >= 0 ? block.slice(0, firstStack) : block).filter((line) => !/^\s*[{}]\s*$/.test(line));
  let message = tidyMessage(messageLines);
  // A suite or a test whose subtests failed: the failing children are reported on their own.
  if (message === '' || /^'?\d+ subtests? failed'?$/.test(message)) return undefined;
  const failure: StructuredFailure = { testName, message };
  if (message === "'test failed'" && crashOutput.length > 0) {
    const errorLine = crashOutput.find((line) => /^\w*(Error|Exception)\b/.test(line.trim()));
    message = tidyMessage(errorLine ? [errorLine] : crashOutput.slice(0, 5));
    failure.message = message;
    const origin = /^(.+?):(\d+)$/.exec(crashOutput[0]!.trim());
    if (origin) {
      failure.file = relativePath(origin[1]!, context.cwd);
      failure.line = Number(origin[2]);
    }
    return failure;
  }
  const stack = firstStack >= 0 ? block.slice(firstStack) : [];
  return locateFromStack(failure, stack, context.cwd);
}

/**
 * The summary repeats each failure after `test at <declaration>`, leaf name only. The
 * declaration names the test file even when the error was thrown in a helper, so it wins for
 * `file`; the line stays the failing one when that is in the same file.
 */
function addDeclarations(failures: StructuredFailure[], summary: readonly string[], context: ParseContext): void {
  const pending = [...failures];
  for (let i = 0; i < summary.length; i++) {
    const at = /^test at (.+?):(\d+):(\d+)\s*$/.exec(summary[i]!);
    const next = summary[i + 1] === undefined ? undefined : readTestLine(summary[i + 1]!);
    if (!at || !next) continue;
    const leaf = next.name;
    const name = relativeTestName(leaf, context.cwd);
    const index = pending.findIndex((failure) => failure.testName === name || failure.testName?.endsWith(` > ${name}`));
    if (index < 0) continue;
    const failure = pending.splice(index, 1)[0]!;
    const file = relativePath(at[1]!, context.cwd);
    if (failure.file !== file) {
      const sameFile = failure.stackExcerpt?.split('\n').map(parseStackFrame).find((frame) => frame && relativePath(frame.file, context.cwd) === file);
      failure.file = file;
      failure.line = sameFile?.line ?? Number(at[2]);
      failure.column = sameFile?.column ?? Number(at[3]);
    }
  }
}
