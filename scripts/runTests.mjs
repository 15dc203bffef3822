// Runs every *.test.ts under test/ (or the paths given) with Node's own test runner, through tsx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const targets = args.length ? args : ['test/unit', 'test/integration'];
const files = [];
for (const target of targets) {
  const full = join(root, target);
  if (statSync(full).isFile()) { files.push(full); continue; }
  for (const entry of readdirSync(full, { recursive: true })) {
    if (String(entry).endsWith('.test.ts')) files.push(join(full, String(entry)));
  }
}
files.sort();
// Replay tasks install dependencies into a cache; tests keep theirs in a folder of the run's own.
const depsCache = process.env.COEVOLVE_DEPS_CACHE ? undefined : mkdtempSync(join(tmpdir(), 'coevolve-test-deps-'));
const env = depsCache ? { ...process.env, COEVOLVE_DEPS_CACHE: depsCache } : process.env;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root, env });
if (depsCache) rmSync(depsCache, { recursive: true, force: true });
process.exit(result.status ?? 1);
