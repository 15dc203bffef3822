import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { storeDirOf, withStoreFlags } from '../storeFlags.ts';
import type { StoreFlags } from '../storeFlags.ts';
import { CoevolveError } from '../../core/errors.ts';
import { exportSkills, importSkills } from '../../core/skills/skillTransfer.ts';
import { listSkills, readDecisions, readSkill, rollbackSkill, scanStoredSkill, setSkillStatus } from '../../core/skills/skillLibrary.ts';
import { REPAIR_HINT } from '../../core/skills/skillStore.ts';
import { formatFindings, secretPlaces, summarizeFindings } from '../../core/skills/skillSafety.ts';
import { readSkillStats, versionStats } from '../../core/skills/skillStats.ts';
import type { VersionStats } from '../../core/skills/skillStats.ts';

function versionOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CoevolveError('bad-input', `"${value}" is not a version number.`);
  return n;
}

/** `coevolve skills list|show|approve|disable|rollback`. */
export function registerSkills(program: Command): void {
  const skills = program.command('skills').description('The skill library: skills and mistake notes, every version kept.');
  withStoreFlags(skills.command('list').description('Every skill and mistake note with its version and status.')).action(async (flags: StoreFlags) => {
    const dir = await storeDirOf(flags);
    const list = await listSkills(dir);
    if (!list.length && !existsSync(dir)) throw new CoevolveError('store-empty', `There is no store in ${dir} yet: nothing mined, no skill.`, { hint: 'Run `coevolve mine` first, or `coevolve skills import <folder>`.' });
    // The current version's counts; a broken stats file costs its column, not the listing (and is reported below).
    const stats = new Map<string, VersionStats | 'unreadable'>();
    const damaged: string[] = list.filter((s) => s.problem).map((s) => `${s.name}: ${s.problem}`);
    for (const s of list) {
      const all = await readSkillStats(dir, s.name).catch((error: unknown) => {
        if (!CoevolveError.is(error, 'store-corrupt') && !CoevolveError.is(error, 'store-newer-schema')) throw error;
        damaged.push(`${s.name}: ${error.message}`);
        return undefined;
      });
      if (!all) stats.set(s.name, 'unreadable');
      else if (all.versions[String(s.version)]) stats.set(s.name, versionStats(all, s.version));
    }
    await readDecisions(dir).catch((error: unknown) => {
      if (!CoevolveError.is(error, 'store-corrupt')) throw error;
      damaged.push(error.message);
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(list.map((s) => ({ ...s, stats: stats.get(s.name) ?? null })), null, 2)}\n`);
    else if (!list.length) process.stdout.write('No skills yet.\n');
    else {
      const column = (name: string): string => {
        const s = stats.get(name);
        return (s === undefined ? '' : s === 'unreadable' ? 'stats?' : `accepted ${s.accepted}/${s.uses}`).padEnd(15);
      };
      for (const s of list) process.stdout.write(`${s.name.padEnd(32)} ${s.kind.padEnd(7)} v${s.version} of ${s.versions.length}  ${s.status.padEnd(11)} ${column(s.name)} ${s.problem ? `UNREADABLE: ${s.problem}` : s.description}\n`);
    }
    // The listing is still printed; a damaged library is said to be damaged, with the remedy, and exits 3.
    if (damaged.length) {
      throw new CoevolveError('store-corrupt', `The skill library is damaged:\n${damaged.map((line) => `  ${line}`).join('\n')}`, { hint: REPAIR_HINT });
    }
  });
  withStoreFlags(skills.command('show').description('Print a skill\'s SKILL.md (the current version, or --version N).').argument('<name>').option('--version <n>', 'a stored version')).action(async (name: string, flags: StoreFlags & { version?: string }) => {
    const skill = await readSkill(await storeDirOf(flags), name, versionOption(flags.version));
    process.stdout.write(flags.json ? `${JSON.stringify({ meta: skill.doc.meta, body: skill.doc.body, resources: skill.resources }, null, 2)}\n` : skill.text);
  });
  withStoreFlags(
    skills.command('approve').description('Activate a candidate skill (required for skills with scripts or risky requests). Prints what the safety scan found; with findings, --yes is required.').argument('<name>').option('--yes', 'approve although the safety scan has findings (after reading them)'),
  ).action(async (name: string, flags: StoreFlags & { yes?: boolean }) => {
    const dir = await storeDirOf(flags);
    const { skill, safety } = await scanStoredSkill(dir, name);
    const version = skill.doc.meta.version;
    if (safety.hasSecret) {
      throw new CoevolveError('bad-input', `${name} v${version} contains a secret (${secretPlaces(safety).join(', ')}); it cannot be approved.`, { hint: 'Remove the value from the skill; it may name an environment variable, never hold its value.' });
    }
    const { findings } = safety;
    const report = (approved: boolean): void => void process.stdout.write(`${JSON.stringify({ name, version, findings, approved }, null, 2)}\n`);
    if (findings.length && !flags.json) process.stdout.write(`${name} v${version}: the safety scan found what a person should review before this skill is used:\n${formatFindings(findings).map((line) => `  ${line}`).join('\n')}\n`);
    if (findings.length && !flags.yes) {
      if (flags.json) report(false);
      throw new CoevolveError('bad-input', `${name} was not approved: it has ${findings.length} safety finding${findings.length === 1 ? '' : 's'}.`, { hint: `Read them, then run \`coevolve skills approve ${name} --yes\` to approve it anyway.` });
    }
    await setSkillStatus(dir, name, 'active', findings.length ? `approved by a person after reviewing ${summarizeFindings(findings)}` : 'approved by a person', process.env.USER ?? 'user');
    if (flags.json) report(true);
    else process.stdout.write(`${name} v${version} is active.\n`);
  });
  withStoreFlags(skills.command('disable').description('Retire a skill: kept with its history, never used.').argument('<name>')).action(async (name: string, flags: StoreFlags) => {
    const skill = await setSkillStatus(await storeDirOf(flags), name, 'retired', 'disabled by a person');
    process.stdout.write(`${name} v${skill.doc.meta.version} is retired.\n`);
  });
  withStoreFlags(skills.command('import').description('Import skills another agent wrote: a folder with a SKILL.md, or a folder of them (e.g. ~/.claude/skills). Each arrives as a candidate.').argument('<folder>')).action(async (folder: string, flags: StoreFlags) => {
    const result = await importSkills(await storeDirOf(flags), folder);
    if (flags.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    for (const s of result.imported) process.stdout.write(`imported ${s.name} v${s.version} (${s.status}${s.findings ? `, ${s.findings} safety finding${s.findings === 1 ? '' : 's'}` : ''}) from ${s.from}\n`);
    for (const r of result.refused) process.stderr.write(`refused ${r.from}: ${r.reason}\n`);
    if (result.imported.length) process.stdout.write(`Review, then activate: coevolve skills show <name>; coevolve skills approve <name>\n`);
    if (result.refused.length) process.exitCode = 1;
  });
  withStoreFlags(skills.command('export').description('Write skills as SKILL.md folders other agents read (the current version and its resources).').argument('<folder>').argument('[names...]', 'skills to export (default: every active one)').option('--force', 'replace folders that exist')).action(async (folder: string, names: string[], flags: StoreFlags & { force?: boolean }) => {
    const dir = await storeDirOf(flags);
    const chosen = names.length ? names : (await listSkills(dir)).filter((s) => s.status === 'active' && !s.problem).map((s) => s.name);
    if (!chosen.length) throw new CoevolveError('bad-input', 'No active skill to export; name the skills to export.');
    const written = await exportSkills(dir, chosen, folder, { force: flags.force === true });
    process.stdout.write(flags.json ? `${JSON.stringify(written, null, 2)}\n` : written.map((w) => `exported ${w}\n`).join(''));
  });
  withStoreFlags(skills.command('rollback').description('Restore a previous version byte for byte (default: the current version\'s parent).').argument('<name>').argument('[version]')).action(async (name: string, version: string | undefined, flags: StoreFlags) => {
    const skill = await rollbackSkill(await storeDirOf(flags), name, versionOption(version), 'rolled back by a person');
    process.stdout.write(`${name} is back at v${skill.doc.meta.version}.\n`);
  });
}
