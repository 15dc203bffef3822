import { CoevolveError } from '../core/errors.ts';
import { readEvolutionDecisions } from '../core/evolution/decisionLog.ts';
import type { EvolutionDecision } from '../core/evolution/decisionLog.ts';
import { listVersions, readDecisions, readSkill, scanStoredSkill } from '../core/skills/skillLibrary.ts';
import type { SkillDecision } from '../core/skills/skillLibrary.ts';
import type { SkillFrontMatter } from '../core/skills/skillFile.ts';
import { readSkillStats, versionStats } from '../core/skills/skillStats.ts';
import type { SkillStats } from '../core/skills/skillStats.ts';
import { EVOLUTION_VERDICTS, MAX_SKILL_EVENTS } from '../protocol/memoryPanel.ts';
import type { EvolutionDecisionView, SkillHistoryView, SkillLineage, SkillSafetyView, SkillVersionView } from '../protocol/memoryPanel.ts';
import { ignoreError } from '../core/ignoredErrors.ts';

// One skill's lineage and the evidence behind it, for the Skills tab: every stored version with its
// parent and acceptance counts, the library's decisions about it (skills/history.jsonl), the
// evolution decisions that proposed, produced or rejected it (evolution/decisions.jsonl) and the
// safety scan a person reads before approving. No `vscode` here: tests run it on a real store.
//
// Everything comes from files a person or another process may have edited, so each part is read on
// its own: a broken stats file or log costs its part (listed in `problems`), not the whole view.
// Strings are clipped to the protocol's bounds here, so that one long reason cannot fail the reply.

const MAX_TEXT = 2_000;
const MAX_VERSIONS = 500;
const MAX_RUNS = 50;
const MAX_FINDINGS = 500;

export async function skillLineage(storeDir: string, name: string): Promise<SkillLineage> {
  const problems: string[] = [];
  const note = (what: string, error: unknown): void => void problems.push(clip(`${what}: ${error instanceof Error ? error.message : String(error)}`));
  // The current version must be readable; the rest is evidence around it.
  const current = await readSkill(storeDir, name);
  const stats = await readSkillStats(storeDir, name).catch((error: unknown) => (note('acceptance counts', error), { versions: {} } as SkillStats));
  const numbers = (await listVersions(storeDir, name)).slice(-MAX_VERSIONS);
  const versions: SkillVersionView[] = [];
  for (const number of numbers) versions.push(await versionView(storeDir, name, number, current.doc.meta.version, stats));
  const decisions = await readDecisions(storeDir).catch((error: unknown) => (note('skills/history.jsonl', error), [] as (SkillDecision & { at: string })[]));
  const history = decisions.filter((d) => d.name === name);
  const evolution = (await readEvolutionDecisions(storeDir).catch((error: unknown) => (note('evolution/decisions.jsonl', error), [] as EvolutionDecision[]))).filter((d) => concerns(d, name));
  const safety = await scanStoredSkill(storeDir, name).then(
    ({ skill, safety }): SkillSafetyView => ({
      version: skill.doc.meta.version,
      findings: safety.findings.slice(0, MAX_FINDINGS).map((f) => ({ kind: clip(f.kind, 40), detail: clip(f.detail, 300), where: clip(f.where, 300) })),
      needsApproval: safety.needsApproval,
      hasSecret: safety.hasSecret,
    }),
    (error: unknown) => (note('safety scan', error), undefined),
  );
  return {
    name,
    versions,
    history: history.slice(-MAX_SKILL_EVENTS).reverse().map(historyView),
    historyTotal: history.length,
    evolution: evolution.slice(-MAX_SKILL_EVENTS).reverse().map(evolutionView).filter((d) => d !== undefined),
    evolutionTotal: evolution.length,
    ...(safety ? { safety } : {}),
    problems: problems.slice(0, 20),
  };
}

/** Matched by the name the candidate proposed (rejected or awaiting) or the one it was saved as. */
function concerns(decision: EvolutionDecision, name: string): boolean {
  return decision.proposal?.name === name || decision.saved?.name === name;
}

