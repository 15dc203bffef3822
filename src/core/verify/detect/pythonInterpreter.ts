import { execFile } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { scrubEnvironment } from '../run/environment.ts';

/** The interpreter a project's tests run with, and what it lacks of what they import. */
export interface PythonChoice {
  /** The command: a path, or `python3` (`python` on Windows) as found on PATH. */
  python: string;
  /** Modules the tests import that it cannot find (empty when it has them all). */
  missing: string[];
  /** Every candidate in order with what it lacked; `missing` is undefined for one that would not run. */
  tried: Array<{ python: string; missing?: string[] }>;
}

interface Candidate {
  python: string;
  /** Two candidates with the same key are the same interpreter with the same packages. */
  key: string;
}

interface ProbeAnswer {
  stdlib: string[];
  found: string[];
}

const PROBE_TIMEOUT_MS = 15_000;

/**
 * Runs in the candidate: which of the names are standard modules, and which others it can find.
 * `find_spec` locates a top-level module without running it. The working folder is taken off
 * sys.path so the project's own files do not count as installed packages.
 */
const PROBE = [
  'import importlib.util, json, os, sys',
  "sys.path[:] = [p for p in sys.path if p not in ('', '.', os.getcwd())]",
  'names = json.loads(sys.argv[1])',
  "std = set(getattr(sys, 'stdlib_module_names', ()))",
  'def found(name):',
  '    try:',
  '        return importlib.util.find_spec(name) is not None',
  '    except Exception:',
  '        return False',
  "print(json.dumps({'stdlib': [n for n in names if n in std], 'found': [n for n in names if n not in std and found(n)]}))",
].join('\n');

/** Per process: candidate key → module → whether it is there (true), standard (true) or missing (false). */
const known = new Map<string, Map<string, boolean>>();
/** Candidates that would not run, so they are not started again for every task. */
const broken = new Set<string>();

/**
 * Picks the interpreter on purpose rather than whatever `python3` is first on PATH: the project's
 * .venv, then venv, then `python3` on PATH, then /usr/bin/python3 — the first that can import
 * pytest and every module the tests need. When none has them all, the one that lacks the fewest
 * (pytest counting most), so the failure names what to install. Each candidate is asked once per
 * module per process.
 */
export async function choosePython(folder: string, needed: readonly string[], env?: Readonly<Record<string, string>>): Promise<PythonChoice> {
  const modules = [...new Set(['pytest', ...needed])];
  const candidates = pythonCandidates(folder);
  const tried: PythonChoice['tried'] = [];
  let best: { python: string; missing: string[] } | undefined;
  for (const candidate of candidates) {
    const missing = await missingModules(candidate, folder, modules, env);
    tried.push(missing ? { python: candidate.python, missing } : { python: candidate.python });
    if (!missing) continue;
    if (missing.length === 0) return { python: candidate.python, missing, tried };
    const score = (m: readonly string[]) => m.length + (m.includes('pytest') ? modules.length : 0);
    if (!best || score(missing) < score(best.missing)) best = { python: candidate.python, missing };
  }
  if (best) return { ...best, tried };
  // Nothing would run: name the first candidate anyway, and the check will say it cannot start.
  return { python: candidates[0]?.python ?? defaultPython(), missing: modules, tried };
}

function defaultPython(): string {
  return process.platform === 'win32' ? 'python' : 'python3';
}

/** The candidates that exist, in order of preference, each interpreter once. */
export function pythonCandidates(folder: string): Candidate[] {
  const win = process.platform === 'win32';
  const venvs = win ? ['.venv\\Scripts\\python.exe', 'venv\\Scripts\\python.exe'] : ['.venv/bin/python', 'venv/bin/python'];
  const list: Candidate[] = [];
  const seen = new Set<string>();
  const add = (python: string, path: string, venv?: string): void => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return;
    }
    // A venv's python is a link to its base interpreter, but its packages differ: the venv is part of the key.
    const key = venv ? `${real}\0${realpathSync(venv)}` : real;
    if (seen.has(key)) return;
    seen.add(key);
    list.push({ python, key });
  };
  for (const relative of venvs) {
    const path = join(folder, relative);
    if (existsSync(path)) add(path, path, dirname(dirname(path)));
  }
  const onPath = findOnPath(defaultPython());
  if (onPath) add(defaultPython(), onPath);
  if (!win && existsSync('/usr/bin/python3')) add('/usr/bin/python3', '/usr/bin/python3');
  return list;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) return path;
  }
  return undefined;
}

/** What the candidate lacks of `modules`, or undefined when it would not run. */
async function missingModules(candidate: Candidate, folder: string, modules: readonly string[], env: Readonly<Record<string, string>> | undefined): Promise<string[] | undefined> {
  if (broken.has(candidate.key)) return undefined;
  let answers = known.get(candidate.key);
  const unknown = modules.filter((name) => !answers?.has(name));
  if (unknown.length > 0) {
    const answer = await probe(candidate.python, folder, unknown, env);
    if (!answer) {
      broken.add(candidate.key);
      return undefined;
    }
    answers ??= new Map();
    known.set(candidate.key, answers);
    for (const name of unknown) answers.set(name, answer.stdlib.includes(name) || answer.found.includes(name));
  }
  return modules.filter((name) => answers?.get(name) === false);
}

function probe(python: string, cwd: string, modules: readonly string[], env: Readonly<Record<string, string>> | undefined): Promise<ProbeAnswer | undefined> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE, JSON.stringify(modules)], { cwd, timeout: PROBE_TIMEOUT_MS, env: { ...scrubEnvironment().env, ...env }, encoding: 'utf8' }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as ProbeAnswer;
        resolve(Array.isArray(parsed.stdlib) && Array.isArray(parsed.found) ? parsed : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}
