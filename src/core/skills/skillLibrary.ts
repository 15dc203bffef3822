import { appendFileSync, mkdirSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoevolveError } from '../errors.ts';
import { redact } from '../security/redact.ts';
import { parseSkillMarkdown, renderSkillMarkdown, skillFrontMatterSchema } from './skillFile.ts';
import type { SkillDocument, SkillFrontMatter, SkillStatus } from './skillFile.ts';
import { scanSkill, scanSkillText, secretPlaces, summarizeFindings } from './skillSafety.ts';
import type { SafetyReport } from './skillSafety.ts';

// The library on disk: `<store>/skills/<name>/SKILL.md` (+ resources) is the current version of a
// skill or mistake note; `<name>/versions/<n>/` keeps every version whole, so rollback is a copy;
// `history.jsonl` records every decision with its evidence.

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const VERSIONS = 'versions';

export function skillsDir(storeDir: string): string {
  return join(storeDir, 'skills');
}

/** A new version's front matter: version and parent are decided by the library. */
export type SkillDraft = Partial<Omit<SkillFrontMatter, 'name' | 'description'>> & { name: string; description: string };

export interface SkillSummary {
  name: string;
  kind: 'skill' | 'mistake';
  description: string;
  version: number;
  status: SkillStatus;
  versions: number[];
  /** Set when the SKILL.md cannot be read: the skill is listed, not used. */
  problem?: string;
}

export interface StoredSkill {
  doc: SkillDocument;
  /** The SKILL.md exactly as stored. */
  text: string;
  path: string;
  /** Other files of the skill (scripts, templates), relative to its folder. */
  resources: string[];
}

