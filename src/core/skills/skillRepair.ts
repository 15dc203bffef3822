import type { Stats } from 'node:fs';
import { lstat, readdir, rename } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { withStoreLock } from '../memory/storeLock.ts';
import { appendJsonl, readJsonl } from '../store/jsonl.ts';
import { storePath } from '../store/storePath.ts';
import { HISTORY, listVersions, makeCurrent, readDecisions, readSkill, recordDecision, SKILL_NAME, skillDecisionSchema, VERSIONS } from './skillLibrary.ts';
import { parseSkillStats, STATS } from './skillStats.ts';
import { isSetAside, SKILLS } from './skillStore.ts';
import { readStoreText } from '../store/storeFile.ts';
import { ignoreError } from '../ignoredErrors.ts';

// `coevolve store repair` for the skill library (src/core/memory/store.ts repairs the memory and its
// logs): every damaged file is moved aside as `<file>.corrupt-<stamp>.bak`, never deleted, and what
// can be rebuilt from what is whole is rebuilt. A symbolic link anywhere in the library is moved
// aside the same way (renaming a link never follows it), so nothing outside the store is touched.

export interface SkillRepairReport {
  /** Everything moved aside, as it is now named. */
  movedAside: string[];
  /** Skills whose current version was damaged and was restored from a whole stored version. */
  restored: { name: string; version: number; basis: 'history' | 'newest' }[];
  /** The skill history rewritten with its valid records only (the original kept as `backup`). */
  history?: { backup: string; dropped: number };
  /** What a person should know about what was lost, one line each. */
  notes: string[];
}

/**
 * Checks every file of the skill library (`<store>/skills`) and mends what is damaged: the history
 * keeps its valid records; an unreadable stats file is set aside (the counts start again); a stored
 * version that cannot be read is set aside whole; a damaged current version is set aside and the
 * current one restored from the version the history says was current (else the newest whole one).
 */
export async function repairSkills(storeDir: string, stamp = repairStamp()): Promise<SkillRepairReport> {
  // A store folder that is itself a link is refused here (storePath), before the lock is taken through it.
  await storePath(storeDir);
  if (!(await lstatIfAny(storeDir))) return { movedAside: [], restored: [], notes: [] };
  return withStoreLock(storeDir, async () => {
    const report: SkillRepairReport = { movedAside: [], restored: [], notes: [] };
    const aside = async (path: string, why: string): Promise<void> => {
      const backup = `${path}.corrupt-${stamp}.bak`;
      await rename(path, backup);
      report.movedAside.push(backup);
      report.notes.push(`${relative(storeDir, path)}: ${why} (kept as ${relative(storeDir, backup)}).`);
    };
    const root = join(storeDir, SKILLS);
    const info = await lstatIfAny(root);
    if (!info) return report;
    if (!info.isDirectory()) {
      await aside(root, info.isSymbolicLink() ? 'a symbolic link where the skills folder should be' : 'not a folder');
      return report;
    }
    await repairHistory(storeDir, stamp, report, aside);
    await repairStats(storeDir, aside);
    for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!SKILL_NAME.test(entry.name)) continue;
      if (entry.isSymbolicLink()) await aside(join(root, entry.name), 'a symbolic link where a skill folder should be');
      else if (entry.isDirectory()) await repairSkill(storeDir, entry.name, report, aside);
    }
    return report;
  });
}

export function repairStamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

type Aside = (path: string, why: string) => Promise<void>;

async function repairHistory(storeDir: string, stamp: string, report: SkillRepairReport, aside: Aside): Promise<void> {
  const path = join(storeDir, SKILLS, HISTORY);
  const info = await lstatIfAny(path);
  if (!info) return;
  if (!info.isFile()) return aside(path, info.isSymbolicLink() ? 'a symbolic link where the skill history should be' : 'not a file');
  const { records, problems } = await readJsonl(path, skillDecisionSchema);
  if (!problems.length) return;
  const backup = `${path}.corrupt-${stamp}.bak`;
  await rename(path, backup);
  await appendJsonl(path, records);
  report.movedAside.push(backup);
  report.history = { backup, dropped: problems.length };
}

