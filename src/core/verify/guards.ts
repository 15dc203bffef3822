import { CoevolveError } from '../errors.ts';
import type { CheckPlan, CheckSpec } from './checkSpec.ts';
import { isIssuedCheck, isIssuedPlan } from './plan.ts';

/**
 * The two rules every way of running a check enforces, trust first: the workspace is trusted,
 * and the checks came from `planChecks` (detection or the user's settings), never from elsewhere.
 */
export function assertMayRun(workspaceTrusted: boolean, target: { plan: CheckPlan } | { check: CheckSpec }): void {
  if (!workspaceTrusted) {
    throw new CoevolveError('workspace-untrusted', 'Checks were not run: this workspace is not trusted.', {
      hint: 'Running a project\u2019s tests runs its code. Trust the workspace to let Co-evolve verify changes.',
    });
  }
  const issued = 'plan' in target ? isIssuedPlan(target.plan) : isIssuedCheck(target.check);
  if (!issued) throw new CoevolveError('bad-input', 'Checks must come from planChecks (the project\u2019s own configuration or the coevolve.verify setting).');
}
