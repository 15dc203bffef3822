import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureStoreIgnores } from '../memory/store.ts';
import { storePathSync } from '../store/storePath.ts';
import { redact } from '../security/redact.ts';
import { COMMIT_MESSAGE as RUN_LOG_TEXT } from '../security/minedText.ts';

const MAX_TEXT = 20_000;

export type TrajectoryEvent =
  | { type: 'task'; text: string; origin?: string; memory: { experienceIds: string[]; files: string[]; skillIds: string[]; fixIds: string[]; tokens: number } }
  | { type: 'checks'; phase: 'before' | 'after'; round: number; results: unknown }
  /** `earlierMessages`: how many messages come first, the same as the whole conversation of this role's previous model-call (see `modelCallConversations`); `messages` follow them. */
  | { type: 'model-call'; role: string; model: string; provider: string; earlierMessages?: number; messages: unknown[]; answer: unknown; promptTokens: number; completionTokens: number; costUsd?: number; latencyMs: number; ok: boolean; error?: string }
  | { type: 'tool-call'; round: number; name: string; arguments: unknown; ok: boolean; result: string; ms: number }
  | { type: 'plan'; plan: unknown }
  | { type: 'diagnosis'; round: number; diagnosis: unknown; trigger: string }
  | { type: 'round'; round: number; outcome: string; failedEdits?: string[] }
  /** What must pass, as the baseline showed it, and what the baseline said about the checks. */
  | { type: 'targets'; targets: unknown[]; notes: string[] }
  /** Whether the team's own tests fail on the original code and pass with the change. */
  | { type: 'reproduction'; round: number; note: string; before?: unknown; after?: unknown }
  | { type: 'verdict'; round: number; evidence: string; reason: string; targets: unknown[]; protectedEdits: string[] }
  /** An error the run carried on past, and why that was safe (src/core/ignoredErrors.ts). */
  | { type: 'ignored-error'; text: string }
  | { type: 'end'; status: string; evidence?: string; reason?: string };

/**
 * Everything a run did, one JSON line per event under `<store>/runs/<id>/`: what the co-evolution
 * loop learns from and what a user reads to see why the agent did what it did. Secrets are redacted
 * and long texts capped before anything reaches the disk; each line is appended whole, so a crash
 * leaves a readable prefix.
 */
export class Trajectory {
  readonly id: string;
  readonly dir: string;
  private readonly file: string;
  private readonly started = Date.now();

  constructor(storeDir: string, id = newRunId()) {
    this.id = id;
    this.dir = storePathSync(storeDir, 'runs', id);
    mkdirSync(this.dir, { recursive: true });
    ensureStoreIgnores(storeDir);
    this.file = join(this.dir, 'trajectory.jsonl');
  }

  record(event: TrajectoryEvent): void {
    const line = JSON.stringify({ at: new Date().toISOString(), ms: Date.now() - this.started, ...event }, (_key, value: unknown) => (typeof value === 'string' ? clean(value) : value));
    appendFileSync(this.file, `${line}\n`);
  }

  writeFile(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, redact(content));
    return path;
  }
}

/**
 * Each model call's whole conversation, in the order of the calls, put back together from a
 * trajectory's events (a model-call event writes only what its role's previous one did not hold).
 * `complete` is false where an event refers to more earlier messages than are known (lines lost).
 */
export function modelCallConversations(events: readonly { type: string; role?: string; earlierMessages?: number; messages?: unknown[] }[]): { role: string; messages: unknown[]; complete: boolean }[] {
  const last = new Map<string, { messages: unknown[]; complete: boolean }>();
  const conversations: { role: string; messages: unknown[]; complete: boolean }[] = [];
  for (const event of events) {
    if (event.type !== 'model-call' || event.role === undefined) continue;
    const earlier = event.earlierMessages ?? 0;
    const before = last.get(event.role) ?? { messages: [], complete: true };
    const conversation = { role: event.role, messages: [...before.messages.slice(0, earlier), ...(event.messages ?? [])], complete: earlier === 0 || (before.complete && earlier <= before.messages.length) };
    last.set(event.role, conversation);
    conversations.push(conversation);
  }
  return conversations;
}

function clean(text: string): string {
  // A run's events carry repository text (files the tools read, command output) as well as the
  // models' words: redacted as strictly as mined history (random literals, passwords in prose).
  const safe = redact(text, RUN_LOG_TEXT);
  return safe.length > MAX_TEXT ? `${safe.slice(0, MAX_TEXT)}… [${safe.length - MAX_TEXT} more characters not kept]` : safe;
}

/** Sortable by time, unique enough for one machine: 20261122-021955-a1b2c3. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
