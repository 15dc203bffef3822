import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { z } from 'zod';
import { atomicWriteFile } from '../util/atomicWrite.ts';
import { isProcessAlive } from '../util/processAlive.ts';

/**
 * The note each sandbox keeps beside its tree: who owns it and what it copies, so a later run can
 * tell an abandoned sandbox (its process gone) from one in use and clean it up.
 */
const markerSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  pid: z.number().int(),
  hostname: z.string(),
  startedAt: z.string(),
  userRoot: z.string(),
  tree: z.string(),
  kind: z.enum(['worktree', 'copy']),
});

export type SandboxMarker = z.infer<typeof markerSchema>;

export function newMarker(fields: Pick<SandboxMarker, 'id' | 'userRoot' | 'tree' | 'kind'>): SandboxMarker {
  return { version: 1, pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), ...fields };
}

export async function writeMarker(path: string, marker: SandboxMarker): Promise<void> {
  await atomicWriteFile(path, `${JSON.stringify(marker, null, 2)}\n`);
}

/** The marker, or undefined when it is missing or unreadable (a sandbox cut short while opening). */
export async function readMarker(path: string): Promise<SandboxMarker | undefined> {
  try {
    const parsed = markerSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export { isProcessAlive };
