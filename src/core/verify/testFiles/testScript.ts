import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ifPresent } from '../../util/fsProbe.ts';

/**
 * The command a package's `test` script really runs. Older projects write `"test": "make test"`
 * and keep the runner's options in the Makefile (`mocha --require should $(TESTS)`): then the
 * recipe of that target, with the Makefile's variables filled in, is the command.
 */
export async function effectiveTestCommand(packageDir: string, script: string): Promise<string> {
  const make = /^\s*make\s+(?:-s\s+)?([\w.-]+)\s*$/.exec(script);
  if (!make) return script;
  const text = await ifPresent(readFile(join(packageDir, 'Makefile'), 'utf8'));
  return (text && makeRecipe(text, make[1]!)) ?? script;
}

/** The recipe of `target` with `$(VAR)` expanded; undefined when the Makefile has no such rule. */
export function makeRecipe(text: string, target: string): string | undefined {
  const lines = joinContinuations(text);
  const vars = new Map<string, string>();
  let recipe: string[] | undefined;
  for (const line of lines) {
    if (recipe) {
      if (line.startsWith('\t')) {
        recipe.push(line.trim().replace(/^[@-]+/, ''));
        continue;
      }
      if (line.trim() === '') continue;
      break;
    }
    // Assignments anywhere, the last one winning: close enough for `ifeq` blocks that pick a value.
    const assignment = /^\s*([A-Za-z_][\w]*)\s*([:?+]?)=\s*(.*)$/.exec(line);
    if (assignment) {
      const [, name, op, value] = assignment as unknown as [string, string, string, string];
      if (op === '?' && vars.has(name)) continue;
      vars.set(name, op === '+' ? `${vars.get(name) ?? ''} ${value}`.trim() : value.trim());
      continue;
    }
    const rule = /^([^\s:=#][^:=#]*):(?!=)/.exec(line);
    if (rule && rule[1]!.split(/\s+/).includes(target)) recipe = [];
  }
  if (!recipe || recipe.length === 0) return undefined;
  return expand(recipe.join(' && '), vars);
}

function joinContinuations(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (raw.endsWith('\\')) {
      pending += `${raw.slice(0, -1)} `;
      continue;
    }
    out.push(pending + raw);
    pending = '';
  }
  if (pending) out.push(pending);
  return out.map((line) => line.replace(/\s+#.*$/, ''));
}

function expand(text: string, vars: ReadonlyMap<string, string>, depth = 0): string {
  if (depth > 5) return text;
  const next = text.replace(/\$[({]([A-Za-z_][\w]*)[)}]/g, (_, name: string) => vars.get(name) ?? '');
  return next === text ? text.replace(/\s+/g, ' ').trim() : expand(next, vars, depth + 1);
}

/** Option flags of a runner that take a value, and those kept as they are. Anything else is dropped. */
export interface RunnerOptions {
  withValue: ReadonlySet<string>;
  flags: ReadonlySet<string>;
}

/**
 * How the command starts `runner` (a regular expression for its program name): the environment
 * assignments in front (`NODE_ENV=test`) and the options worth keeping (`--require should`).
 * File and folder arguments are dropped (the task names its own files), and so are flags for
 * interpreters long gone (`--harmony-generators`).
 */
export function runnerInvocation(command: string, runner: RegExp, options: RunnerOptions): { env: string[]; args: string[] } | undefined {
  for (const part of command.split(/&&|;|\|\|/)) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const at = tokens.findIndex((token) => runner.test(token.slice(token.lastIndexOf('/') + 1)));
    if (at < 0) continue;
    const env = tokens.slice(0, at).filter((token) => /^[A-Z_][A-Z0-9_]*=[\w.:/-]*$/.test(token));
    const args: string[] = [];
    const rest = tokens.slice(at + 1);
    for (let i = 0; i < rest.length; i++) {
      const token = rest[i]!;
      const [flag, inline] = token.includes('=') ? [token.slice(0, token.indexOf('=')), token] : [token, undefined];
      if (options.withValue.has(flag)) {
        if (inline) args.push(inline);
        else if (i + 1 < rest.length) args.push(token, rest[++i]!);
      } else if (options.flags.has(token)) {
        args.push(token);
      }
    }
    return { env, args };
  }
  return undefined;
}