async function repairStats(storeDir: string, aside: Aside): Promise<void> {
  const dir = join(storeDir, SKILLS, STATS);
  const info = await lstatIfAny(dir);
  if (!info) return;
  if (!info.isDirectory()) return aside(dir, info.isSymbolicLink() ? 'a symbolic link where the skill stats folder should be' : 'not a folder');
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (isSetAside(entry.name) || !entry.name.endsWith('.json')) continue;
    const path = join(dir, entry.name);
    const lost = `the acceptance counts of ${entry.name.slice(0, -5)} could not be read; they start again from zero`;
    if (entry.isSymbolicLink()) await aside(path, `a symbolic link; ${lost}`);
    else if (!entry.isFile()) await aside(path, `not a file; ${lost}`);
    else {
      try {
        parseSkillStats((await readStoreText(path)) ?? '', path);
      } catch (error) {
        if (!CoevolveError.is(error, 'store-corrupt')) throw error;
        await aside(path, lost);
      }
    }
  }
}

async function repairSkill(storeDir: string, name: string, report: SkillRepairReport, aside: Aside): Promise<void> {
  const folder = join(storeDir, SKILLS, name);
  const versionsDir = join(folder, VERSIONS);
  const versionsInfo = await lstatIfAny(versionsDir);
  if (versionsInfo && !versionsInfo.isDirectory()) await aside(versionsDir, versionsInfo.isSymbolicLink() ? `a symbolic link where ${name}'s stored versions should be` : 'not a folder');
  else if (versionsInfo) {
    for (const entry of await readdir(versionsDir, { withFileTypes: true })) {
      if (!/^[1-9]\d*$/.test(entry.name)) continue;
      const path = join(versionsDir, entry.name);
      if (!entry.isDirectory()) {
        await aside(path, `${entry.isSymbolicLink() ? 'a symbolic link' : 'not a folder'} where version ${entry.name} of ${name} should be`);
        continue;
      }
      await asideLinks(path, '', aside);
      const whole = await readSkill(storeDir, name, Number(entry.name)).then(
        () => true,
        (error: unknown) => {
          if (CoevolveError.is(error, 'store-corrupt') || CoevolveError.is(error, 'bad-input')) return false;
          throw error;
        },
      );
      if (!whole) await aside(path, `version ${entry.name} of ${name} cannot be read (its SKILL.md is missing or damaged); the version is set aside whole`);
    }
  }
  await asideLinks(folder, VERSIONS, aside);
  const current = await readSkill(storeDir, name).then(
    () => undefined,
    (error: unknown) => {
      if (CoevolveError.is(error, 'store-corrupt') || CoevolveError.is(error, 'bad-input')) return error;
      throw error;
    },
  );
  // Whole, or no skill at all (no SKILL.md, no stored version): nothing to do.
  if (!current || CoevolveError.is(current, 'bad-input')) return;
  const skillMd = join(folder, 'SKILL.md');
  if (await lstatIfAny(skillMd)) await aside(skillMd, `the current version of ${name} cannot be read`);
  const whole = await listVersions(storeDir, name);
  if (!whole.length) {
    report.notes.push(`${name}: no whole stored version to restore; the skill is gone from the library until its SKILL.md is mended or written again.`);
    return;
  }
  const decisions = (await readDecisions(storeDir).catch(ignoreError('the skills history is damaged; repair takes each skill\'s newest whole version'))) ?? [];
  const last = decisions.filter((d) => d.name === name && d.version !== undefined && /^(version|rollback|adopted|repaired|status:)/.test(d.action)).at(-1)?.version;
  const version = last !== undefined && whole.includes(last) ? last : whole.at(-1)!;
  const basis = version === last ? 'history' : 'newest';
  await makeCurrent(storeDir, name, version);
  await recordDecision(storeDir, { name, action: 'repaired', version, reason: `store repair: the current SKILL.md could not be read; restored version ${version} (${basis === 'history' ? 'the current one by the history' : 'the newest whole one'})` });
  report.restored.push({ name, version, basis });
}

/** Moves aside every symbolic link under `folder` (except under `skip`, a top-level entry), without following any. */
async function asideLinks(folder: string, skip: string, aside: Aside): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (isSetAside(entry.name) || (skip && entry.name === skip)) continue;
    const path = join(folder, entry.name);
    if (entry.isSymbolicLink()) await aside(path, 'a symbolic link inside a skill (never followed)');
    else if (entry.isDirectory()) await asideLinks(path, '', aside);
  }
}

async function lstatIfAny(path: string): Promise<Stats | undefined> {
  return lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
}
