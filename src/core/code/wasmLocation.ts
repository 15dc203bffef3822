import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folders holding the tree-sitter WebAssembly files. */
export interface WasmDirs {
  /** Folder that contains `web-tree-sitter.wasm`. */
  runtime: string;
  /** Folder that contains `tree-sitter-<lang>.wasm`. */
  grammars: string;
}

export const runtimeWasmName = 'web-tree-sitter.wasm';

let cached: WasmDirs | undefined;

/**
 * Where the wasm files are: beside the bundle in a build (scripts/build.mjs copies them there and
 * defines import.meta.url as the bundle's URL), else in node_modules when run from source.
 */
export function defaultWasmDirs(): WasmDirs {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, runtimeWasmName)) && existsSync(join(here, 'grammars'))) {
    cached = { runtime: here, grammars: join(here, 'grammars') };
    return cached;
  }
  const require = createRequire(import.meta.url);
  cached = {
    runtime: dirname(require.resolve(`web-tree-sitter/${runtimeWasmName}`)),
    grammars: join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm'),
  };
  return cached;
}

/** Fills what the caller did not override with the defaults. */
export function resolveWasmDirs(override?: Partial<WasmDirs>): WasmDirs {
  if (override?.runtime !== undefined && override.grammars !== undefined) return { runtime: override.runtime, grammars: override.grammars };
  const defaults = defaultWasmDirs();
  return { runtime: override?.runtime ?? defaults.runtime, grammars: override?.grammars ?? defaults.grammars };
}
