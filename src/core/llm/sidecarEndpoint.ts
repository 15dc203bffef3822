import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isAbsent } from '../util/fsProbe.ts';
import { reportIgnored } from '../ignoredErrors.ts';
import { isProcessAlive } from '../util/processAlive.ts';

/** How clients on this machine find the running sidecar: written by it, private to the user. */
export interface SidecarEndpoint {
  baseURL: string;
  token: string;
  pid: number;
  model: string;
  startedAt: string;
}

export function sidecarStateDir(): string {
  return process.env.COEVOLVE_SIDECAR_STATE ?? join(homedir(), '.coevolve', 'sidecar');
}

function endpointPath(): string {
  return join(sidecarStateDir(), 'endpoint.json');
}

export function writeSidecarEndpoint(endpoint: SidecarEndpoint): void {
  const dir = sidecarStateDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${endpointPath()}.${process.pid}.tmp`;
  // The token is a secret: the file is readable by its owner only, and replaced atomically.
  writeFileSync(temp, `${JSON.stringify(endpoint, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, endpointPath());
}

/** The running sidecar's endpoint, or undefined when none is registered or its process is gone. */
export function readSidecarEndpoint(): SidecarEndpoint | undefined {
  let value: Partial<SidecarEndpoint>;
  try {
    value = JSON.parse(readFileSync(endpointPath(), 'utf8')) as Partial<SidecarEndpoint>;
  } catch {
    return undefined;
  }
  if (typeof value.baseURL !== 'string' || typeof value.token !== 'string' || typeof value.pid !== 'number') return undefined;
  if (!isProcessAlive(value.pid)) return undefined;
  return value as SidecarEndpoint;
}

/** Removes the registration, but only this process's own (a newer sidecar may have replaced it). */
export function removeSidecarEndpoint(pid = process.pid): void {
  try {
    const value = JSON.parse(readFileSync(endpointPath(), 'utf8')) as Partial<SidecarEndpoint>;
    if (value.pid === pid) rmSync(endpointPath(), { force: true });
  } catch (error) {
    // Nothing registered (absent) is the usual case; anything else leaves a file the next start replaces.
    if (!isAbsent(error)) reportIgnored('could not remove the sidecar registration', error);
  }
}


