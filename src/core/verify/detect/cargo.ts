import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { displayArgv } from '../checkSpec.ts';
import type { Detection } from './detection.ts';

/** `cargo test` for a Rust crate or workspace (Cargo.toml). */
export async function detectCargo(folder: string): Promise<Detection> {
  if (!existsSync(join(folder, 'Cargo.toml'))) return { checks: [], notes: [] };
  const argv = ['cargo', 'test'];
  return { checks: [{ id: 'cargo-test', kind: 'test', command: { argv }, display: displayArgv(argv), cwd: folder, source: 'detected:Cargo.toml' }], notes: [] };
}
