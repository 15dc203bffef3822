import type { Evidence } from '../verify/verdict.ts';
import type { Plan } from './plan.ts';

/** Progress a front door shows while a task runs (the CLI prints it; the editor shows it). */
export type SolveEvent =
  /** First of all: where the run is recorded (the editor follows it live by this id). */
  | { type: 'run'; runId: string; runDir: string }
  | { type: 'stage'; stage: 'sandbox' | 'memory' | 'baseline' | 'plan' | 'implement' | 'verify' | 'rectify' | 'done'; round?: number; detail?: string }
  | { type: 'checks'; checks: { id: string; command: string }[]; notes: string[] }
  | { type: 'check'; phase: 'before' | 'after'; round: number; id: string; status: string; durationMs: number; failures: number }
  | { type: 'plan'; plan: Plan; team: Record<string, string> }
  | { type: 'tool'; round: number; name: string; detail: string; ok: boolean }
  | { type: 'verdict'; round: number; ok: boolean; evidence: Evidence; text: string }
  | { type: 'diagnosis'; round: number; trigger: 'checks' | 'budget'; strategy: string; rootCause: string }
  | { type: 'note'; text: string };
