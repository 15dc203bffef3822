import type { ChatResult } from './chatClient.ts';
import { LOCAL_PRESETS } from './providers.ts';
import type { ResolvedModel } from './providers.ts';

/** Prices per million tokens, when the user states them (local models cost nothing per token). */
export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface CallRecord {
  role: string;
  model: string;
  provider: string;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  /** Undefined when no price is known for the model. */
  costUsd?: number;
  ok: boolean;
  error?: string;
  at: string;
}

export interface AccountingTotals {
  calls: number;
  failedCalls: number;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  costUsd: number;
  /** True when some call's model had no price, so costUsd is a lower bound. */
  costIncomplete: boolean;
  byRole: Record<string, { calls: number; promptTokens: number; completionTokens: number; costUsd: number }>;
}

/** Tokens, cost and latency of every model call in one task, kept with the run. */
export class Accounting {
  readonly calls: CallRecord[] = [];

  constructor(private readonly prices: Record<string, Price> = {}) {}

  record(model: ResolvedModel, result: ChatResult): CallRecord {
    const price = this.prices[`${model.providerName}/${model.model}`] ?? this.prices[model.model] ?? (LOCAL_PRESETS.has(model.preset) ? { inputPerMTok: 0, outputPerMTok: 0 } : undefined);
    const record: CallRecord = {
      role: model.role,
      model: result.model || model.model,
      provider: model.providerName,
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
      latencyMs: result.latencyMs,
      ok: true,
      at: new Date().toISOString(),
    };
    if (price) record.costUsd = (result.usage.promptTokens * price.inputPerMTok + result.usage.completionTokens * price.outputPerMTok) / 1_000_000;
    this.calls.push(record);
    return record;
  }

  recordFailure(model: ResolvedModel, latencyMs: number, error: string): void {
    this.calls.push({ role: model.role, model: model.model, provider: model.providerName, promptTokens: 0, completionTokens: 0, latencyMs, ok: false, error, at: new Date().toISOString() });
  }

  totals(): AccountingTotals {
    const totals: AccountingTotals = { calls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, latencyMs: 0, costUsd: 0, costIncomplete: false, byRole: {} };
    for (const call of this.calls) {
      totals.calls++;
      if (!call.ok) totals.failedCalls++;
      totals.promptTokens += call.promptTokens;
      totals.completionTokens += call.completionTokens;
      totals.latencyMs += call.latencyMs;
      if (call.ok && call.costUsd === undefined) totals.costIncomplete = true;
      totals.costUsd += call.costUsd ?? 0;
      const role = (totals.byRole[call.role] ??= { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });
      role.calls++;
      role.promptTokens += call.promptTokens;
      role.completionTokens += call.completionTokens;
      role.costUsd += call.costUsd ?? 0;
    }
    return totals;
  }
}