async function versionView(storeDir: string, name: string, number: number, currentVersion: number, stats: SkillStats): Promise<SkillVersionView> {
  const base = { version: number, current: number === currentVersion, stats: versionStats(stats, number) };
  try {
    const { meta } = (await readSkill(storeDir, name, number)).doc;
    const view: SkillVersionView = { ...base, parent: meta.parent ?? null, status: meta.status, description: clip(meta.description, 1_024) };
    const provenance = provenanceView(meta.provenance);
    if (provenance) view.provenance = provenance;
    if (meta.approvedBy) view.approvedBy = clip(meta.approvedBy, 200);
    return view;
  } catch (error) {
    return { ...base, parent: null, status: 'retired', description: '', problem: clip(error instanceof Error ? error.message : String(error)) };
  }
}

function provenanceView(provenance: SkillFrontMatter['provenance']): SkillVersionView['provenance'] {
  if (!provenance) return undefined;
  const view: NonNullable<SkillVersionView['provenance']> = {};
  if (typeof provenance.source === 'string') view.source = clip(provenance.source, 200);
  if (Array.isArray(provenance.runs)) view.runs = provenance.runs.slice(0, MAX_RUNS).map((run) => clip(String(run), 200));
  if (typeof provenance.imported === 'string') view.imported = clip(provenance.imported, 1_024);
  if (typeof provenance.createdAt === 'string') view.createdAt = clip(provenance.createdAt, 64);
  return Object.keys(view).length ? view : undefined;
}

function historyView(decision: SkillDecision & { at: string }): SkillHistoryView {
  const view: SkillHistoryView = { at: clip(String(decision.at), 64), action: clip(String(decision.action), 64), reason: clip(String(decision.reason ?? '')) };
  if (isVersion(decision.version)) view.version = decision.version;
  if (isVersion(decision.from)) view.from = decision.from;
  return view;
}

function evolutionView(decision: EvolutionDecision): EvolutionDecisionView | undefined {
  // A line from a newer or hand-edited log with a verdict this panel does not know is left out.
  if (!(EVOLUTION_VERDICTS as readonly string[]).includes(decision.verdict)) return undefined;
  const evidence: Partial<EvolutionDecision['evidence']> = decision.evidence ?? {};
  const view: EvolutionDecisionView = {
    at: clip(String(decision.at), 64),
    verdict: decision.verdict,
    reason: clip(String(decision.reason ?? '')),
    signature: clip(String(decision.signature ?? ''), 300),
    runs: (Array.isArray(decision.runs) ? decision.runs : []).slice(0, MAX_RUNS).map((run) => clip(String(run), 200)),
    pairs: countOf(evidence.pairs),
    wins: whole(evidence.wins),
    losses: whole(evidence.losses),
    heldOut: countOf(evidence.heldOut),
    heldOutPassedWith: whole(evidence.heldOutPassedWith),
    heldOutPassedWithout: whole(evidence.heldOutPassedWithout),
    safetyFindings: countOf(evidence.safety),
  };
  const { proposal, saved } = decision;
  if (proposal) view.proposal = { action: clip(String(proposal.action), 20), kind: clip(String(proposal.kind), 20), description: clip(String(proposal.description ?? ''), 1_024), rationale: clip(String(proposal.rationale ?? '')) };
  if (saved && isVersion(saved.version)) view.saved = { version: saved.version, status: clip(String(saved.status), 40) };
  return view;
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 1_000_000;
}

function whole(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function countOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The current version's acceptance and a target's, for the rollback confirmation. */
export async function rollbackEvidence(storeDir: string, name: string, versions: readonly number[]): Promise<Map<number, { uses: number; accepted: number; rejected: number }>> {
  const stats = await readSkillStats(storeDir, name).catch(ignoreError(`the usage figures of skill ${name} could not be read; the rollback is confirmed without them`));
  if (!stats) return new Map();
  return new Map(versions.map((version) => [version, versionStats(stats, version)]));
}

/** Thrown where a skill changed between what the user confirmed and the write. */
export function changedMeanwhile(name: string, what: string): CoevolveError {
  return new CoevolveError('bad-input', `Skill "${name}" changed while you were deciding (${what}); nothing was changed.`, { hint: 'Look at it again, then decide.' });
}
