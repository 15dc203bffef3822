import * as z from 'zod';
import type { SolveEvent } from '../core/agents/events.ts';
import type { RunOrigin, SolveStatus } from '../core/agents/runKinds.ts';
import type { Verdict } from '../core/evolution/verdictKind.ts';
import type { HumanOutcome } from '../core/learning/humanOutcome.ts';
import type { ExperienceKind } from '../core/memory/experience.ts';

// The one channel between the memory & skill browser (webview) and its host (extension). Both ends
// import this file: the names, the shapes and the validation cannot drift apart. Every message that
// arrives at either end goes through `parse*` first — the webview renders repository text, so it is
// treated as untrusted input too, and the host must not trust what the webview sends.

const MAX_TEXT = 2_000;
const MAX_LIST = 500;

const text = (max = MAX_TEXT) => z.string().max(max);
const sha = z.string().regex(/^[0-9a-f]{7,64}$/, 'a commit sha');
const skillName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a skill name');
const version = z.number().int().positive().max(1_000_000);
/** A workspace-relative path: the host resolves it and refuses anything outside the workspace. */
export function isWorkspacePath(path: string): boolean {
  return path.length > 0 && path.length <= 1_024 && !path.startsWith('/') && !/^[a-zA-Z]:/.test(path) && !path.split(/[\\/]/).includes('..');
}
const relativePath = z.string().min(1).max(1_024).refine(isWorkspacePath, 'a path inside the workspace');

const utilitySchema = z.object({
  q: z.number(),
  helpful: z.number().int().nonnegative(),
  harmful: z.number().int().nonnegative(),
  uses: z.number().int().nonnegative(),
  quarantined: z.enum(['auto', 'manual']).optional(),
  pinned: z.boolean().optional(),
});

const experienceRowSchema = z.object({
  sha,
  kind: text(40),
  subject: text(),
  /** The commit's author, when the host has the full record (it always does in the browse list). */
  author: text(300).optional(),
  time: text(64),
  score: z.number(),
  why: z.array(text()).max(50),
  files: z.array(relativePath).max(MAX_LIST),
  symbols: z.array(text(300)).max(MAX_LIST),
  utility: utilitySchema,
  /** When a person told memory to forget it: a tombstone, with nothing of the commit left. */
  forgotten: text(64).optional(),
});

/** Every kind an experience can have; the compile-time check below fails when core adds one. */
export const EXPERIENCE_KINDS = ['fix', 'feature', 'refactor', 'test', 'docs', 'chore', 'revert'] as const satisfies readonly ExperienceKind[];
const _everyKind: Record<Exclude<ExperienceKind, (typeof EXPERIENCE_KINDS)[number]>, never> = {};

/** At most this many rows in one page of the browse list: the webview never holds the whole store. */
const MAX_PAGE = 200;
// A pattern is matched against every file of every experience; bounding its wildcards keeps a
// typed glob from turning into a regular expression that backtracks for seconds.
const MAX_WILDCARDS = 4;

const filterText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !Array.from(value).some((c) => c < ' ' || c === '\u007f'), 'no control characters');

/** What the Memory tab narrows experiences by; each field is left out when not used. */
const experienceFilterSchema = z
  .object({
    kind: z.enum(EXPERIENCE_KINDS).optional(),
    /** A path substring (`parser`), or a glob (`src/**\/*.ts`; `*.md` matches names at any depth). */
    file: filterText(300).refine((value) => (value.match(/\*+/g) ?? []).length <= MAX_WILDCARDS, `at most ${MAX_WILDCARDS} wildcards`).optional(),
    /** Part of an author's name or email, any case. */
    author: filterText(200).optional(),
  })
  .strict();

const searchResultSchema = z.object({
  experiences: z.array(experienceRowSchema).max(MAX_LIST),
  files: z.array(z.object({ path: relativePath, score: z.number(), why: z.array(text()).max(50) })).max(MAX_LIST),
  symbols: z.array(z.object({ path: relativePath, name: text(300), kind: text(40), score: z.number(), why: z.array(text()).max(50) })).max(MAX_LIST),
  /** Why a channel was left out of this search (the embedder is down, the code index is being built). */
  notes: z.array(text(2000)).max(10).optional(),
});

const fixRowSchema = z.object({
  id: text(200),
  /** The fix's learned utility, as for an experience (absent from hosts that predate it). */
  utility: utilitySchema.optional(),
  time: z.number(),
  task: text(10_000),
  summary: text(10_000),
  outcome: z.enum(['accepted', 'edited', 'rejected']),
  verified: z.boolean(),
  active: z.boolean(),
  files: z.array(relativePath).max(MAX_LIST),
});

