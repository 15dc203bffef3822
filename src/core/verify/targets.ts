import type { CheckResult, CheckRun, StructuredFailure } from './checkResult.ts';
import type { CheckKind } from './checkSpec.ts';
import { failureKey } from './failureKey.ts';

/**
 * What a change must make pass, when anyone knows: the thing a "solved" verdict is proven on.
 * - replay: a past commit's own tests (a whole check that runs just those files);
 * - failing-test: the test the user named (`--failing-test`);
 * - diagnostic: the problem "Fix with Co-evolve" was asked about (a test, or a type or lint error);
 * - team: tests the team wrote that fail on the original code and pass with the change.
 */
export type TargetOrigin = 'replay' | 'failing-test' | 'diagnostic' | 'team';

/** A target as a front door or a replay task states it, before the baseline run says where it is. */
export type TargetRequest =
  /** Every test of a check must pass (it was failing). */
  | { kind: 'check'; checkId: string; label: string; origin: TargetOrigin }
  /** A test by name, by file, or `file::name` (pytest node ids); matched in the baseline's failures. */
  | { kind: 'test'; name: string; origin: TargetOrigin }
  /** Tests of one check by their exact names (a replay task's fail-to-pass set). */
  | { kind: 'tests'; checkId: string; names: string[]; label: string; origin: TargetOrigin }
  /** A type or lint problem reported in a file (its line may move; its message identifies it). */
  | { kind: 'problem'; file: string; message: string; line?: number; origin: TargetOrigin };

/**
 * A target pinned to the baseline: the check that reports it and the exact failures that are it.
 * After the change it passes when that check ran to a result and none of those failures is there.
 */
export interface Target {
  origin: TargetOrigin;
  /** How a person recognises it: the test's name, `file: message`, or the check's files. */
  label: string;
  checkId: string;
  /** Keys (failureKey) of the baseline failures that are this target; empty for a whole-check target. */
  keys: string[];
  /** The baseline failures themselves, for the model to see what fails and how. */
  failures: StructuredFailure[];
}

export type TargetState = 'failing' | 'passing' | 'unknown';

export interface TargetOutcome {
  target: Target;
  before: TargetState;
  after: TargetState;
  /** The failures after the change that are still this target (empty unless failing). */
  stillFailing: StructuredFailure[];
  /** Why it is unknown after the change, when it is. */
  note?: string;
}

/** A request that matched nothing the baseline reported, with what the baseline did report. */
export interface UnmatchedTarget {
  request: TargetRequest;
  /** The failing tests or problems the baseline did show (for the message), at most a few. */
  candidates: string[];
}

const TEST_KINDS: ReadonlySet<CheckKind> = new Set(['test', 'custom']);
const PROBLEM_KINDS: ReadonlySet<CheckKind> = new Set(['typecheck', 'lint', 'custom', 'test']);

/**
 * Pins each request to the baseline run's failures. A request for a test or problem that the
 * baseline does not show failing is returned as unmatched: it cannot be proven fixed, and a front
 * door decides whether that is an error (`--failing-test`) or just a note (an editor diagnostic no
 * check reports).
 */
export function resolveTargets(requests: readonly TargetRequest[], baseline: CheckRun): { targets: Target[]; unmatched: UnmatchedTarget[] } {
  const targets: Target[] = [];
  const unmatched: UnmatchedTarget[] = [];
  for (const request of requests) {
    const found = resolveOne(request, baseline);
    if (found.length) targets.push(...found);
    else unmatched.push({ request, candidates: failingNames(baseline, request.kind === 'problem' ? PROBLEM_KINDS : TEST_KINDS) });
  }
  return { targets, unmatched };
}

function resolveOne(request: TargetRequest, baseline: CheckRun): Target[] {
  if (request.kind === 'check') {
    const result = baseline.results.find((r) => r.id === request.checkId);
    if (result?.status !== 'failed') return [];
    return [{ origin: request.origin, label: request.label, checkId: request.checkId, keys: [], failures: result.failures.slice(0, 20) }];
  }
  if (request.kind === 'tests') {
    const result = baseline.results.find((r) => r.id === request.checkId);
    const names = new Set(request.names);
    const matches = result?.status === 'failed' ? result.failures.filter((f) => f.testName !== undefined && names.has(f.testName)) : [];
    if (!matches.length) return [];
    return [{ origin: request.origin, label: request.label, checkId: request.checkId, keys: [...new Set(matches.map(failureKey))], failures: matches.slice(0, 20) }];
  }
  const kinds = request.kind === 'test' ? TEST_KINDS : PROBLEM_KINDS;
  const out: Target[] = [];
  for (const result of baseline.results) {
    if (result.status !== 'failed' || !kinds.has(result.kind)) continue;
    const matches = result.failures.filter((failure) => (request.kind === 'test' ? testMatches(request.name, failure) : problemMatches(request, failure)));
    if (!matches.length) continue;
    const label = request.kind === 'test' ? labelForTests(request.name, matches) : `${request.file}: ${firstLine(request.message)}`;
    out.push({ origin: request.origin, label, checkId: result.id, keys: [...new Set(matches.map(failureKey))], failures: matches.slice(0, 20) });
  }
  return out;
}

