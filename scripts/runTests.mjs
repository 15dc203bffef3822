// Runs every *.test.ts under test/ (or the paths given) with Node's own test runner, through tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
