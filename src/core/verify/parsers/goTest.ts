import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { indentOf, relativePath, splitLines, tidyMessage } from './parserText.ts';

/**
 * `go test`:
 *
 *   --- FAIL: TestAdd (0.00s)
 *       --- FAIL: TestAdd/negative (0.00s)
 *           add_test.go:12: Add(-1, 1) = 1; want 0
 *   FAIL
 *   FAIL	example.com/calc	0.002s
 *
 * plus panics (`panic: ...` with a goroutine trace) and build errors (`./add.go:5:2: undefined: x`).
 * Go prints test files by base name only; they are kept as printed.
 */
export function parseGoTest(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const failures: StructuredFailure[] = [];
  const parents = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const build = /^(\S+\.go):(\d+):(\d+): (.+)$/.exec(line);
    if (build) {
      failures.push({ file: relativePath(build[1]!, context.cwd), line: Number(build[2]), column: Number(build[3]), message: build[4]! });
      continue;
    }
    const fail = /^(\s*)--- FAIL: (\S+) \([\d.]+s\)\s*$/.exec(line);
    if (!fail) continue;
    const indent = fail[1]!.length;
    const testName = fail[2]!;
    const slash = testName.lastIndexOf('/');
    if (slash > 0) parents.add(testName.slice(0, slash));
    const logs: { file: string; line: number; text: string[] }[] = [];
    while (i + 1 < lines.length && indentOf(lines[i + 1]!) > indent && !/^\s*--- (FAIL|PASS|SKIP):/.test(lines[i + 1]!)) {
      const next = lines[++i]!;
      const log = /^\s+(\S+\.go):(\d+): ?(.*)$/.exec(next);
      if (log) logs.push({ file: log[1]!, line: Number(log[2]), text: [log[3]!] });
      else if (logs.length > 0) logs[logs.length - 1]!.text.push(next.trim()); // continuation of a multi-line t.Error
    }
    const failure: StructuredFailure = { testName, message: '' };
    const first = logs[0];
    if (first) {
      failure.file = relativePath(first.file, context.cwd);
      failure.line = first.line;
      failure.message = tidyMessage(logs.flatMap((log) => log.text));
      if (logs.length > 1) failure.stackExcerpt = logs.slice(0, 5).map((log) => `${log.file}:${log.line}: ${log.text[0]}`).join('\n');
    } else {
      const panic = readPanic(lines, i + 1, context);
      if (panic) Object.assign(failure, panic);
    }
    failures.push(failure);
  }
  // A parent with failing subtests fails too, with nothing of its own to say.
  return failures
    .filter((failure) => !(failure.testName && parents.has(failure.testName) && failure.message === ''))
    .map((failure) => (failure.message === '' ? { ...failure, message: 'Test failed (no log output).' } : failure));
}

/** `panic: ...` right after a FAIL line: the message, and the first frame outside runtime/testing. */
function readPanic(lines: readonly string[], start: number, context: ParseContext): Partial<StructuredFailure> | undefined {
  const line = lines[start];
  const panic = line === undefined ? undefined : /^panic: (.*?)(?: \[recovered\])?$/.exec(line);
  if (!panic) return undefined;
  const result: Partial<StructuredFailure> = { message: `panic: ${panic[1]}` };
  for (let i = start + 1; i < Math.min(lines.length, start + 200) - 1; i++) {
    const fn = lines[i]!;
    const at = /^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(lines[i + 1]!);
    if (!at || /^(runtime|testing|panic)[.(]/.test(fn.trim()) || /\/src\/(runtime|testing)\//.test(at[1]!)) continue;
    result.file = relativePath(at[1]!, context.cwd);
    result.line = Number(at[2]);
    result.stackExcerpt = `${fn.trim()}\n\t${at[1]}:${at[2]}`;
    break;
  }
  return result;
}
