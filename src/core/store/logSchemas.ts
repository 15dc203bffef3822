import { z } from 'zod';
import type { StoreLog } from './storeLogs.ts';

// The shape of every record of the store's logs, checked whenever one is read. The big records
// (fixes, evolution decisions) are checked on the fields the product relies on; the rest is kept.

const utilitySchema = z.looseObject({ q: z.number().min(-1).max(1), helpful: z.number().int().nonnegative(), harmful: z.number().int().nonnegative(), uses: z.number().int().nonnegative() });

export const fixRecordSchema = z.looseObject({
  schema: z.literal(1),
  id: z.string().min(1),
  source: z.literal('fix'),
  runId: z.string().min(1),
  time: z.number(),
  task: z.string(),
  plan: z.string(),
  summary: z.string(),
  patchSummary: z.string(),
  files: z.array(z.string()),
  verification: z.looseObject({ status: z.string(), evidence: z.string().optional(), checks: z.array(z.unknown()) }),
  rounds: z.number().int().nonnegative(),
  outcome: z.enum(['accepted', 'edited', 'rejected']),
  verified: z.boolean(),
  active: z.boolean(),
  memoryUsed: z.looseObject({ experienceIds: z.array(z.string()), skillIds: z.array(z.string()), fixIds: z.array(z.string()) }),
  utility: utilitySchema,
});

export const creditEntrySchema = z.object({
  at: z.number().nonnegative(),
  id: z.string().min(1),
  reward: z.union([z.literal(1), z.literal(0.5), z.literal(-1)]),
  q: z.number().min(-1).max(1),
  helpful: z.number().int().nonnegative(),
  harmful: z.number().int().nonnegative(),
  uses: z.number().int().nonnegative(),
  quarantined: z.string().optional(),
});

export const OUTCOMES = ['helped', 'hurt', 'unused'] as const;

export const outcomeRecordSchema = z.object({
  at: z.iso.datetime(),
  runId: z.string().min(1).max(200).optional(),
  itemIds: z.array(z.string().min(1).max(200)).min(1).max(100),
  outcome: z.enum(OUTCOMES),
  note: z.string().max(2000).optional(),
  /** The reporting client (its MCP initialize name), when known. */
  client: z.string().max(200).optional(),
});

export const decisionRecordSchema = z.looseObject({
  at: z.string(),
  clusterId: z.string(),
  signature: z.string(),
  runs: z.array(z.string()),
  verdict: z.string(),
  reason: z.string(),
  evidence: z.looseObject({ pairs: z.array(z.unknown()), heldOut: z.array(z.unknown()) }),
});

export const STORE_LOG_SCHEMAS: Readonly<Record<StoreLog, z.ZodType<unknown>>> = {
  'memory/fixes.jsonl': fixRecordSchema,
  'memory/credits.jsonl': creditEntrySchema,
  'feedback/outcomes.jsonl': outcomeRecordSchema,
  'evolution/decisions.jsonl': decisionRecordSchema,
};
