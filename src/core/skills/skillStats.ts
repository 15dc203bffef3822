import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { withStoreLock } from '../memory/storeLock.ts';
import { listVersions, readSkill, rollbackSkill, skillsDir } from './skillLibrary.ts';

// How each version of a skill fared in the runs that used it, and the rollback that follows when a
// new version does worse than its parent. The counts live in `skills/.stats/<name>.json`, not in
// SKILL.md (a rollback restores a version byte for byte) and not in the skill's folder (the library
// replaces that folder whole whenever the current version changes).

export interface VersionStats {
  uses: number;
  accepted: number;
  rejected: number;
}

export interface SkillStats {
  /** Keyed by version number. */
  versions: Record<string, VersionStats>;
}

const count = z.number().int().nonnegative();
const statsSchema = z.object({ versions: z.record(z.string().regex(/^[1-9]\d*$/), z.object({ uses: count, accepted: count, rejected: count })) });

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A skill id as a run records it: the skill's name, or `name@vN` for one version. */
const SKILL_ID = /^([a-z0-9][a-z0-9-]{0,63})(?:@v([1-9]\d{0,8}))?$/;

/** A version needs this many uses before its acceptance rate can condemn it. */
export const MIN_USES_FOR_ROLLBACK = 3;
/** The parent's rate is evidence as soon as it has any use (it was the skill before; it had its chance). */
export const MIN_PARENT_USES = 1;

export function skillStatsPath(storeDir: string, name: string): string {
  if (!NAME.test(name)) throw new CoevolveError('bad-input', `"${name}" is not a skill name (lowercase letters, digits and hyphens).`);
  return join(skillsDir(storeDir), '.stats', `${name}.json`);
}

/** The counts of every version of a skill (none yet: no versions). */
export async function readSkillStats(storeDir: string, name: string): Promise<SkillStats> {
  const path = skillStatsPath(storeDir, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { versions: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CoevolveError('store-corrupt', `${path} is not valid JSON.`, { hint: 'Fix or delete the file; only acceptance counts are lost.', cause: error });
  }
  const result = statsSchema.safeParse(parsed);
  if (!result.success) throw new CoevolveError('store-corrupt', `${path} is not a skill stats file: ${result.error.issues[0]!.path.join('.')}: ${result.error.issues[0]!.message}`, { hint: 'Fix or delete the file; only acceptance counts are lost.' });
  return result.data;
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
 * version; `name@vN` credits version N (the one the run saw, if the skill changed since).
 */
export async function creditSkills(storeDir: string, skillIds: readonly string[], accepted: boolean): Promise<SkillCreditResult> {
  const result: SkillCreditResult = { credited: [], missing: [] };
  const targets = new Map<string, { name: string; version: number }>();
  for (const id of new Set(skillIds)) {
    const target = await resolveId(storeDir, id);
    if (target) targets.set(`${target.name}@v${target.version}`, target);
    else result.missing.push(id);
  }
  if (!targets.size) return result;
  // Read, count and write under the store's lock: two outcomes decided at once both count.
  await withStoreLock(storeDir, async () => {
    const byName = new Map<string, number[]>();
    for (const { name, version } of targets.values()) byName.set(name, [...(byName.get(name) ?? []), version]);
    for (const [name, versions] of byName) {
      const stats = await readSkillStats(storeDir, name);
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
  const current = await readSkill(storeDir, name).catch(() => undefined);
  return current ? { name, version: current.doc.meta.version } : undefined;
}

/** Written beside the target and renamed over it, so a crash leaves the old counts or the new. */
async function writeStats(storeDir: string, name: string, stats: SkillStats): Promise<void> {
  const path = skillStatsPath(storeDir, name);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(stats, null, 2)}\n`);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

function percent(stats: VersionStats): string {
  return `${Math.round((stats.accepted / stats.uses) * 100)}%`;
}
