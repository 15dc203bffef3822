import { join } from 'node:path';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { withStoreLock } from '../memory/storeLock.ts';
import { listVersions, readDecisions, readSkill, readSkillIfAny, rollbackSkill, skillsDir } from './skillLibrary.ts';
import { damaged, skillStorePath } from './skillStore.ts';
import { readStoreText, writeStoreFile } from '../store/storeFile.ts';

// How each version of a skill fared in the runs that used it, and the rollback that follows when a
// new version does worse than its parent. The counts live in `skills/.stats/<name>.json`, not in
// SKILL.md (a rollback restores a version byte for byte) and not in the skill's folder (the library
// replaces that folder whole whenever the current version changes). The file carries its format
// (`schema`; a file from before it has none and reads as 1), is written atomically, and one that
// cannot be read is `store-corrupt` with `store repair` as the remedy (never read as "no counts").

export interface VersionStats {
  uses: number;
  accepted: number;
  rejected: number;
}

export interface SkillStats {
  /** Keyed by version number. */
  versions: Record<string, VersionStats>;
}

/** The format of a stats file this version writes (and the newest it reads). */
const SKILL_STATS_SCHEMA = 1;
const count = z.number().int().nonnegative();
const statsSchema = z.object({
  schema: z.literal(SKILL_STATS_SCHEMA).optional(),
  versions: z.record(z.string().regex(/^[1-9]\d*$/), z.object({ uses: count, accepted: count, rejected: count })),
});

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A skill id as a run records it: the skill's name, or `name@vN` for one version. */
const SKILL_ID = /^([a-z0-9][a-z0-9-]{0,63})(?:@v([1-9]\d{0,8}))?$/;

/** A version needs this many uses before its acceptance rate can condemn it. */
const MIN_USES_FOR_ROLLBACK = 3;
/** The parent's rate is evidence as soon as it has any use (it was the skill before; it had its chance). */
const MIN_PARENT_USES = 1;

/** The folder of the stats files, under skills/. */
export const STATS = '.stats';

export function skillStatsPath(storeDir: string, name: string): string {
  if (!NAME.test(name)) throw new CoevolveError('bad-input', `"${name}" is not a skill name (lowercase letters, digits and hyphens).`);
  return join(skillsDir(storeDir), STATS, `${name}.json`);
}

/** The counts of every version of a skill (none yet: no versions); a damaged file is `store-corrupt`. */
export async function readSkillStats(storeDir: string, name: string): Promise<SkillStats> {
  const path = await statsFile(storeDir, name);
  const text = await readStoreText(path);
  if (text === undefined) return { versions: {} };
  return parseSkillStats(text, path);
}

/** A stats file's text as counts: `store-corrupt` when it is not one, `store-newer-schema` when a newer version wrote it. */
export function parseSkillStats(text: string, path: string): SkillStats {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw damaged(path, `is not valid JSON (${text.trim() ? 'cut off or overwritten' : 'empty'}): the skill's acceptance counts cannot be read`, error);
  }
  const format = z.object({ schema: z.number() }).safeParse(parsed);
  if (format.success && format.data.schema > SKILL_STATS_SCHEMA) {
    throw new CoevolveError('store-newer-schema', `${path} was written by a newer Co-evolve (stats format ${format.data.schema}; this one reads ${SKILL_STATS_SCHEMA}).`, { hint: 'Update Co-evolve; the file was left as it is.' });
  }
  const result = statsSchema.safeParse(parsed);
  if (!result.success) throw damaged(path, `is not a skill stats file: ${result.error.issues[0]!.path.join('.') || 'file'}: ${result.error.issues[0]!.message}`);
  return { versions: result.data.versions };
}

export function versionStats(stats: SkillStats, version: number): VersionStats {
  return stats.versions[String(version)] ?? { uses: 0, accepted: 0, rejected: 0 };
}

export interface SkillCredit {
  name: string;
  version: number;
  /** The version's counts after this outcome. */
  stats: VersionStats;
}

export interface SkillCreditResult {
  credited: SkillCredit[];
  /** Ids that name no stored skill or version (deleted since, or never valid). */
  missing: string[];
}

/**
 * Counts one use of every skill a run used, accepted or not. A plain name credits the current
 * version; `name@vN` credits version N (the one the run saw, if the skill changed since). Every
 * stats file is read before any is written: a damaged one refuses the whole credit.
 */
export async function creditSkills(storeDir: string, skillIds: readonly string[], accepted: boolean): Promise<SkillCreditResult> {
  const result: SkillCreditResult = { credited: [], missing: [] };
  const targets = await resolveIds(storeDir, skillIds, result.missing);
  if (!targets.size) return result;
  // Read, count and write under the store's lock: two outcomes decided at once both count.
  await withStoreLock(storeDir, async () => {
    const byName = new Map<string, number[]>();
    for (const { name, version } of targets.values()) byName.set(name, [...(byName.get(name) ?? []), version]);
    const all = new Map<string, SkillStats>();
    for (const name of byName.keys()) all.set(name, await readSkillStats(storeDir, name));
    for (const [name, versions] of byName) {
      const stats = all.get(name)!;
      for (const version of versions) {
        const before = versionStats(stats, version);
        const after = { uses: before.uses + 1, accepted: before.accepted + (accepted ? 1 : 0), rejected: before.rejected + (accepted ? 0 : 1) };
        stats.versions[String(version)] = after;
        result.credited.push({ name, version, stats: after });
      }
      await writeStats(storeDir, name, stats);
    }
  });
  return result;
}

