import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ifPresent, readdirIfPresent } from '../../util/fsProbe.ts';

/** Bytes read of each file: imports sit at the top, and a huge generated test must not cost much. */
const HEAD_BYTES = 64 * 1024;
/** Test files read when no list is given (the detected check runs the whole suite). */
const MAX_SCANNED_FILES = 200;
const MAX_DEPTH = 4;

/**
 * The top-level modules a Python file imports at column 0 (`import a.b, c as d` → a, c;
 * `from x.y import z` → x). Indented imports sit in functions or `try:` blocks, often optional,
 * so they are not requirements; relative imports (`from . import x`) are the project's own.
 */
export function topLevelImports(source: string): string[] {
  const names = new Set<string>();
  for (const line of source.split(/\r?\n/)) {
    const from = /^from\s+([A-Za-z_][\w.]*)\s+import\b/.exec(line);
    if (from) {
      names.add(from[1]!.split('.')[0]!);
      continue;
    }
    const plain = /^import\s+([^#;]+)/.exec(line);
    if (!plain) continue;
    for (const part of plain[1]!.split(',')) {
      const name = /^\s*([A-Za-z_]\w*)/.exec(part)?.[1];
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * The modules the project provides itself: packages and modules at its root and in `src/`, and
 * those in the folders above each test file (pytest puts test folders on sys.path, so
 * `import helpers` or `from test_pkg import x` is local).
 */
async function ownModules(folder: string, testDirs: Iterable<string>): Promise<Set<string>> {
  const own = new Set<string>();
  for (const dir of new Set([folder, join(folder, 'src'), ...testDirs])) {
    for (const entry of await readdirIfPresent(dir)) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) own.add(entry.name);
      else if (entry.name.endsWith('.py')) own.add(entry.name.slice(0, -3));
    }
  }
  return own;
}

/**
 * The third-party modules (and maybe standard ones: the interpreter tells those apart) that the
 * given test files and the conftest.py files above them import. `files` are relative to `folder`;
 * without them the test folders (tests/, test/) are scanned, bounded.
 */
export async function importedByTests(folder: string, files?: readonly string[]): Promise<string[]> {
  const tests = files ? [...files] : await findTestFiles(folder);
  const scanned = new Set<string>(existsSync(join(folder, 'conftest.py')) ? ['conftest.py'] : []);
  for (const file of tests) {
    scanned.add(file);
    // Every conftest.py from the file's folder up to the root applies to it.
    for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
      const conftest = dir === '.' ? 'conftest.py' : `${dir}/conftest.py`;
      if (existsSync(join(folder, conftest))) scanned.add(conftest);
      if (dir === '.' || dir === '/') break;
    }
  }
  const imported = new Set<string>();
  for (const file of scanned) for (const name of topLevelImports(await readHead(join(folder, file)))) imported.add(name);
  const own = await ownModules(folder, [...scanned].flatMap((file) => ancestors(file).map((dir) => join(folder, dir))));
  return [...imported].filter((name) => !own.has(name) && name !== '__future__').sort();
}

/** The folders from the file's own up to the root, relative (pytest may put any of them on sys.path). */
function ancestors(file: string): string[] {
  const dirs: string[] = [];
  for (let dir = posix.dirname(file); dir !== '.' && dir !== '/'; dir = posix.dirname(dir)) dirs.push(dir);
  return dirs;
}

/** `src/<pkg>/__init__.py`: the code under test lives in src/, which must come first on sys.path. */
export async function hasSrcLayout(folder: string): Promise<boolean> {
  const src = join(folder, 'src');
  for (const entry of await readdirIfPresent(src)) {
    if (entry.isDirectory() && existsSync(join(src, entry.name, '__init__.py'))) return true;
  }
  return false;
}

async function findTestFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || found.length >= MAX_SCANNED_FILES) return;
    for (const entry of await readdirIfPresent(join(folder, rel))) {
      if (found.length >= MAX_SCANNED_FILES) return;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== '__pycache__') await walk(path, depth + 1);
      else if (entry.isFile() && /^test_.*\.py$|_test\.py$/.test(entry.name)) found.push(path);
    }
  };
  for (const dir of ['tests', 'test']) await walk(dir, 1);
  return found;
}

async function readHead(path: string): Promise<string> {
  const handle = await ifPresent(open(path, 'r'));
  if (!handle) return '';
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