/** Where `target` stands in `run`: failing when one of its failures is there; passing only when its check ran to a result without them. */
function targetState(target: Target, run: CheckRun): { state: TargetState; failures: StructuredFailure[] } {
  const result = run.results.find((r) => r.id === target.checkId);
  if (!result || !ranToResult(result)) return { state: 'unknown', failures: [] };
  if (!target.keys.length) return result.status === 'passed' ? { state: 'passing', failures: [] } : { state: 'failing', failures: result.failures.slice(0, 20) };
  const keys = new Set(target.keys);
  const failures = result.failures.filter((failure) => keys.has(failureKey(failure)));
  return failures.length ? { state: 'failing', failures } : { state: 'passing', failures: [] };
}

/**
 * Each target, before and after. A failure that is gone is not yet a test that passed (a runner told
 * to skip everything reports no failure either): where the runner prints how many tests passed, the
 * tests that stopped failing must show up there, or the targets are not known to pass.
 */
export function compareTargets(targets: readonly Target[], before: CheckRun, after: CheckRun): TargetOutcome[] {
  const outcomes: TargetOutcome[] = targets.map((target) => {
    const now = targetState(target, after);
    return { target, before: targetState(target, before).state, after: now.state, stillFailing: now.failures };
  });
  for (const checkId of new Set(outcomes.map((o) => o.target.checkId))) {
    const moved = outcomes.filter((o) => o.target.checkId === checkId && o.before === 'failing' && o.after === 'passing');
    const passedAfter = after.results.find((r) => r.id === checkId)?.passed;
    const passedBefore = before.results.find((r) => r.id === checkId)?.passed ?? 0;
    if (!moved.length || seenPassing(passedBefore, passedAfter, moved.reduce((sum, o) => sum + testsIn(o.target), 0))) continue;
    const note = `its failures are gone, but the runner reports ${passedAfter} test${passedAfter === 1 ? '' : 's'} passed after the change, ${passedBefore} before: the tests that stopped failing were not seen to pass (were they skipped?)`;
    for (const outcome of moved) Object.assign(outcome, { after: 'unknown', note });
  }
  return outcomes;
}

/**
 * Whether the runner's pass counts account for `stopped` tests that no longer fail: at least that
 * many more passed after than before. Unknown counts (a runner without a summary) cannot say no.
 */
export function seenPassing(passedBefore: number | undefined, passedAfter: number | undefined, stopped: number): boolean {
  return passedAfter === undefined || passedAfter >= (passedBefore ?? 0) + stopped;
}

/** How many tests a target stands for: its distinct failures (a whole check: each failure it had). */
function testsIn(target: Target): number {
  return Math.max(1, target.keys.length || new Set(target.failures.map(failureKey)).size);
}

function ranToResult(result: CheckResult): boolean {
  return result.status === 'passed' || result.status === 'failed';
}

/**
 * A test named by a person: the test's name (any part of it, ignoring case and spacing), its file,
 * or `file::name` as pytest prints node ids.
 */
function testMatches(name: string, failure: StructuredFailure): boolean {
  const wanted = squash(name);
  if (!wanted) return false;
  const testName = squash(failure.testName ?? '');
  if (testName && (testName === wanted || testName.includes(wanted))) return true;
  const [file, rest] = wanted.includes('::') ? [wanted.slice(0, wanted.indexOf('::')), wanted.slice(wanted.indexOf('::') + 2)] : [wanted, ''];
  if (!failure.file || !looksLikePath(file)) return false;
  const path = squash(failure.file);
  const sameFile = path === file || path.endsWith(`/${file}`) || file.endsWith(`/${path}`);
  if (!sameFile) return false;
  return rest === '' || (testName !== '' && testName.includes(rest));
}

/** A problem from the editor: same file, and the same first message line (the line number may have moved). */
function problemMatches(request: Extract<TargetRequest, { kind: 'problem' }>, failure: StructuredFailure): boolean {
  if (!failure.file) return false;
  const file = request.file.replaceAll('\\', '/');
  if (!(failure.file === file || failure.file.endsWith(`/${file}`) || file.endsWith(`/${failure.file}`))) return false;
  const wanted = squash(firstLine(request.message));
  const got = squash(firstLine(failure.message));
  return wanted !== '' && (got.includes(wanted) || wanted.includes(got));
}

function labelForTests(name: string, matches: readonly StructuredFailure[]): string {
  const names = [...new Set(matches.map((m) => m.testName).filter((n): n is string => Boolean(n)))];
  if (names.length === 1) return names[0]!;
  return names.length ? `${name} (${names.length} tests)` : name;
}

function failingNames(run: CheckRun, kinds: ReadonlySet<CheckKind>): string[] {
  const names = run.results.filter((r) => r.status === 'failed' && kinds.has(r.kind)).flatMap((r) => r.failures.map((f) => f.testName ?? (f.file ? `${f.file}: ${firstLine(f.message)}` : '')));
  return [...new Set(names.filter(Boolean))].slice(0, 8);
}

function looksLikePath(text: string): boolean {
  return text.includes('/') || /\.\w{1,4}$/.test(text);
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}
