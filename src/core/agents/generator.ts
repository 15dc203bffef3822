import type { CheckPlan } from '../verify/checkSpec.ts';
import { markUntrusted } from '../memory/untrustedText.ts';
import type { MemoryContext } from './memoryContext.ts';
import { planSchema } from './plan.ts';
import type { Plan } from './plan.ts';
import { GENERATOR_PROMPT } from './prompts.ts';
import type { Team } from './team.ts';

export interface GeneratorInput {
  task: string;
  memory: MemoryContext;
  checks: CheckPlan;
  /** The targets the change must make pass (their failures as the baseline printed them), or the reproduce-first instruction. */
  targets?: string;
  /** A short listing of the project (top folders, file count), so paths in the plan are real. */
  layout: string;
  signal?: AbortSignal;
}

/** The generator designs the plan and configures the team. */
export async function generatePlan(team: Team, input: GeneratorInput): Promise<Plan> {
  const checks = input.checks.checks.map((c) => `- ${c.id}: ${c.display}`).join('\n') || '(none detected)';
  const content = [
    `Task:\n${input.task}`,
    `Project layout:\n${markUntrusted(input.layout, 'file listing')}`,
    input.memory.text ? `Project memory:\n${input.memory.text}` : 'Project memory: none yet.',
    `Checks that will verify the change:\n${checks}`,
    input.targets ?? '',
  ].filter(Boolean).join('\n\n');
  return team.structured('generator', { messages: [{ role: 'system', content: GENERATOR_PROMPT }, { role: 'user', content }], ...(input.signal ? { signal: input.signal } : {}) }, 'plan', planSchema);
}
