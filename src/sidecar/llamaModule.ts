import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as NodeLlamaCpp from 'node-llama-cpp';
import { CoevolveError } from '../core/errors.ts';
import { importEsm } from '../core/importEsm.ts';

export type LlamaModule = typeof NodeLlamaCpp;

/** The node-llama-cpp release the sidecar is built and tested against. */
export const LLAMA_PACKAGE = 'node-llama-cpp@3.22.1';

/** Where `coevolve sidecar` looks for its engine when nothing else says: a private install. */
function defaultLlamaInstallDir(): string {
  return join(homedir(), '.coevolve', 'sidecar');
}

function llamaInstallCommand(dir = defaultLlamaInstallDir()): string {
  return `npm install --prefix "${dir}" ${LLAMA_PACKAGE}`;
}

/**
 * node-llama-cpp brings ~700 MB of prebuilt CUDA/Vulkan/Metal/CPU binaries, so it never ships in
 * the VSIX or the CLI bundle; it is found at run time, in this order: an explicit folder (setting or
 * --llama-module), $COEVOLVE_LLAMA_MODULE, the private install under ~/.coevolve/sidecar, then
 * ordinary resolution from this bundle (installed beside a global install of the CLI).
 */
function locateLlamaModule(explicit?: string): string {
  const tried: string[] = [];
  const folders = [explicit, process.env.COEVOLVE_LLAMA_MODULE, defaultLlamaInstallDir()].filter((f): f is string => Boolean(f));
  for (const folder of folders) {
    tried.push(folder);
    const found = resolveFrom(folder);
    if (found) return found;
  }
  const fromBundle = resolveFrom(undefined);
  if (fromBundle) return fromBundle;
  tried.push('this installation of coevolve');
  throw new CoevolveError('sidecar-unavailable', `The local model engine (node-llama-cpp) is not installed. Looked in: ${tried.join(', ')}.`, {
    hint: `Install it once with: ${llamaInstallCommand()}`,
  });
}

function resolveFrom(folder: string | undefined): string | undefined {
  try {
    if (folder === undefined) return createRequire(import.meta.url).resolve('node-llama-cpp');
    // Accept the package folder itself, or a prefix that holds node_modules/node-llama-cpp; a relative
    // one (`--llama-module .engine`) from the working folder.
    const dir = resolve(folder);
    const packageJson = existsSync(join(dir, 'package.json')) && dir.endsWith('node-llama-cpp') ? join(dir, 'package.json') : join(dir, 'node_modules', 'node-llama-cpp', 'package.json');
    if (!existsSync(packageJson)) return undefined;
    return createRequire(packageJson).resolve('node-llama-cpp');
  } catch {
    return undefined;
  }
}

export async function loadLlamaModule(explicit?: string): Promise<LlamaModule> {
  const entry = locateLlamaModule(explicit);
  try {
    // An ES module found at run time: never bundled (see importEsm for the CLI's launcher).
    return (await importEsm(pathToFileURL(entry).href)) as LlamaModule;
  } catch (error) {
    throw new CoevolveError('sidecar-unavailable', `node-llama-cpp at ${entry} could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      hint: `Reinstall it with: ${llamaInstallCommand()}`,
      cause: error,
    });
  }
}
