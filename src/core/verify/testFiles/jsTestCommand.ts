import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { quote } from './shellQuote.ts';
import { effectiveTestCommand, runnerInvocation } from './testScript.ts';
import { ifPresent } from '../../util/fsProbe.ts';
import { reportIgnored } from '../../ignoredErrors.ts';

const MOCHA_OPTIONS = {
  withValue: new Set(['--require', '-r', '--ui', '-u', '--timeout', '-t', '--compilers', '--file', '--globals', '--config', '--extension']),
  flags: new Set(['--check-leaks', '--exit', '--no-timeouts', '--allow-uncaught', '--async-only', '-A', '--delay']),
};
const JEST_OPTIONS = {
  withValue: new Set(['--config', '-c', '--env', '--testEnvironment', '--setupFiles', '--rootDir']),
  flags: new Set(['--forceExit', '--runInBand', '-i', '--detectOpenHandles']),
};

/** The runner the package's test script uses, given the files; undefined when it is not one we know. */
export async function jsCommand(packageDir: string, files: readonly string[]): Promise<string | undefined> {
  const manifest = await readJson(join(packageDir, 'package.json'));
  const script = await effectiveTestCommand(packageDir, typeof manifest?.scripts?.test === 'string' ? manifest.scripts.test : '');
  const args = files.map(quote).join(' ');
  const deps = { ...manifest?.dependencies, ...manifest?.devDependencies };
  // `node --import tsx --test test/` keeps its loader flags; only the file selection changes.
  const nodeTest = /\bnode\b([^&|;]*?)\s--test\b/.exec(script);
  if (nodeTest) return `node${nodeTest[1] ?? ''} --test ${args}`;
  if (/\bvitest\b/.test(script) || ('vitest' in deps && !/\bjest\b|\bmocha\b/.test(script))) return `npx --no-install vitest run ${args}`;
  // egg-bin wraps mocha with its own setup (power-assert, co-mocha): run the files through it.
  if (/\begg-bin\s+test\b/.test(script)) return `npx --no-install egg-bin test ${args}`;
  // The options the project runs its runner with (`--require should`, NODE_ENV=test) are part of how its tests pass.
  if (/\bjest\b/.test(script) || 'jest' in deps) return withOptions('jest', runnerInvocation(script, /^jest$/, JEST_OPTIONS), args);
  if (/\b_?mocha\b/.test(script) || 'mocha' in deps) {
    // mocha 1.x's `mocha` starts `_mocha` with `customFds`, which Node no longer honours: its output
    // is lost. Its `_mocha` is the runner itself, and prints.
    const runner = (await installedMajor(packageDir, 'mocha')) === 1 ? '_mocha' : 'mocha';
    return withOptions(runner, runnerInvocation(script, /^_?mocha$/, MOCHA_OPTIONS), args);
  }
  return undefined;
}

function withOptions(runner: string, invocation: { env: string[]; args: string[] } | undefined, files: string): string {
  const env = invocation?.env.length ? `${invocation.env.join(' ')} ` : '';
  const options = invocation?.args.length ? `${invocation.args.map(quote).join(' ')} ` : '';
  return `${env}npx --no-install ${runner} ${options}${files}`;
}

/** The major version of `name` as installed for the package (linked dependencies included), if any. */
async function installedMajor(packageDir: string, name: string): Promise<number | undefined> {
  const version = (await readJson(join(packageDir, 'node_modules', name, 'package.json')))?.version;
  const major = typeof version === 'string' ? Number.parseInt(version, 10) : Number.NaN;
  return Number.isNaN(major) ? undefined : major;
}

interface Manifest {
  version?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

async function readJson(path: string): Promise<Manifest | undefined> {
  const text = await ifPresent(readFile(path, 'utf8'));
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    // The checks' own detection says so to the user; here it only means "no test script known".
    reportIgnored(`${path} is not valid JSON`, error);
    return undefined;
  }
}

/** The folder (relative, '' for the root) of the package.json nearest above `file`. */
export async function nearestPackage(worktree: string, file: string): Promise<string | undefined> {
  let dir = posix.dirname(file);
  for (;;) {
    const here = dir === '.' ? '' : dir;
    if (await readJson(join(worktree, here, 'package.json'))) return here;
    if (here === '') return undefined;
    dir = posix.dirname(dir);
  }
}
