import { categorizePath } from '../git/fileCategory.ts';
import { writeBaseVersions } from '../sandbox/baseVersions.ts';
import type { ChangedFile, Sandbox } from '../sandbox/sandbox.ts';
import type { CheckRun } from '../verify/checkResult.ts';
import { planChecks } from '../verify/plan.ts';
import { runChecks } from '../verify/runChecks.ts';
import type { TargetOutcome } from '../verify/targets.ts';
import { isVerifierDefinition } from '../verify/verifierFiles.ts';
import { replayChecks, testRunnerFamily } from '../verify/testFiles/testRunners.ts';
import { CoevolveError } from '../errors.ts';

export interface TeamTestProof {
  /** One outcome per test command, all failing before and passing after, when the tests prove the change. */
  outcomes: TargetOutcome[];
  /** What was found, for the run log (why it proves nothing, when it does not). */
  note: string;
  /** The runs, for the trajectory. */
  runs?: { before: CheckRun; after: CheckRun };
}

/**
 * "Reproduce first", checked: the tests the team added or changed must fail on the original code and
 * pass with the change, run on their own. The change's source files are swapped for their original
 * versions for the first run (the tests stay as the team wrote them), then the change is put back.
 * A test that passes either way demonstrates nothing and proves nothing.
 */
export async function proveWithTeamTests(sandbox: Sandbox, change: string, files: readonly ChangedFile[], options: { workspaceTrusted: boolean; timeoutMs?: number; signal?: AbortSignal }): Promise<TeamTestProof> {
  const { signal } = options;
  const live = files.filter((f) => f.status !== 'deleted');
  const tests = live.filter((f) => categorizePath(f.path) === 'test' && testRunnerFamily(f.path) !== undefined && testRunnerFamily(f.path) !== 'suite').map((f) => f.path);
  if (!tests.length) return { outcomes: [], note: 'The team added no test that demonstrates the change.' };
  const { configured } = await replayChecks(sandbox.root, tests);
  if (!configured) return { outcomes: [], note: `The team's tests (${tests.join(', ')}) cannot be run on their own here: no per-file test command is known for this project.` };
  const plan = await planChecks(sandbox.root, { configured, configuredMode: 'replace', ...(options.timeoutMs ? { defaultTimeoutMs: options.timeoutMs } : {}) });
  const run = async (): Promise<CheckRun> => {
    const result = await runChecks(plan, { workspaceTrusted: options.workspaceTrusted, ...(signal ? { signal } : {}) });
    if (result.cancelled || signal?.aborted) throw new CoevolveError('cancelled', 'Cancelled.');
    return result;
  };
  const after = await run();
  if (!after.results.every((r) => r.status === 'passed')) return { outcomes: [], note: `The team's tests (${tests.join(', ')}) do not pass with the change when run on their own.`, runs: { before: after, after } };
  // The original code, with the team's tests: every changed file that is not a test or a check definition.
  const source = files.flatMap((f) => (f.from ? [f.from, f.path] : [f.path])).filter((path) => categorizePath(path) !== 'test' && !isVerifierDefinition(path));
  if (!source.length) return { outcomes: [], note: 'The change touched only tests: nothing it changed could make them pass.', runs: { before: after, after } };
  let before: CheckRun;
  try {
    await writeBaseVersions(sandbox, [...new Set(source)], signal);
    before = await run();
  } finally {
    if (!signal?.aborted) await sandbox.restore(change, signal);
  }
  const failedBefore = before.results.filter((r) => r.status === 'failed');
  if (failedBefore.length !== before.results.length) {
    const why = before.results.some((r) => r.status === 'passed') ? 'pass on the original code too, so they do not demonstrate the change' : 'could not run on the original code';
    return { outcomes: [], note: `The team's tests (${tests.join(', ')}) ${why}.`, runs: { before, after } };
  }
  const outcomes = plan.checks.map((check): TargetOutcome => {
    const files = testFilesOf(check.display, tests);
    return { target: { origin: 'team', label: `the team's test ${files.join(', ')}`, checkId: check.id, keys: [], failures: before.results.find((r) => r.id === check.id)?.failures.slice(0, 20) ?? [] }, before: 'failing', after: 'passing', stillFailing: [] };
  });
  return { outcomes, note: `Reproduced: the team's tests (${tests.join(', ')}) fail on the original code and pass with the change.`, runs: { before, after } };
}

function testFilesOf(command: string, tests: readonly string[]): string[] {
  const named = tests.filter((test) => command.includes(test) || command.includes(test.slice(test.lastIndexOf('/') + 1)));
  return named.length ? named : [...tests];
}