const skillStatusSchema = z.enum(['candidate', 'active', 'quarantined', 'retired']);

const skillRowSchema = z.object({
  name: skillName,
  kind: z.enum(['skill', 'mistake']),
  description: text(1_024),
  version: z.number().int().nonnegative(),
  versions: z.array(version).max(MAX_LIST),
  status: skillStatusSchema,
  problem: text().optional(),
});

const skillDetailSchema = skillRowSchema.extend({
  /** The SKILL.md as stored: repository text, shown as text only. */
  markdown: text(200_000),
  shownVersion: version,
});

// ---- Utility over time: what each credit did to a memory (memory/credits.jsonl) -----------------

/** A memory's id in the credit log: a past commit (`commit:<sha>`) or a decided run (`fix:<run id>`). */
const CREDIT_ID = /^(?:commit:[0-9a-f]{7,64}|fix:(?!\.{1,2}$)[\w.-]{1,100})$/;
export function isCreditId(value: string): boolean {
  return CREDIT_ID.test(value);
}
const creditId = z.string().regex(CREDIT_ID, 'a memory id (commit:<sha> or fix:<run id>)');
/** A sparkline shows at most this many credits: the latest ones; `count` says how many there were. */
export const MAX_CREDIT_POINTS = 120;

const creditPointSchema = z
  .object({
    /** Epoch seconds. */
    at: z.number().nonnegative(),
    /** Q right after this credit, in [-1, 1]. */
    q: z.number().min(-1).max(1),
    /** +1, +0.5 (accepted without proof) or −1. */
    reward: z.union([z.literal(1), z.literal(0.5), z.literal(-1)]),
    /** The credit left the memory quarantined. */
    quarantined: z.boolean().optional(),
  })
  .strict();

const creditSeriesSchema = z.object({ id: creditId, count: z.number().int().positive(), points: z.array(creditPointSchema).min(1).max(MAX_CREDIT_POINTS) }).strict();

// ---- Skills: one skill's lineage and the evidence behind each version ----------------------------

const count = z.number().int().nonnegative();
const versionStatsSchema = z.object({ uses: count, accepted: count, rejected: count }).strict();
const provenanceSchema = z
  .object({ source: text(200).optional(), runs: z.array(text(200)).max(50).optional(), imported: text(1_024).optional(), createdAt: text(64).optional() })
  .strict();

const skillVersionSchema = z
  .object({
    version,
    /** The version it was made from; null for the first. */
    parent: version.nullable(),
    status: skillStatusSchema,
    description: text(1_024),
    current: z.boolean(),
    /** Runs that used this version, and how many were accepted or rejected (skills/.stats). */
    stats: versionStatsSchema,
    provenance: provenanceSchema.optional(),
    approvedBy: text(200).optional(),
    /** This version's SKILL.md cannot be read. */
    problem: text().optional(),
  })
  .strict();

/** One line of skills/history.jsonl about this skill. */
const skillHistorySchema = z.object({ at: text(64), action: text(64), version: version.optional(), from: version.optional(), reason: text() }).strict();

export const EVOLUTION_VERDICTS = ['accepted', 'awaiting-approval', 'rejected', 'skipped', 'no-decision'] as const satisfies readonly Verdict[];
const _everyVerdict: Record<Exclude<Verdict, (typeof EVOLUTION_VERDICTS)[number]>, never> = {};

/** One evolution decision that proposed, produced or rejected this skill (evolution/decisions.jsonl). */
const evolutionDecisionSchema = z
  .object({
    at: text(64),
    verdict: z.enum(EVOLUTION_VERDICTS),
    reason: text(),
    signature: text(300),
    proposal: z.object({ action: text(20), kind: text(20), description: text(1_024), rationale: text() }).strict().optional(),
    /** The library version an accepted candidate became. */
    saved: z.object({ version, status: text(40) }).strict().optional(),
    /** The runs whose failures made the cluster. */
    runs: z.array(text(200)).max(50),
    /** Replays of the cluster's runs with and without the candidate. */
    pairs: count,
    wins: count,
    losses: count,
    /** Held-out tasks solved with the candidate, and with the library as it was. */
    heldOut: count,
    heldOutPassedWith: count,
    heldOutPassedWithout: count,
    safetyFindings: count,
  })
  .strict();

