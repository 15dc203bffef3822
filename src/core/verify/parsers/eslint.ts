import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { relativePath, splitLines } from './parserText.ts';

/**
 * ESLint's stylish format (a file path, then `  12:5  error  message  rule` lines) and the unix
 * format (`/x/a.js:12:5: message [Error/rule]`). Errors are the failures; warnings count only when
 * there are no errors (the run failed on `--max-warnings`).
 */
export function parseEslint(output: string, context: ParseContext): StructuredFailure[] {
  const errors: StructuredFailure[] = [];
  const warnings: StructuredFailure[] = [];
  let file: string | undefined;
  for (const line of splitLines(output)) {
    const unix = /^(.+?):(\d+):(\d+): (.*) \[(Error|Warning)(?:\/(.+))?\]$/.exec(line);
    if (unix) {
      const failure = toFailure(unix[1]!, unix[2]!, unix[3]!, unix[4]!, unix[6], context);
      (unix[5] === 'Error' ? errors : warnings).push(failure);
      continue;
    }
    // A stylish file header: a path on its own line, unindented.
    if (/^(\/|[A-Za-z]:[\\/]|\.{0,2}[\w@.-]*[\\/])\S.*\.\w+$/.test(line) || /^[\w@.-]+\.\w+$/.test(line)) {
      file = line.trim();
      continue;
    }
    const problem = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)\s*$/.exec(line);
    if (!problem || !file) {
      if (line.trim() === '' || /^✖ /.test(line)) file = undefined;
      continue;
    }
    // The rule id is the last column, after two or more spaces; parse errors have none.
    const parts = /^(.*?)\s{2,}(@?[\w-]+(?:\/[\w-]+)*)$/.exec(problem[4]!);
    const failure = toFailure(file, problem[1]!, problem[2]!, parts ? parts[1]! : problem[4]!, parts?.[2], context);
    (problem[3] === 'error' ? errors : warnings).push(failure);
  }
  return errors.length > 0 ? errors : warnings;
}

function toFailure(file: string, line: string, column: string, message: string, rule: string | undefined, context: ParseContext): StructuredFailure {
  return { file: relativePath(file, context.cwd), line: Number(line), column: Number(column), message: rule ? `${message.trim()} (${rule})` : message.trim() };
}