export async function listSkills(storeDir: string): Promise<SkillSummary[]> {
  const dir = skillsDir(storeDir);
  const names = (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && NAME.test(e.name)).map((e) => e.name).sort();
  const out: SkillSummary[] = [];
  for (const name of names) {
    const versions = await listVersions(storeDir, name);
    try {
      const { doc } = await readSkill(storeDir, name);
      out.push({ name, kind: doc.meta.kind, description: doc.meta.description, version: doc.meta.version, status: doc.meta.status, versions });
    } catch (error) {
      out.push({ name, kind: 'skill', description: '', version: 0, status: 'retired', versions, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/** The current version, or a stored one. */
export async function readSkill(storeDir: string, name: string, version?: number): Promise<StoredSkill> {
  checkName(name);
  const folder = version === undefined ? join(skillsDir(storeDir), name) : join(skillsDir(storeDir), name, VERSIONS, String(version));
  const path = join(folder, 'SKILL.md');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CoevolveError('bad-input', version === undefined ? `There is no skill "${name}".` : `Skill "${name}" has no version ${version}.`);
  }
  return { doc: parseSkillMarkdown(text, path), text, path, resources: await listResources(folder) };
}

export async function listVersions(storeDir: string, name: string): Promise<number[]> {
  const entries = await readdir(join(skillsDir(storeDir), name, VERSIONS)).catch(() => []);
  return entries.map(Number).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
}

export interface SaveSkillOptions {
  /**
   * The person who approved exactly this content. Without it, a version the safety scan flags is
   * stored as a candidate even when `active` was asked for. A draft's own `approvedBy` is dropped:
   * it is usually copied from the parent's front matter, and approval covers one version's bytes.
   */
  approvedBy?: string;
}

export type SavedSkill = StoredSkill & { safety: SafetyReport };

/**
 * Stores a new version of a skill (its parent is the current one) and makes it current. The whole
 * folder is written beside the old one and swapped in, so a crash never leaves half a skill.
 * The safety scan runs first: a secret refuses the version before anything is written.
 */
export async function saveSkillVersion(storeDir: string, meta: SkillDraft, body: string, resources: Record<string, string | Buffer> = {}, reason = 'saved', options: SaveSkillOptions = {}): Promise<SavedSkill> {
  checkName(meta.name);
  for (const relative of Object.keys(resources)) {
    if (relative.split(/[\\/]/).some((part) => part === '..' || part === VERSIONS || part === '') || relative.startsWith('/') || relative === 'SKILL.md') {
      throw new CoevolveError('bad-input', `Skill resource path "${relative}" is not allowed.`);
    }
  }
  const versions = await listVersions(storeDir, meta.name);
  const current = versions.length ? (await readSkill(storeDir, meta.name).catch(() => undefined))?.doc.meta.version : undefined;
  const version = (versions.at(-1) ?? 0) + 1;
  const { approvedBy: _copied, ...draft } = meta;
  const asked = skillFrontMatterSchema.parse({ ...draft, version, parent: meta.parent ?? current ?? null, ...(options.approvedBy ? { approvedBy: options.approvedBy } : {}) });
  const safety = scanSkill({ meta: asked, body }, resources);
  if (safety.hasSecret) {
    throw new CoevolveError('bad-input', `Skill "${meta.name}" was not saved: it contains a secret (${secretPlaces(safety).join(', ')}). Nothing was written.`, {
      hint: 'Remove the value; a skill may name an environment variable, never hold its value.',
    });
  }
  const held = safety.needsApproval && asked.status === 'active' && !options.approvedBy;
  const full = held ? { ...asked, status: 'candidate' as const } : asked;
  const text = renderSkillMarkdown({ meta: full, body });
  const versionDir = join(skillsDir(storeDir), meta.name, VERSIONS, String(version));
  await mkdir(versionDir, { recursive: true });
  await writeFile(join(versionDir, 'SKILL.md'), text);
  for (const [relative, content] of Object.entries(resources)) {
    await mkdir(join(versionDir, relative, '..'), { recursive: true });
    await writeFile(join(versionDir, relative), content);
  }
  await makeCurrent(storeDir, meta.name, version);
  recordDecision(storeDir, {
    name: meta.name,
    action: 'version',
    version,
    reason: held ? `${reason}; held as a candidate until a person approves it (${summarizeFindings(safety.findings)})` : reason,
    ...(safety.findings.length ? { evidence: { safety: safety.findings } } : {}),
  });
  return { ...(await readSkill(storeDir, meta.name)), safety };
}

/** The current version and the safety scan of its SKILL.md and resources, for a person deciding on approval. */
export async function scanStoredSkill(storeDir: string, name: string): Promise<{ skill: StoredSkill; safety: SafetyReport }> {
  const skill = await readSkill(storeDir, name);
  const folder = join(skillsDir(storeDir), name);
  const resources: Record<string, Buffer> = {};
  for (const relative of skill.resources) resources[relative] = await readFile(join(folder, relative));
  return { skill, safety: scanSkillText(skill.text, resources) };
}

/** Restores a stored version byte for byte (by default the current one's parent). */
export async function rollbackSkill(storeDir: string, name: string, version?: number, reason = 'rollback', evidence?: unknown): Promise<StoredSkill> {
  const current = await readSkill(storeDir, name);
  const target = version ?? current.doc.meta.parent;
  if (!target) throw new CoevolveError('bad-input', `Skill "${name}" is at its first version; there is nothing to roll back to.`);
  if (!(await listVersions(storeDir, name)).includes(target)) throw new CoevolveError('bad-input', `Skill "${name}" has no version ${target}.`);
  await makeCurrent(storeDir, name, target);
  recordDecision(storeDir, { name, action: 'rollback', version: target, from: current.doc.meta.version, reason, ...(evidence === undefined ? {} : { evidence }) });
  return readSkill(storeDir, name);
}

/** Changes the status of the current version (in its stored copy too, so a later rollback keeps it). */
export async function setSkillStatus(storeDir: string, name: string, status: SkillStatus, reason: string, approvedBy?: string): Promise<StoredSkill> {
  const current = await readSkill(storeDir, name);
  await keepCurrentAsVersion(storeDir, name, current.doc.meta.version);
  // Activation is where a risky skill would start steering the agent: only a named person may do it.
  if (status === 'active' && !approvedBy && (await scanStoredSkill(storeDir, name)).safety.needsApproval) {
    throw new CoevolveError('bad-input', `Skill "${name}" asks for risky capabilities (scripts, commands, network, secrets or file sharing); only a person can activate it (coevolve skills approve ${name}).`);
  }
  const meta = { ...current.doc.meta, status, ...(approvedBy ? { approvedBy } : {}) };
  const text = renderSkillMarkdown({ meta, body: current.doc.body });
  await writeFile(join(skillsDir(storeDir), name, VERSIONS, String(meta.version), 'SKILL.md'), text);
  await makeCurrent(storeDir, name, meta.version);
  recordDecision(storeDir, { name, action: `status:${status}`, version: meta.version, reason });
  return readSkill(storeDir, name);
}

/**
 * A skill written by hand (or copied in) has no versions/ folder: its current files become that
 * version, so a status change or a later rollback has a kept version to work on.
 */
async function keepCurrentAsVersion(storeDir: string, name: string, version: number): Promise<void> {
  const folder = join(skillsDir(storeDir), name);
  const kept = join(folder, VERSIONS, String(version));
  if (await readFile(join(kept, 'SKILL.md')).then(() => true, () => false)) return;
  await mkdir(kept, { recursive: true });
  for (const entry of await readdir(folder)) if (entry !== VERSIONS) await cp(join(folder, entry), join(kept, entry), { recursive: true });
  recordDecision(storeDir, { name, action: 'adopted', version, reason: 'A skill without stored versions (written by hand): its current files were kept as this version.' });
}

export interface SkillDecision {
  name: string;
  action: string;
  version?: number;
  from?: number;
  reason: string;
  evidence?: unknown;
}

export function recordDecision(storeDir: string, decision: SkillDecision): void {
  const dir = skillsDir(storeDir);
  mkdirSync(dir, { recursive: true });
  // Reasons are free text from callers; the history is a log, and secrets never reach logs.
  appendFileSync(join(dir, 'history.jsonl'), `${JSON.stringify({ at: new Date().toISOString(), ...decision, reason: redact(decision.reason) })}\n`);
}

export async function readDecisions(storeDir: string): Promise<(SkillDecision & { at: string })[]> {
  const text = await readFile(join(skillsDir(storeDir), 'history.jsonl'), 'utf8').catch(() => '');
  const out: (SkillDecision & { at: string })[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as SkillDecision & { at: string });
    } catch {
      // A torn last line from a crash: the rest of the history still counts.
    }
  }
  return out;
}

async function makeCurrent(storeDir: string, name: string, version: number): Promise<void> {
  const folder = join(skillsDir(storeDir), name);
  const staging = join(skillsDir(storeDir), `.${name}.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await cp(join(folder, VERSIONS, String(version)), staging, { recursive: true });
  // The current files are replaced as a whole; the versions folder stays where it is.
  for (const entry of await readdir(folder).catch(() => [])) if (entry !== VERSIONS) await rm(join(folder, entry), { recursive: true, force: true });
  for (const entry of await readdir(staging)) await rename(join(staging, entry), join(folder, entry));
  await rm(staging, { recursive: true, force: true });
}

async function listResources(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(folder.length + 1))
    .filter((path) => path !== 'SKILL.md' && !path.startsWith(`${VERSIONS}/`))
    .sort();
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw new CoevolveError('bad-input', `"${name}" is not a skill name (lowercase letters, digits and hyphens).`);
}