const safetyFindingSchema = z.object({ kind: text(40), detail: text(300), where: text(300) }).strict();
/** The safety scan of the current version: what a person must see before approving it. */
const skillSafetySchema = z
  .object({ version, findings: z.array(safetyFindingSchema).max(MAX_LIST), needsApproval: z.boolean(), hasSecret: z.boolean() })
  .strict();

/** At most this many history lines and evolution decisions per skill: the newest. */
export const MAX_SKILL_EVENTS = 200;

const skillLineageSchema = z
  .object({
    name: skillName,
    /** Oldest first. */
    versions: z.array(skillVersionSchema).max(MAX_LIST),
    /** Newest first; `historyTotal` counts them all. */
    history: z.array(skillHistorySchema).max(MAX_SKILL_EVENTS),
    historyTotal: count,
    /** Newest first; `evolutionTotal` counts them all. */
    evolution: z.array(evolutionDecisionSchema).max(MAX_SKILL_EVENTS),
    evolutionTotal: count,
    safety: skillSafetySchema.optional(),
    /** Parts of the evidence that could not be read (a corrupt stats file, an unreadable log). */
    problems: z.array(text()).max(20),
  })
  .strict();

// ---- Runs: every task under <store>/runs, and the ones running now -------------------------------

/** Where a run came from; the compile-time check fails when core adds an origin. */
export const RUN_ORIGINS = ['user', 'replay', 'evolution'] as const satisfies readonly RunOrigin[];
const _everyOrigin: Record<Exclude<RunOrigin, (typeof RUN_ORIGINS)[number]>, never> = {};
/** What a finished run's summary.json says. */
export const SOLVE_STATUSES = ['passed', 'failed', 'unverified', 'budget-exceeded'] as const satisfies readonly SolveStatus[];
const _everyStatus: Record<Exclude<SolveStatus, (typeof SOLVE_STATUSES)[number]>, never> = {};
/**
 * A row's status: a summary's, or for a run without one what its trajectory's last line says
 * (`cancelled`, `error`, `done` for an evolution round) — `unfinished` when it has none (a crash).
 */
export const RUN_STATUSES = [...SOLVE_STATUSES, 'cancelled', 'error', 'done', 'unfinished'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
const RUN_DECISIONS = ['accepted', 'edited', 'rejected'] as const satisfies readonly HumanOutcome[];

const RUN_ID = /^(?!\.{1,2}$)[\w.-]{1,100}$/;
/** A folder name under <store>/runs (the same rule recordRunOutcome applies); never `.` or `..`. */
export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}
const runId = z.string().regex(RUN_ID, 'a run id');

const runRowSchema = z
  .object({
    id: runId,
    /** The task's first line. */
    task: text(300),
    origin: z.enum(RUN_ORIGINS).optional(),
    status: z.enum(RUN_STATUSES),
    /** For a passed run: proven by tests that failed before, or no regressions only. */
    evidence: z.enum(['proven', 'no-regressions']).optional(),
    reason: text(),
    rounds: z.number().int().nonnegative(),
    /** The first changed files; `fileCount` says how many in all. */
    files: z.array(relativePath).max(50),
    fileCount: z.number().int().nonnegative(),
    tokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative(),
    /** Some model had no price: the cost is a lower bound. */
    costIncomplete: z.boolean(),
    /** When it started, epoch milliseconds. */
    time: z.number().nonnegative(),
    decision: z.enum(RUN_DECISIONS).optional(),
    /** A user's finished run nobody decided on yet: the tab offers Accept / Reject. */
    decidable: z.boolean(),
    hasLog: z.boolean(),
    hasPatch: z.boolean(),
  })
  .strict();

const runFilterSchema = z.object({ origin: z.enum(RUN_ORIGINS).optional(), status: z.enum(RUN_STATUSES).optional() }).strict();

const stageName = z.enum(['sandbox', 'memory', 'baseline', 'plan', 'implement', 'verify', 'rectify', 'done']);
const round = z.number().int().nonnegative().max(1_000);

/**
 * A solve's progress as the panel receives it: core's SolveEvent with every string bounded and the
 * plan reduced to what is shown. The host clips before sending (runsLive.ts); this checks it did.
 */