/**
 * Reads everything crediting these skills (and a rollback after it) will read or write, without
 * writing: each skill's current SKILL.md and its parent's, its stats file, the skill history. A
 * caller about to record an outcome checks this first, so that a damaged file refuses the outcome
 * before any of it is written.
 */
export async function checkSkillCredits(storeDir: string, skillIds: readonly string[]): Promise<void> {
  const targets = await resolveIds(storeDir, skillIds, []);
  const names = new Set([...targets.values()].map((t) => t.name));
  if (!names.size) return;
  for (const name of names) {
    await readSkillStats(storeDir, name);
    const { doc } = await readSkill(storeDir, name);
    if (doc.meta.parent && (await listVersions(storeDir, name)).includes(doc.meta.parent)) await readSkill(storeDir, name, doc.meta.parent);
  }
  await readDecisions(storeDir);
}

async function resolveIds(storeDir: string, skillIds: readonly string[], missing: string[]): Promise<Map<string, { name: string; version: number }>> {
  const targets = new Map<string, { name: string; version: number }>();
  for (const id of new Set(skillIds)) {
    const target = await resolveId(storeDir, id);
    if (target) targets.set(`${target.name}@v${target.version}`, target);
    else missing.push(id);
  }
  return targets;
}

export interface AutomaticRollback {
  name: string;
  from: number;
  to: number;
  reason: string;
  evidence: { rule: string; current: VersionStats & { version: number }; parent: VersionStats & { version: number } };
}

/**
 * Why the current version should give way to its parent, or undefined when it should not: it has
 * at least MIN_USES_FOR_ROLLBACK uses, the parent has MIN_PARENT_USES, and its acceptance rate is
 * strictly below the parent's (an equal rate keeps the newer version).
 */
export function rollbackReason(current: VersionStats & { version: number }, parent: VersionStats & { version: number }): string | undefined {
  if (current.uses < MIN_USES_FOR_ROLLBACK || parent.uses < MIN_PARENT_USES) return undefined;
  // Cross-multiplied, so no rounding decides.
  if (current.accepted * parent.uses >= parent.accepted * current.uses) return undefined;
  return `automatic: acceptance ${percent(current)} (${current.accepted}/${current.uses}) below v${parent.version}'s ${percent(parent)} (${parent.accepted}/${parent.uses})`;
}

/**
 * Rolls a skill back to its parent version when the current one is accepted less often (see
 * rollbackReason); the decision in the skill history carries the counts. A skill a person retired
 * or quarantined is left as it is.
 */
export async function rollbackIfWorse(storeDir: string, name: string): Promise<AutomaticRollback | undefined> {
  return withStoreLock(storeDir, async () => {
    const { doc } = await readSkill(storeDir, name);
    const parentVersion = doc.meta.parent;
    if (!parentVersion || doc.meta.status === 'retired' || doc.meta.status === 'quarantined') return undefined;
    if (!(await listVersions(storeDir, name)).includes(parentVersion)) return undefined;
    const stats = await readSkillStats(storeDir, name);
    const current = { version: doc.meta.version, ...versionStats(stats, doc.meta.version) };
    const parent = { version: parentVersion, ...versionStats(stats, parentVersion) };
    const reason = rollbackReason(current, parent);
    if (!reason) return undefined;
    const evidence = { rule: `acceptance below the parent's after at least ${MIN_USES_FOR_ROLLBACK} uses`, current, parent };
    await rollbackSkill(storeDir, name, parentVersion, reason, evidence);
    return { name, from: current.version, to: parentVersion, reason, evidence };
  });
}

async function resolveId(storeDir: string, id: string): Promise<{ name: string; version: number } | undefined> {
  const m = SKILL_ID.exec(id);
  if (!m) return undefined;
  const name = m[1]!;
  if (m[2] !== undefined) {
    const version = Number(m[2]);
    return (await listVersions(storeDir, name)).includes(version) ? { name, version } : undefined;
  }
  // A skill that is gone is missing; a damaged one is an error (its counts would be lost unseen).
  const current = await readSkillIfAny(storeDir, name);
  return current ? { name, version: current.doc.meta.version } : undefined;
}

/** Written atomically (temp, flush, rename), so a crash leaves the old counts or the new. */
async function writeStats(storeDir: string, name: string, stats: SkillStats): Promise<void> {
  await writeStoreFile(await statsFile(storeDir, name), `${JSON.stringify({ schema: SKILL_STATS_SCHEMA, versions: stats.versions }, null, 2)}\n`);
}

async function statsFile(storeDir: string, name: string): Promise<string> {
  skillStatsPath(storeDir, name);
  return skillStorePath(storeDir, STATS, `${name}.json`);
}

function percent(stats: VersionStats): string {
  return `${Math.round((stats.accepted / stats.uses) * 100)}%`;
}
