import { markUntrusted } from '../memory/untrustedText.ts';
import { CHARS_PER_TOKEN } from './contextFit.ts';
import { diagnosisSchema, renderPlan } from './plan.ts';
import type { Diagnosis, Plan } from './plan.ts';
import { RECTIFIER_PROMPT } from './prompts.ts';
import type { Team } from './team.ts';

const MAX_DIFF = 12_000;
const MEMORY_SHARE_OF_WINDOW = 8;

export interface RectifierInput {
  task: string;
  plan: Pick<Plan, 'summary' | 'steps' | 'risks'>;
  trigger: 'checks' | 'budget';
  /** The new failures and the targets still failing, already rendered as untrusted data. */
  failures: string;
  diff: string;
  /** Writes of the last round that did not apply. */
  failedEdits?: readonly string[];
  /** The last round left the change exactly as the round before left it. */
  unchanged?: boolean;
  history: Diagnosis[];
  /** The task's project memory as the implementer got it (past changes, their code, accepted fixes): how this project fixed such failures before. */
  memory?: { text: string; tokens: number };
  /** The same failures survived a revision: the answer must be a new approach. */
  mustChangeApproach: boolean;
  tokensUsed: number;
  tokenBudget: number;
  signal?: AbortSignal;
}

/** Diagnoses a failed round and decides how the next one differs. */
export async function diagnose(team: Team, input: RectifierInput): Promise<{ diagnosis: Diagnosis; overridden: boolean }> {
  // On a small window the diff gets a third of it (about 7,000 characters of an 8k window), the rest being the task, plan and failures.
  const window = team.contextWindow('rectifier');
  const maxDiff = window ? Math.min(MAX_DIFF, Math.floor((window / 3) * CHARS_PER_TOKEN)) : MAX_DIFF;
  const diff = input.diff.length > maxDiff ? `${input.diff.slice(0, maxDiff)}\n[diff cut at ${maxDiff} characters]` : input.diff;
  const why = input.trigger === 'budget'
    ? `The implementer used ${input.tokensUsed} tokens of a ${input.tokenBudget}-token budget without finishing. Narrow the plan so the rest fits.`
    : 'The change failed: it broke a check, left a target failing, or changed nothing. What failed (the change is blamed only for new failures; targets must pass):';
  const earlier = input.history.map((d, i) => `Round ${i + 1}: ${d.strategy} — ${d.rootCause}`).join('\n');
  // Memory gets at most an eighth of a small window; the diff and the failures need the rest.
  const memory = input.memory?.text && (!window || input.memory.tokens <= window / MEMORY_SHARE_OF_WINDOW) ? input.memory.text : '';
  const content = [
    `Task:\n${input.task}`,
    renderPlan(input.plan),
    why,
    input.trigger === 'checks' ? input.failures : '',
    `The change so far:\n${markUntrusted(diff || '(no changes)', 'diff')}`,
    input.unchanged ? 'The last round did not change anything: the change is exactly what it was the round before.' : '',
    input.failedEdits?.length ? `Edits of the last round that did not apply (the files were left as they were):\n${markUntrusted(input.failedEdits.join('\n'), 'tool errors')}` : '',
    earlier ? `Earlier diagnoses:\n${earlier}` : '',
    memory ? `Project memory (how this project changed such code before; hints, may be wrong):\n${memory}` : '',
    input.mustChangeApproach ? 'The same failures survived the last revision: choose new-approach with a genuinely different idea.' : '',
  ].filter(Boolean).join('\n\n');
  const diagnosis = await team.structured('rectifier', { messages: [{ role: 'system', content: RECTIFIER_PROMPT }, { role: 'user', content }], ...(input.signal ? { signal: input.signal } : {}) }, 'diagnosis', diagnosisSchema);
  // SE-Agent's "revision": after a repeated failure, retrying the same thing is not allowed.
  if (input.mustChangeApproach && diagnosis.strategy !== 'new-approach') return { diagnosis: { ...diagnosis, strategy: 'new-approach' }, overridden: true };
  return { diagnosis, overridden: false };
}