const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stage'), stage: stageName, round: round.optional(), detail: text(500).optional() }).strict(),
  z.object({ type: z.literal('checks'), checks: z.array(z.object({ id: text(100), command: text(300) }).strict()).max(20), notes: z.array(text(500)).max(10) }).strict(),
  z.object({ type: z.literal('check'), phase: z.enum(['before', 'after']), round, id: text(100), status: text(40), durationMs: z.number().nonnegative(), failures: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('plan'), summary: text(1_000), steps: z.array(text(300)).max(20), team: z.object({ generator: text(200), implementer: text(200), rectifier: text(200) }).strict() }).strict(),
  z.object({ type: z.literal('tool'), round, name: text(100), detail: text(300), ok: z.boolean() }).strict(),
  z.object({ type: z.literal('verdict'), round, ok: z.boolean(), evidence: z.enum(['proven', 'no-regressions', 'failed', 'unverified']), text: text(2_000) }).strict(),
  z.object({ type: z.literal('diagnosis'), round, trigger: z.enum(['checks', 'budget']), strategy: text(40), rootCause: text(1_000) }).strict(),
  z.object({ type: z.literal('note'), text: text(1_000) }).strict(),
]);
// Every kind of SolveEvent (but `run`, the run's id) has its panel form: this fails to compile when core adds one.
const _everyEvent: Record<Exclude<Exclude<SolveEvent['type'], 'run'>, z.infer<typeof runEventSchema>['type']>, never> = {};

/** A live run keeps its last events only; the trajectory on disk has them all. */
export const MAX_LIVE_EVENTS = 200;
const liveKey = z.string().regex(/^live-\d{1,12}$/, 'a live run key');

const liveRunSchema = z
  .object({
    key: liveKey,
    /** Known once the run's folder exists: its log can be opened while it works. */
    runId: runId.optional(),
    task: text(300),
    startedAt: z.number().nonnegative(),
    /** `proposed`: the team finished; the change waits for Apply / Discard in its notification. */
    state: z.enum(['running', 'proposed']),
    /** When the team finished (the clock stops there while the user decides). */
    proposedAt: z.number().nonnegative().optional(),
    events: z.array(runEventSchema).max(MAX_LIVE_EVENTS),
  })
  .strict();

/** A past change's code: a few hunks of its diff, read from git and redacted (core/memory/commitExcerpt.ts). */
const changeHunkSchema = z
  .object({ path: relativePath, header: text(400), lines: z.array(text(400)).max(200), cut: z.number().int().nonnegative() })
  .strict();
const changeExcerptSchema = z.object({ hunks: z.array(changeHunkSchema).max(50), omittedLines: z.number().int().nonnegative(), sourceCut: z.boolean() }).strict();

/** Request name → params and result. Each request gets exactly one response, ok or error. */
export const requests = {
  search: { params: z.object({ text: z.string().trim().min(1).max(MAX_TEXT), filter: experienceFilterSchema.optional() }).strict(), result: searchResultSchema },
  /** One page of the experiences that pass the filter, newest first, and how many pass in all. */
  browse: {
    params: z
      .object({
        filter: experienceFilterSchema,
        offset: z.number().int().nonnegative().max(10_000_000),
        limit: z.number().int().positive().max(MAX_PAGE),
      })
      .strict(),
    result: z.object({ experiences: z.array(experienceRowSchema).max(MAX_PAGE), total: z.number().int().nonnegative(), offset: z.number().int().nonnegative() }).strict(),
  },
  listQuarantined: { params: z.object({}).strict(), result: z.object({ experiences: z.array(experienceRowSchema).max(MAX_LIST) }) },
  listFixes: { params: z.object({}).strict(), result: z.object({ fixes: z.array(fixRowSchema).max(MAX_LIST) }) },
  listSkills: { params: z.object({}).strict(), result: z.object({ skills: z.array(skillRowSchema).max(MAX_LIST) }) },
  showSkill: { params: z.object({ name: skillName, version: version.optional() }).strict(), result: skillDetailSchema },
  /** A skill's versions with their parents and acceptance, its decisions, the evolution evidence and its safety scan. */
  skillLineage: { params: z.object({ name: skillName }).strict(), result: skillLineageSchema },
  /**
   * Changes a skill once the user confirmed it in the host's modal. `version`: for rollback the one
   * to restore (default: the current one's parent); for approve the one the user reviewed (refused
   * when another is current by then). Approve shows the safety findings first; a secret refuses it.
   */
  skillAction: {
    params: z.object({ name: skillName, action: z.enum(['approve', 'disable', 'rollback']), version: version.optional() }).strict(),
    result: skillRowSchema,
  },
  /** Q over time for the memories of one page (ids of experiences and fixes); only those with credits come back. */
  creditHistory: {
    params: z.object({ ids: z.array(creditId).min(1).max(MAX_LIST) }).strict(),
    result: z.object({ histories: z.array(creditSeriesSchema).max(MAX_LIST) }).strict(),
  },
  /** The hunks of one past change (none for a forgotten commit, or one git no longer has). */
  changeExcerpt: { params: z.object({ sha }).strict(), result: changeExcerptSchema },
  memoryAction: {
    params: z.object({ sha, action: z.enum(['quarantine', 'restore', 'pin', 'unpin', 'forget']) }).strict(),
    result: z.object({ sha, utility: utilitySchema, forgotten: text(64).optional() }),
  },
  /**
   * One page of runs, newest first. Unfiltered, `total` is exact and only the page's runs are read;
   * filtered, runs are read until the page is full and one more is found: `total` is known only
   * when that reached the oldest run, and `more` says whether older ones match.
   */
  listRuns: {
    params: z.object({ filter: runFilterSchema, offset: z.number().int().nonnegative().max(10_000_000), limit: z.number().int().positive().max(MAX_PAGE) }).strict(),
    result: z.object({ runs: z.array(runRowSchema).max(MAX_PAGE), total: z.number().int().nonnegative().optional(), offset: z.number().int().nonnegative(), more: z.boolean() }).strict(),
  },
  /** The user's decision on a finished run of theirs (the host confirms it in a modal first). */
  runFeedback: {
    params: z.object({ runId, outcome: z.enum(['accepted', 'rejected']) }).strict(),
    result: z.object({ run: runRowSchema }).strict(),
  },
} as const;

