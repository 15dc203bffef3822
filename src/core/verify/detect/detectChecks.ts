import type { Detection, Detector } from './detection.ts';
import { detectCargo } from './cargo.ts';
import { detectGoModule } from './goModule.ts';
import { detectPackageJson } from './packageJson.ts';
import { detectPytest } from './pytest.ts';

/** In this order; a folder that is several kinds of project (a Go server with a JS frontend) gets all of them. */
const DETECTORS: readonly Detector[] = [detectPackageJson, detectPytest, detectGoModule, detectCargo];

/** The checks a folder's own files define. Reads files, and asks Python interpreters which modules they have; runs no check. */
export async function detectChecks(folder: string): Promise<Detection> {
  const found: Detection = { checks: [], notes: [] };
  for (const detect of DETECTORS) {
    const { checks, notes } = await detect(folder);
    found.checks.push(...checks);
    found.notes.push(...notes);
  }
  return found;
}
