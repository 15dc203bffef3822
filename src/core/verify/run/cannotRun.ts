import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import type { StructuredFailure } from '../checkResult.ts';

/** Why a check produced no verdict on the code, and what the user can do about it. */
export interface CannotRun {
  error: string;
  remedy: string;
}

const NODE_TOOLS = /^(mocha|jest|vitest|ava|tap|tape|c8|nyc|tsc|tsx|ts-node|eslint|standard|xo|prettier|jasmine|karma|playwright|cypress|lerna|nx|turbo|rimraf|cross-env|npm-run-all|run-s|run-p|concurrently)$/;
const PYTHON = /^python[\d.]*$/;
const CONNECTION_REFUSED = /ECONNREFUSED\s*(?:(\d{1,3}(?:\.\d{1,3}){3}|\[?[\da-f:]+\]?|localhost):(\d+))?|Connection refused|could not connect to server|Can't connect to (?:local )?MySQL server/i;

/**
 * A check whose command ran but could not test the code: the runner or a package is missing, the
 * tests could not be collected, or every failure is a service that is not running. These are not
 * failures of the code and must never count as one (before a change they would make any change
 * look like a fix or excuse it; after one they say nothing about it). Reads the tool's own output,
 * as the failure parsers do.
 */
export function classifyCannotRun(output: string, exitCode: number | null, cwd: string, failures: readonly StructuredFailure[]): CannotRun | undefined {
  if (exitCode === 0) return undefined;
  if (exitCode === 127) {
    const notFound = /(?:^|\n)\S*sh(?::\s*\d+)?:\s*(?:line \d+:\s*)?([^\s:]+):\s*(?:command )?not found/.exec(output);
    return missingCommand(notFound?.[1], cwd);
  }
  const npx = /npx canceled due to missing packages[^\n[]*(\[[^\n]*\])?/.exec(output);
  if (npx) return { error: `npx --no-install found no installed ${packageNames(npx[1]) || 'package'}.`, remedy: installRemedy(cwd) };
  const missingModule = missingNodePackage(output, cwd);
  if (missingModule) return { error: `The package "${missingModule}" is not installed, so the tests could not load.`, remedy: installRemedy(cwd) };
  const python = pythonCannotRun(output, exitCode, cwd);
  if (python) return python;
  return serviceDown(failures);
}

function missingCommand(command: string | undefined, cwd: string): CannotRun {
  if (!command) return { error: 'A command the check runs was not found (exit 127).', remedy: 'Install the missing program or put it on PATH.' };
  if (NODE_TOOLS.test(command) || existsSync(join(cwd, 'package.json'))) {
    return { error: `${command} is not installed (the shell found no "${command}").`, remedy: installRemedy(cwd) };
  }
  if (PYTHON.test(command)) return { error: `${command} is not installed.`, remedy: 'Install Python 3, or create the project\'s virtual environment (.venv).' };
  return { error: `${command} is not installed.`, remedy: `Install ${command} or put it on PATH.` };
}

/** `Cannot find module 'x'` / `Cannot find package 'x'` for a bare name that is missing from every node_modules above the check. */
function missingNodePackage(output: string, cwd: string): string | undefined {
  const pattern = /Cannot find (?:module|package) '([^'\n]+)'/g;
  for (const match of output.matchAll(pattern)) {
    const specifier = match[1]!;
    if (specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z]:[\\/]/i.test(specifier) || specifier.startsWith('node:')) continue;
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
    if (!installedAbove(cwd, name)) return name;
  }
  return undefined;
}

function installedAbove(cwd: string, name: string): boolean {
  const { root } = parse(cwd);
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', name))) return true;
    if (dir === root) return false;
  }
}

/**
 * pytest could not collect: a third-party module is missing (the environment), or the project's
 * own code cannot be imported (a name the task must add, a syntax error: a real failure, which the
 * parsers report). Only the first is "could not run".
 */
function pythonCannotRun(output: string, exitCode: number | null, cwd: string): CannotRun | undefined {
  if (/No module named pytest\b/.test(output)) return { error: 'pytest is not installed for this Python.', remedy: 'Install pytest (pip install pytest) in the interpreter the project uses, or create its .venv.' };
  const collecting = /ERROR collecting|ImportError while importing test module|errors? during collection/.test(output);
  if (collecting) {
    const missing = [...output.matchAll(/ModuleNotFoundError: No module named '([^'\n]+)'/g)].map((m) => m[1]!).find((module) => !isProjectModule(module, cwd));
    if (missing) {
      const top = missing.split('.')[0]!;
      return { error: `pytest could not collect the tests: no module named "${missing}".`, remedy: `Install ${top} (pip install ${top}) in the interpreter the tests run with, or install the project itself (pip install -e .).` };
    }
    return undefined;
  }
  // pytest: 4 is a usage error, 5 means no test was collected.
  if (exitCode === 5 && /no tests ran|collected 0 items/.test(output)) return { error: 'pytest collected no tests.', remedy: 'Check that the test files are named test_*.py or *_test.py, or configure the check with coevolve.verify.' };
  if (exitCode === 4 && /pytest: error:|ERROR: usage:/.test(output)) return { error: 'pytest rejected its command line.', remedy: 'Check the pytest options in the project\'s configuration or in coevolve.verify.' };
  return undefined;
}

/** A module of the project itself (its top-level package or module at the root or under src/). */
function isProjectModule(module: string, cwd: string): boolean {
  const top = module.split('.')[0]!;
  return [cwd, join(cwd, 'src')].some((dir) => existsSync(join(dir, top)) || existsSync(join(dir, `${top}.py`)));
}

/** Every failure is a refused connection: the tests need a server (a database, a cache) that is not running. */
function serviceDown(failures: readonly StructuredFailure[]): CannotRun | undefined {
  if (!failures.length) return undefined;
  const refused = failures.map((f) => CONNECTION_REFUSED.exec(`${f.message}\n${f.stackExcerpt ?? ''}`));
  if (!refused.every(Boolean)) return undefined;
  const where = refused.find((m) => m?.[2]);
  const address = where ? `${where[1]}:${where[2]}` : undefined;
  return {
    error: `Every failing test was refused a connection${address ? ` to ${address}` : ''}: the tests need a service that is not running.`,
    remedy: `Start the service the tests connect to${address ? ` (something listening on ${address})` : ''}, then solve again.`,
  };
}

function packageNames(list: string | undefined): string {
  if (!list) return '';
  try {
    const names = (JSON.parse(list) as unknown[]).map((n) => String(n).replace(/@[^@]*$/, ''));
    return names.join(', ');
  } catch {
    return '';
  }
}

function installRemedy(cwd: string): string {
  const manager = existsSync(join(cwd, 'pnpm-lock.yaml')) ? 'pnpm install' : existsSync(join(cwd, 'yarn.lock')) ? 'yarn install' : 'npm install';
  return `Install the project's dependencies (${manager}), then try again.`;
}