/** Fire-and-forget messages from the webview. */
export const webviewNotifications = {
  ready: z.object({}).strict(),
  openFile: z.object({ path: relativePath, line: z.number().int().positive().max(10_000_000).optional() }).strict(),
  /** The restricted-mode banner's button: opens VS Code's own trust editor (the user decides there). */
  manageTrust: z.object({}).strict(),
  /** Opens the commit an experience came from (message, stat and diff) in a read-only editor. */
  showCommit: z.object({ sha }).strict(),
  /** Opens a run's trajectory (`log`) or patch in an editor. */
  openRunFile: z.object({ runId, file: z.enum(['log', 'patch']) }).strict(),
} as const;

/** Fire-and-forget messages from the host. */
export const hostNotifications = {
  workspace: z.object({ folder: text(1_024).nullable(), storeDir: text(1_024).nullable() }).strict(),
  /** VS Code's workspace trust, sent after "ready" and again when the user grants it. */
  trust: z.object({ trusted: z.boolean() }).strict(),
  /** Every run in progress, sent after "ready" (the page may have been rebuilt mid-run). */
  liveRuns: z.object({ runs: z.array(liveRunSchema).max(20) }).strict(),
  /** A run started, learned its id, or reached the user's decision: its whole state again. */
  liveRun: liveRunSchema,
  /** One more event of a live run, as it happens. */
  runEvent: z.object({ key: liveKey, event: runEventSchema }).strict(),
  /** A live run is over (decided, dismissed, failed or cancelled): from now on it is a row of the list. */
  runEnded: z.object({ key: liveKey, runId: runId.optional() }).strict(),
} as const;

export type RequestName = keyof typeof requests;
export type RequestParams<N extends RequestName> = z.infer<(typeof requests)[N]['params']>;
export type RequestResult<N extends RequestName> = z.infer<(typeof requests)[N]['result']>;
export type WebviewNotificationName = keyof typeof webviewNotifications;
export type WebviewNotificationParams<N extends WebviewNotificationName> = z.infer<(typeof webviewNotifications)[N]>;
export type HostNotificationName = keyof typeof hostNotifications;
export type HostNotificationParams<N extends HostNotificationName> = z.infer<(typeof hostNotifications)[N]>;

export type ExperienceRow = z.infer<typeof experienceRowSchema>;
export type ExperienceFilter = z.infer<typeof experienceFilterSchema>;
export type FixRow = z.infer<typeof fixRowSchema>;
export type SkillRow = z.infer<typeof skillRowSchema>;
export type SkillDetail = z.infer<typeof skillDetailSchema>;
export type UtilityView = z.infer<typeof utilitySchema>;
export type RunRow = z.infer<typeof runRowSchema>;
export type RunFilter = z.infer<typeof runFilterSchema>;
export type RunEvent = z.infer<typeof runEventSchema>;
export type LiveRun = z.infer<typeof liveRunSchema>;
export type CreditPoint = z.infer<typeof creditPointSchema>;
export type CreditSeries = z.infer<typeof creditSeriesSchema>;
export type SkillLineage = z.infer<typeof skillLineageSchema>;
export type SkillVersionView = z.infer<typeof skillVersionSchema>;
export type SkillHistoryView = z.infer<typeof skillHistorySchema>;
export type EvolutionDecisionView = z.infer<typeof evolutionDecisionSchema>;
export type SkillSafetyView = z.infer<typeof skillSafetySchema>;
export type VersionStatsView = z.infer<typeof versionStatsSchema>;

