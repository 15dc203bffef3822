import type { Command } from 'commander';
import { storeDirOf, withStoreFlags } from '../storeFlags.ts';
import type { StoreFlags } from '../storeFlags.ts';
import { CoevolveError } from '../../core/errors.ts';
import { listSkills, readSkill, rollbackSkill, setSkillStatus } from '../../core/skills/skillLibrary.ts';

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
    const list = await listSkills(await storeDirOf(flags));
    if (flags.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    if (!list.length) return void process.stdout.write('No skills yet.\n');
    for (const s of list) process.stdout.write(`${s.name.padEnd(32)} ${s.kind.padEnd(7)} v${s.version} of ${s.versions.length}  ${s.status.padEnd(11)} ${s.problem ? `UNREADABLE: ${s.problem}` : s.description}\n`);
  });
  withStoreFlags(skills.command('show').description('Print a skill\'s SKILL.md (the current version, or --version N).').argument('<name>').option('--version <n>', 'a stored version')).action(async (name: string, flags: StoreFlags & { version?: string }) => {
    const skill = await readSkill(await storeDirOf(flags), name, versionOption(flags.version));
    process.stdout.write(flags.json ? `${JSON.stringify({ meta: skill.doc.meta, body: skill.doc.body, resources: skill.resources }, null, 2)}\n` : skill.text);
  });
  withStoreFlags(skills.command('approve').description('Activate a candidate skill (required for skills with scripts or risky requests).').argument('<name>')).action(async (name: string, flags: StoreFlags) => {
    const skill = await setSkillStatus(await storeDirOf(flags), name, 'active', 'approved by a person', process.env.USER ?? 'user');
    process.stdout.write(`${name} v${skill.doc.meta.version} is active.\n`);
  });
  withStoreFlags(skills.command('disable').description('Retire a skill: kept with its history, never used.').argument('<name>')).action(async (name: string, flags: StoreFlags) => {
    const skill = await setSkillStatus(await storeDirOf(flags), name, 'retired', 'disabled by a person');
    process.stdout.write(`${name} v${skill.doc.meta.version} is retired.\n`);
  });
  withStoreFlags(skills.command('rollback').description('Restore a previous version byte for byte (default: the current version\'s parent).').argument('<name>').argument('[version]')).action(async (name: string, version: string | undefined, flags: StoreFlags) => {
    const skill = await rollbackSkill(await storeDirOf(flags), name, versionOption(version), 'rolled back by a person');
    process.stdout.write(`${name} is back at v${skill.doc.meta.version}.\n`);
  });
}
