import { z } from 'zod';

// The generator's output. Every string is bounded: a plan is a plan, not an essay, and a local
// model's grammar-constrained output must terminate.

export const planSchema = z.object({
  summary: z.string().max(600).describe('What will change and why, in two or three sentences.'),
  steps: z
    .array(
      z.object({
        description: z.string().max(400),
        files: z.array(z.string().max(200)).max(12).describe('Files to read or change, relative to the repository root.'),
        symbols: z.array(z.string().max(120)).max(12).describe('Functions, classes or methods involved.'),
      }),
    )
    .min(1)
    .max(10),
  checks: z.array(z.string().max(200)).max(8).describe('Which of the available checks prove the change (by id), and what new test, if any, should be added.'),
  risks: z.array(z.string().max(300)).max(6),
  team: z.object({
    // Not bounded here: a number out of range is pulled into the user's bounds (solveBudget.ts), not
    // refused, so a small model's odd choice does not cost the plan.
    rounds: z.number().int().describe('How many implement-verify rounds the task deserves (rectification included), usually 1 to 4; the user\'s configuration caps it.'),
    tokenBudget: z.number().int().describe('Tokens the whole task may use; the user\'s configuration caps it, and a plan cannot go below a floor that keeps the run workable.'),
    implementerModel: z.enum(['implementer', 'generator', 'rectifier']).describe('Whose model implements: the implementer\'s for routine work, a stronger one for delicate work.'),
  }),
});
export type Plan = z.infer<typeof planSchema>;

export const diagnosisSchema = z.object({
  rootCause: z.string().max(800).describe('Why the checks failed, from the failures themselves.'),
  strategy: z.enum(['revise-patch', 'revise-plan', 'new-approach']).describe('revise-patch: fix the current change; revise-plan: same approach, different steps; new-approach: start over from the original files with a different idea.'),
  instructions: z.string().max(1500).describe('What the implementer must do next, concretely.'),
  steps: z.array(z.object({ description: z.string().max(400), files: z.array(z.string().max(200)).max(12), symbols: z.array(z.string().max(120)).max(12) })).max(10).describe('New steps, when the plan changes.'),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;

/** A plan as text for the implementer's prompt. */
export function renderPlan(plan: Pick<Plan, 'summary' | 'steps' | 'risks'>): string {
  const lines = [`Plan: ${plan.summary}`];
  plan.steps.forEach((step, i) => {
    const where = [...step.files, ...step.symbols].join(', ');
    lines.push(`${i + 1}. ${step.description}${where ? ` [${where}]` : ''}`);
  });
  if (plan.risks.length) lines.push(`Risks: ${plan.risks.join('; ')}`);
  return lines.join('\n');
}
