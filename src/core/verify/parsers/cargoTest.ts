import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { relativePath, splitLines, tidyMessage } from './parserText.ts';

/**
 * `cargo test`:
 *
 *   ---- tests::it_fails stdout ----
 *   thread 'tests::it_fails' (28545) panicked at src/lib.rs:16:9:
 *   assertion `left == right` failed
 *
 * (Rust before 1.73 printed `panicked at 'message', src/lib.rs:16:9`), and compile errors:
 *
 *   error[E0308]: mismatched types
 *    --> src/lib.rs:2:5
 */
export function parseCargoTest(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const failures: StructuredFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^---- (.+) stdout ----$/.exec(line);
    if (block) {
      const body: string[] = [];
      while (i + 1 < lines.length && !/^---- .+ stdout ----$/.test(lines[i + 1]!) && !/^(failures:|test result:)/.test(lines[i + 1]!)) body.push(lines[++i]!);
      failures.push(toTestFailure(block[1]!, body, context));
      continue;
    }
    const compile = /^error(\[E\d+\])?: (.+)$/.exec(line);
    const arrow = compile ? findArrow(lines, i + 1) : undefined;
    if (compile && arrow) {
      failures.push({ file: relativePath(arrow.file, context.cwd), line: arrow.line, column: arrow.column, message: `error${compile[1] ?? ''}: ${compile[2]}` });
    }
  }
  return failures;
}

function toTestFailure(testName: string, body: readonly string[], context: ParseContext): StructuredFailure {
  const failure: StructuredFailure = { testName, message: 'Test failed.' };
  const panicIndex = body.findIndex((line) => /^thread '.*' (?:\(\d+\) )?panicked at /.test(line));
  if (panicIndex < 0) {
    const text = tidyMessage(body);
    if (text) failure.message = text;
    return failure;
  }
  const panicLine = body[panicIndex]!;
  const modern = /panicked at (.+?):(\d+):(\d+):$/.exec(panicLine);
  const legacy = /panicked at '(.*)', (.+?):(\d+):(\d+)$/.exec(panicLine);
  if (modern) {
    failure.file = relativePath(modern[1]!, context.cwd);
    failure.line = Number(modern[2]);
    failure.column = Number(modern[3]);
    const message: string[] = [];
    for (const line of body.slice(panicIndex + 1)) {
      if (/^(note: |stack backtrace:)/.test(line)) break;
      message.push(line);
    }
    failure.message = tidyMessage(message) || 'panicked';
  } else if (legacy) {
    failure.message = legacy[1]!;
    failure.file = relativePath(legacy[2]!, context.cwd);
    failure.line = Number(legacy[3]);
    failure.column = Number(legacy[4]);
  }
  return failure;
}

/** The ` --> file:line:col` that follows an error header within a couple of lines. */
function findArrow(lines: readonly string[], start: number): { file: string; line: number; column: number } | undefined {
  for (let i = start; i < Math.min(lines.length, start + 3); i++) {
    const arrow = /^\s*--> (.+?):(\d+):(\d+)$/.exec(lines[i]!);
    if (arrow) return { file: arrow[1]!, line: Number(arrow[2]), column: Number(arrow[3]) };
  }
  return undefined;
}
