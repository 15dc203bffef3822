import type { Command } from 'commander';
import { CoevolveError } from '../../core/errors.ts';
import { listSkills, readSkill, rollbackSkill, setSkillStatus } from '../../core/skills/skillLibrary.ts';
import { resolveWorkspace } from '../../core/workspace.ts';

interface Flags {
  path: string;
  store?: string;
  json?: boolean;
}

function withStore(command: Command): Command {
  return command.option('--path <dir>', 'a folder inside the repository', '.').option('--store <dir>', 'memory store folder (default: <repo>/.coevolve)').option('--json', 'print JSON');
}

async function storeDir(flags: Flags): Promise<string> {
  return (await resolveWorkspace(flags.path, flags.store ?? process.env.COEVOLVE_STORE)).storeDir;
}

function versionOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CoevolveError('bad-input', `"${value}" is not a version number.`);
  return n;
}

/** `coevolve skills list|show|approve|disable|rollback`. */
export function registerSkills(program: Command): void {
  const skills = program.command('skills').description('The skill library: skills and mistake notes, every version kept.');
  withStore(skills.command('list').description('Every skill and mistake note with its version and status.')).action(async (flags: Flags) => {
    const list = await listSkills(await storeDir(flags));
    if (flags.json) return void process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    if (!list.length) return void process.stdout.write('No skills yet.\n');
    for (const s of list) process.stdout.write(`${s.name.padEnd(32)} ${s.kind.padEnd(7)} v${s.version} of ${s.versions.length}  ${s.status.padEnd(11)} ${s.problem ? `UNREADABLE: ${s.problem}` : s.description}\n`);
  });
  withStore(skills.command('show').description('Print a skill\'s SKILL.md (the current version, or --version N).').argument('<name>').option('--version <n>', 'a stored version')).action(async (name: string, flags: Flags & { version?: string }) => {
    const skill = await readSkill(await storeDir(flags), name, versionOption(flags.version));
    process.stdout.write(flags.json ? `${JSON.stringify({ meta: skill.doc.meta, body: skill.doc.body, resources: skill.resources }, null, 2)}\n` : skill.text);
  });
  withStore(skills.command('approve').description('Activate a candidate skill (required for skills with scripts or risky requests).').argument('<name>')).action(async (name: string, flags: Flags) => {
    const skill = await setSkillStatus(await storeDir(flags), name, 'active', 'approved by a person', process.env.USER ?? 'user');
    process.stdout.write(`${name} v${skill.doc.meta.version} is active.\n`);
  });
  withStore(skills.command('disable').description('Retire a skill: kept with its history, never used.').argument('<name>')).action(async (name: string, flags: Flags) => {
    const skill = await setSkillStatus(await storeDir(flags), name, 'retired', 'disabled by a person');
    process.stdout.write(`${name} v${skill.doc.meta.version} is retired.\n`);
  });
  withStore(skills.command('rollback').description('Restore a previous version byte for byte (default: the current version\'s parent).').argument('<name>').argument('[version]')).action(async (name: string, version: string | undefined, flags: Flags) => {
    const skill = await rollbackSkill(await storeDir(flags), name, versionOption(version), 'rolled back by a person');
    process.stdout.write(`${name} is back at v${skill.doc.meta.version}.\n`);
  });
}
