// Installs the sidecar's engine, node-llama-cpp, into .sidecar-engine/ — the way a user installs it
// into ~/.coevolve/sidecar (see README) — for the sidecar tests, the bench and the type-checker (which
// falls back to src/sidecar/engineTypes.d.ts without it).
// It is not an npm dependency: the registry mirror this project is built against carries only the
// Linux builds of its optional platform packages, so a lockfile that names it cannot pass `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dir = join(root, '.sidecar-engine');
// One pinned version, stated once: the one the sidecar tells users to install.
const source = readFileSync(join(root, 'src/sidecar/llamaModule.ts'), 'utf8');
const version = /LLAMA_PACKAGE = 'node-llama-cpp@([^']+)'/.exec(source)?.[1];
if (!version) throw new Error('could not read the pinned node-llama-cpp version from src/sidecar/llamaModule.ts');

const installed = join(dir, 'node_modules', 'node-llama-cpp', 'package.json');
if (existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === version) process.exit(0);

mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, dependencies: { 'node-llama-cpp': version } }, null, 2)}\n`);
process.stderr.write(`Installing node-llama-cpp@${version} into .sidecar-engine/ (about 700 MB, once)...\n`);
const result = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-package-lock'], {
  stdio: 'inherit',
  // Prebuilt binaries only: its postinstall would otherwise try to build llama.cpp from source.
  env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' },
});
process.exit(result.status ?? 1);
