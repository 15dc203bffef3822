import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckDraft, CheckKind } from '../checkSpec.ts';
import type { Detection } from './detection.ts';
import { detectPackageManager, runScriptCommand } from './packageManager.ts';
import { scriptMayWrite } from './scriptEffects.ts';
import { isAbsent } from '../../util/fsProbe.ts';

const TYPECHECK_SCRIPTS = ['typecheck', 'type-check', 'check-types', 'types:check', 'tsc'];
const LINT_SCRIPTS = ['lint', 'eslint', 'lint:check'];
/** What `npm init` writes; running it proves nothing. */
const PLACEHOLDER_TEST = /no test specified/;
/** Script names we are willing to pass on (they reach a shell on Windows). */
const SAFE_NAME = /^[\w:.@/-]+$/;

/**
 * package.json scripts: `test`, a typecheck (a script named like one, else any script that runs
 * `tsc --noEmit`), and `lint`, each run through the package manager the project uses. A typecheck
 * or lint script the `test` script already runs is not run a second time. The typecheck and lint
 * are marked `parallel` (they may run while the tests run) when none of the checks found here
 * writes files, as far as their scripts tell (see scriptEffects.ts): a lint that fixes, a `tsc`
 * that emits, or a test script that builds first keeps all three in order.
 */
export async function detectPackageJson(folder: string): Promise<Detection> {
  const notes: string[] = [];
  let text: string;
  try {
    text = await readFile(join(folder, 'package.json'), 'utf8');
  } catch (error) {
    if (isAbsent(error)) return { checks: [], notes };
    return { checks: [], notes: [...notes, `package.json could not be read (${error instanceof Error ? error.message : String(error)}); its scripts were not run.`] };
  }
  let manifest: { scripts?: unknown; packageManager?: unknown };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    return { checks: [], notes: ['package.json is not valid JSON; its scripts were not read.'] };
  }
  const scripts = readScripts(manifest.scripts);
  const { manager, evidence } = detectPackageManager(folder, manifest.packageManager);

  const picked: { id: string; kind: CheckKind; script: string }[] = [];
  const test = scripts.get('test');
  if (test !== undefined && !PLACEHOLDER_TEST.test(test)) picked.push({ id: 'test', kind: 'test', script: 'test' });
  else if (test !== undefined) notes.push('package.json "test" is the npm placeholder; skipped.');

  const typecheck = TYPECHECK_SCRIPTS.find((name) => scripts.has(name)) ?? [...scripts].find(([, body]) => /\btsc\b/.test(body) && /--noEmit\b/.test(body))?.[0];
  if (typecheck !== undefined) picked.push({ id: 'typecheck', kind: 'typecheck', script: typecheck });
  const lint = LINT_SCRIPTS.find((name) => scripts.has(name));
  if (lint !== undefined) picked.push({ id: 'lint', kind: 'lint', script: lint });

  const kept = picked.filter(({ kind, script }) => {
    if (!SAFE_NAME.test(script)) {
      notes.push(`package.json script "${script}" has an unusual name; skipped.`);
      return false;
    }
    if (kind !== 'test' && test !== undefined && runsScript(test, script, scripts.get(script)!)) {
      notes.push(`package.json "${script}" is already run by "test"; not run separately.`);
      return false;
    }
    return true;
  });
  const readOnly = kept.every(({ script }) => !scriptMayWrite(scripts, script));
  const checks: CheckDraft[] = kept.map(({ id, kind, script }) => ({
    id,
    kind,
    command: runScriptCommand(manager, script),
    display: `${manager} run ${script}`,
    cwd: folder,
    source: 'detected:package.json',
    ...(readOnly && kind !== 'test' ? { parallel: true as const } : {}),
  }));
  if (checks.length > 0 && evidence !== 'default') notes.push(`Using ${manager} (from ${evidence}).`);
  return { checks, notes };
}

function readScripts(value: unknown): Map<string, string> {
  const scripts = new Map<string, string>();
  if (typeof value !== 'object' || value === null) return scripts;
  for (const [name, body] of Object.entries(value)) if (typeof body === 'string') scripts.set(name, body);
  return scripts;
}

/** Whether the test script's body runs `script` (`npm run lint`, `pnpm lint`, or its very command). */
function runsScript(testBody: string, script: string, scriptBody: string): boolean {
  const name = script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b(?:npm|pnpm|yarn|bun)\\s+(?:run\\s+)?${name}(?![\\w:-])`).test(testBody) || (scriptBody.trim() !== '' && testBody.includes(scriptBody.trim()));
}