/** What one request's handler must do; the host registers one per name (no switch over `any`). */
export type RequestHandlers = { [N in RequestName]: (params: RequestParams<N>) => Promise<RequestResult<N>> };

export interface ErrorPayload {
  message: string;
  reason?: string | undefined;
}

const requestNames = Object.keys(requests) as [RequestName, ...RequestName[]];
const webviewNotificationNames = Object.keys(webviewNotifications) as [WebviewNotificationName, ...WebviewNotificationName[]];
const hostNotificationNames = Object.keys(hostNotifications) as [HostNotificationName, ...HostNotificationName[]];
const requestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const webviewEnvelope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: requestId, name: z.enum(requestNames), params: z.unknown() }).strict(),
  z.object({ type: z.literal('notify'), name: z.enum(webviewNotificationNames), params: z.unknown() }).strict(),
]);

const errorSchema = z.object({ message: text(10_000), reason: text(64).optional() }).strict();
// A plain union: two response shapes share the discriminator value 'response'.
const hostEnvelope = z.union([
  z.object({ type: z.literal('response'), id: requestId, ok: z.literal(true), result: z.unknown() }).strict(),
  z.object({ type: z.literal('response'), id: requestId, ok: z.literal(false), error: errorSchema }).strict(),
  z.object({ type: z.literal('notify'), name: z.enum(hostNotificationNames), params: z.unknown() }).strict(),
]);

/** A request as it travels; `params` typed by its name. */
export type RequestMessage = { [N in RequestName]: { type: 'request'; id: number; name: N; params: RequestParams<N> } }[RequestName];
export type WebviewNotificationMessage = {
  [N in WebviewNotificationName]: { type: 'notify'; name: N; params: WebviewNotificationParams<N> };
}[WebviewNotificationName];
export type WebviewMessage = RequestMessage | WebviewNotificationMessage;

export type ResponseMessage = { type: 'response'; id: number; ok: true; result: unknown } | { type: 'response'; id: number; ok: false; error: ErrorPayload };
export type HostNotificationMessage = { [N in HostNotificationName]: { type: 'notify'; name: N; params: HostNotificationParams<N> } }[HostNotificationName];
export type HostMessage = ResponseMessage | HostNotificationMessage;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string; id?: number };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`)
    .join('; ');
}

/** Host side: validates a message from the webview (envelope, then the params of that name). */
export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> {
  const envelope = webviewEnvelope.safeParse(raw);
  if (!envelope.success) return { ok: false, error: `bad message: ${describe(envelope.error)}` };
  const message = envelope.data;
  const schema = message.type === 'request' ? requests[message.name].params : webviewNotifications[message.name];
  const params = schema.safeParse(message.params);
  if (!params.success) {
    const error = `bad ${message.name}: ${describe(params.error)}`;
    return message.type === 'request' ? { ok: false, error, id: message.id } : { ok: false, error };
  }
  return { ok: true, message: { ...message, params: params.data } as WebviewMessage };
}

/** Webview side: validates a message from the host; a response's result is checked by `parseResult`. */
export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  const envelope = hostEnvelope.safeParse(raw);
  if (!envelope.success) return { ok: false, error: `bad message: ${describe(envelope.error)}` };
  const message = envelope.data;
  if (message.type === 'response') return { ok: true, message };
  const params = hostNotifications[message.name].safeParse(message.params);
  if (!params.success) return { ok: false, error: `bad ${message.name}: ${describe(params.error)}` };
  return { ok: true, message: { ...message, params: params.data } as HostNotificationMessage };
}

/** Checks a response's result against what its request promised (both ends use it). */
export function parseResult<N extends RequestName>(name: N, result: unknown): Parsed<RequestResult<N>> {
  const parsed = requests[name].result.safeParse(result);
  if (!parsed.success) return { ok: false, error: `bad ${name} result: ${describe(parsed.error)}` };
  return { ok: true, message: parsed.data as RequestResult<N> };
}
