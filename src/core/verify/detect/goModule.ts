import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { displayArgv } from '../checkSpec.ts';
import type { Detection } from './detection.ts';

/** `go test ./...` for a Go module (go.mod). */
export async function detectGoModule(folder: string): Promise<Detection> {
  if (!existsSync(join(folder, 'go.mod'))) return { checks: [], notes: [] };
  const argv = ['go', 'test', './...'];
  return { checks: [{ id: 'go-test', kind: 'test', command: { argv }, display: displayArgv(argv), cwd: folder, source: 'detected:go.mod' }], notes: [] };
}
