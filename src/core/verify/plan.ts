import { resolve } from 'node:path';
import { CoevolveError } from '../errors.ts';
import type { CheckDraft, CheckPlan, CheckSpec } from './checkSpec.ts';
import { parseConfiguredChecks } from './configuredChecks.ts';
import { detectChecks } from './detect/detectChecks.ts';
import { statIfPresent } from '../util/fsProbe.ts';

export const DEFAULT_CHECK_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * How the user's configured checks combine with detection:
 * - `fallback` (default): configured checks run only when detection finds nothing.
 * - `replace`: only the configured checks; detection is skipped.
 * - `merge`: detected checks plus configured ones; a configured check whose name is a detected
 *   check's id (`test`, `lint`, ...) takes that check's place.
 */
export type ConfiguredMode = 'fallback' | 'replace' | 'merge';

export interface PlanOptions {
  /** The raw `coevolve.verify` setting (validated here). Must come from the user's settings. */
  configured?: unknown;
  configuredMode?: ConfiguredMode;
  /** Per-check timeout when the check does not set its own. */
  defaultTimeoutMs?: number;
  /** Keep only these check ids (a replay task's test checks, without the project's lint and typecheck). */
  only?: readonly string[];
}

/**
 * Plans the checks for `folder`. The only way to obtain specs the runner will accept: plans are
 * deeply frozen and remembered here, and `runChecks` refuses anything this module did not issue.
 * So whatever a caller (or a model driving one) writes, the commands that run are the project's
 * own (detected from its files) or the user's (from settings).
 */
export async function planChecks(folder: string, options: PlanOptions = {}): Promise<CheckPlan> {
  const root = resolve(folder);
  const info = await statIfPresent(root);
  if (!info?.isDirectory()) throw new CoevolveError('bad-input', `Cannot plan checks: ${root} is not a folder.`);
  const timeout = options.defaultTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  if (!Number.isFinite(timeout) || timeout <= 0) throw new CoevolveError('bad-input', `The check timeout must be a positive number of milliseconds (got ${timeout}).`);

  const mode = options.configuredMode ?? 'fallback';
  const configured = parseConfiguredChecks(options.configured, root);
  const notes: string[] = [];
  let drafts: CheckDraft[];
  if (mode === 'replace') {
    drafts = configured;
  } else {
    const detected = await detectChecks(root);
    notes.push(...detected.notes);
    drafts = mode === 'merge' ? merge(detected.checks, configured) : detected.checks.length > 0 ? detected.checks : configured;
    if (mode === 'fallback' && detected.checks.length > 0 && configured.length > 0) notes.push('Configured checks were not used: detection found checks (set the mode to "merge" or "replace" to use them).');
  }
  if (options.only) drafts = drafts.filter((draft) => options.only!.includes(draft.id));
  if (drafts.length === 0) notes.push('No checks found: no package.json scripts, pytest, go.mod or Cargo.toml, and no coevolve.verify setting.');

  // The user's own commands are opaque (a build, a server they start) and their order is theirs: a
  // plan holding one runs every check in order.
  if (drafts.some((draft) => draft.source === 'configured')) drafts = drafts.map(({ parallel: _parallel, ...draft }) => draft);
  const checks = drafts.map((draft): CheckSpec => deepFreeze({ ...draft, timeoutMs: draft.timeoutMs ?? timeout }));
  const plan: CheckPlan = deepFreeze({ folder: root, checks, notes });
  issued.add(plan);
  for (const check of checks) issuedChecks.add(check);
  return plan;
}

/** Whether `plan` came from `planChecks` (and, being frozen, is unchanged since). */
export function isIssuedPlan(plan: unknown): plan is CheckPlan {
  return typeof plan === 'object' && plan !== null && issued.has(plan) && (plan as CheckPlan).checks.every((check) => issuedChecks.has(check));
}

/** Whether `check` is one of the specs `planChecks` issued. */
export function isIssuedCheck(check: unknown): check is CheckSpec {
  return typeof check === 'object' && check !== null && issuedChecks.has(check);
}

const issued = new WeakSet<object>();
const issuedChecks = new WeakSet<object>();

function merge(detected: readonly CheckDraft[], configured: readonly CheckDraft[]): CheckDraft[] {
  const byId = new Map(configured.map((check) => [check.id, check]));
  const merged = detected.map((check) => {
    const replacement = byId.get(check.id);
    if (!replacement) return check;
    byId.delete(check.id);
    // The user's command in the detected check's slot keeps the detected kind unless they set one.
    return replacement.kind === 'custom' ? { ...replacement, kind: check.kind } : replacement;
  });
  return [...merged, ...byId.values()];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
