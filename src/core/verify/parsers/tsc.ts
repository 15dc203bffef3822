import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { relativePath, splitLines } from './parserText.ts';

/**
 * TypeScript's compiler, plain (`src/a.ts(12,5): error TS2322: ...`, the form when output is not
 * a terminal) or pretty (`src/a.ts:12:5 - error TS2322: ...`), with indented message-chain lines
 * appended; and file-less errors such as `error TS5083: Cannot read file ...`.
 */
export function parseTsc(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const failures: StructuredFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line) ?? /^(.+?):(\d+):(\d+) - error (TS\d+): (.*)$/.exec(line);
    const global = match ? undefined : /^error (TS\d+): (.*)$/.exec(line);
    if (!match && !global) continue;
    const text = [match ? `${match[4]}: ${match[5]}` : `${global![1]}: ${global![2]}`];
    // Message chains continue on indented lines right below; the pretty form's code frame
    // comes after a blank line and is left out.
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]!)) text.push(lines[++i]!.trim());
    const failure: StructuredFailure = { message: text.join('\n') };
    if (match) {
      failure.file = relativePath(match[1]!.trim(), context.cwd);
      failure.line = Number(match[2]);
      failure.column = Number(match[3]);
    }
    failures.push(failure);
  }
  return failures;
}
