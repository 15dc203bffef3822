import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import { redact } from '../security/redact.ts';
import { appendJsonl, readJsonl } from '../store/jsonl.ts';
import { parseSkillMarkdown, renderSkillMarkdown, skillFrontMatterSchema } from './skillFile.ts';
import type { SkillDocument, SkillFrontMatter, SkillStatus } from './skillFile.ts';
import { scanSkill, scanSkillText, secretPlaces, summarizeFindings } from './skillSafety.ts';
import type { SafetyReport } from './skillSafety.ts';
import { copyFolder, damaged, filesUnder, isSetAside, skillStorePath } from './skillStore.ts';
import { readStoreBytes, readStoreText, writeStoreFile } from '../store/storeFile.ts';
import { ifPresent } from '../util/fsProbe.ts';

// The library on disk: `<store>/skills/<name>/SKILL.md` (+ resources) is the current version of a
// skill or mistake note; `<name>/versions/<n>/` keeps every version whole, so rollback is a copy;
// `history.jsonl` records every decision with its evidence. Every path is checked by storePath (no
// symbolic links: a cloned repository commits its skills), every file is written atomically, and a
// file that cannot be read is `store-corrupt` with `coevolve store repair` as the remedy.

export const SKILL_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const VERSIONS = 'versions';
export const HISTORY = 'history.jsonl';

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
  /** Set when the skill's files cannot be read (damaged: `store repair` mends it): the skill is listed, not used. */
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

/**
 * Every skill and mistake note, by name. One that cannot be read is listed with its problem (and a
 * folder holding neither a SKILL.md nor stored versions is not a skill); a skills folder that is a
 * symbolic link is refused.
 */
export async function listSkills(storeDir: string): Promise<SkillSummary[]> {
  const dir = await skillStorePath(storeDir);
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  });
  // Links are listed too: reading one is refused, and the listing says so.
  const names = entries.filter((e) => (e.isDirectory() || e.isSymbolicLink()) && SKILL_NAME.test(e.name)).map((e) => e.name).sort();
  const out: SkillSummary[] = [];
  for (const name of names) {
    let versions: number[] = [];
    try {
      versions = await listVersions(storeDir, name);
      const { doc } = await readSkill(storeDir, name);
      out.push({ name, kind: doc.meta.kind, description: doc.meta.description, version: doc.meta.version, status: doc.meta.status, versions });
    } catch (error) {
      // No SKILL.md and no stored version: not a skill (an empty folder, what a repair left).
      if (CoevolveError.is(error, 'bad-input') && !versions.length) continue;
      out.push({ name, kind: 'skill', description: '', version: 0, status: 'retired', versions, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/**
 * The current version, or a stored one. No such skill or version is `bad-input`; a SKILL.md that
 * cannot be read as one (cut off, zeroed, garbage, empty), a link anywhere on the way, or a current
 * version missing beside stored ones is `store-corrupt`.
 */
export async function readSkill(storeDir: string, name: string, version?: number): Promise<StoredSkill> {
  checkName(name);
  const folder = version === undefined ? await skillStorePath(storeDir, name) : await skillStorePath(storeDir, name, VERSIONS, String(version));
  const path = join(folder, 'SKILL.md');
  const text = await readStoreText(path);
  if (text === undefined) {
    if (version === undefined && (await listVersions(storeDir, name)).length) throw damaged(path, 'is missing, though the skill has stored versions (a write that did not finish?)');
    throw new CoevolveError('bad-input', version === undefined ? `There is no skill "${name}".` : `Skill "${name}" has no version ${version}.`);
  }
  let doc: SkillDocument;
  try {
    doc = parseSkillMarkdown(text, path);
  } catch (error) {
    if (!CoevolveError.is(error, 'bad-input')) throw error;
    const why = error.message.startsWith(path) ? error.message.slice(path.length).replace(/^:?\s*/, '') : error.message;
    throw damaged(path, `cannot be read as a skill: ${why.replace(/\.$/, '')}`, error);
  }
  return { doc, text, path, resources: await listResources(folder) };
}

/** The current version, or undefined when there is no such skill; a damaged one is still `store-corrupt`. */
export async function readSkillIfAny(storeDir: string, name: string): Promise<StoredSkill | undefined> {
  return readSkill(storeDir, name).catch((error: unknown) => {
    if (CoevolveError.is(error, 'bad-input')) return undefined;
    throw error;
  });
}

export async function listVersions(storeDir: string, name: string): Promise<number[]> {
  checkName(name);
  const entries = await readdir(await skillStorePath(storeDir, name, VERSIONS)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  });
  return entries.filter((entry) => /^[1-9]\d*$/.test(entry)).map(Number).sort((a, b) => a - b);
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
 * The safety scan runs first: a secret refuses the version before anything is written, and so
 * does a damaged library (the current version, the history).
 */
export async function saveSkillVersion(storeDir: string, meta: SkillDraft, body: string, resources: Record<string, string | Buffer> = {}, reason = 'saved', options: SaveSkillOptions = {}): Promise<SavedSkill> {
  checkName(meta.name);
  for (const relative of Object.keys(resources)) {
    if (relative.split(/[\\/]/).some((part) => part === '..' || part === VERSIONS || part === '' || isSetAside(part)) || relative.startsWith('/') || relative === 'SKILL.md') {
      throw new CoevolveError('bad-input', `Skill resource path "${relative}" is not allowed.`);
    }
  }
  const history = await openHistory(storeDir);
  const versions = await listVersions(storeDir, meta.name);
  // A damaged current version is refused here, before anything is written (never silently replaced).
  const existing = await readSkillIfAny(storeDir, meta.name);
  const current = versions.length ? existing?.doc.meta.version : undefined;
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
  // Written whole beside the versions and renamed in: a crash never leaves half a version.
  const versionsDir = await skillStorePath(storeDir, meta.name, VERSIONS);
  const staging = join(versionsDir, `.${version}.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeStoreFile(join(staging, 'SKILL.md'), text);
    for (const [relative, content] of Object.entries(resources)) await writeStoreFile(join(staging, relative), content);
    await rename(staging, join(versionsDir, String(version)));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await makeCurrent(storeDir, meta.name, version);
  await history.append({
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
  const folder = dirname(skill.path);
  const resources: Record<string, Buffer> = {};
  for (const relative of skill.resources) {
    const bytes = await readStoreBytes(join(folder, relative));
    if (bytes !== undefined) resources[relative] = bytes;
  }
  return { skill, safety: scanSkillText(skill.text, resources) };
}

/** Restores a stored version byte for byte (by default the current one's parent). */
export async function rollbackSkill(storeDir: string, name: string, version?: number, reason = 'rollback', evidence?: unknown): Promise<StoredSkill> {
  const history = await openHistory(storeDir);
  const current = await readSkill(storeDir, name);
  const target = version ?? current.doc.meta.parent;
  if (!target) throw new CoevolveError('bad-input', `Skill "${name}" is at its first version; there is nothing to roll back to.`);
  if (!(await listVersions(storeDir, name)).includes(target)) throw new CoevolveError('bad-input', `Skill "${name}" has no version ${target}.`);
  // The stored version must be whole before it replaces the current one.
  await readSkill(storeDir, name, target);
  await makeCurrent(storeDir, name, target);
  await history.append({ name, action: 'rollback', version: target, from: current.doc.meta.version, reason, ...(evidence === undefined ? {} : { evidence }) });
  return readSkill(storeDir, name);
}

/** Changes the status of the current version (in its stored copy too, so a later rollback keeps it). */
export async function setSkillStatus(storeDir: string, name: string, status: SkillStatus, reason: string, approvedBy?: string): Promise<StoredSkill> {
  const history = await openHistory(storeDir);
  const current = await readSkill(storeDir, name);
  // Activation is where a risky skill would start steering the agent: only a named person may do it.
  if (status === 'active' && !approvedBy && (await scanStoredSkill(storeDir, name)).safety.needsApproval) {
    throw new CoevolveError('bad-input', `Skill "${name}" asks for risky capabilities (scripts, commands, network, secrets or file sharing); only a person can activate it (coevolve skills approve ${name}).`);
  }
  await keepCurrentAsVersion(storeDir, name, current.doc.meta.version, history);
  const meta = { ...current.doc.meta, status, ...(approvedBy ? { approvedBy } : {}) };
  const text = renderSkillMarkdown({ meta, body: current.doc.body });
  await writeStoreFile(await skillStorePath(storeDir, name, VERSIONS, String(meta.version), 'SKILL.md'), text);
  await makeCurrent(storeDir, name, meta.version);
  await history.append({ name, action: `status:${status}`, version: meta.version, reason });
  return readSkill(storeDir, name);
}

/**
 * A skill written by hand (or copied in) has no versions/ folder: its current files become that
 * version, so a status change or a later rollback has a kept version to work on.
 */
async function keepCurrentAsVersion(storeDir: string, name: string, version: number, history: SkillHistory): Promise<void> {
  const folder = await skillStorePath(storeDir, name);
  const kept = await skillStorePath(storeDir, name, VERSIONS, String(version));
  if ((await readStoreBytes(join(kept, 'SKILL.md'))) !== undefined) return;
  await copyFolder(folder, kept, (relative) => relative === VERSIONS);
  await history.append({ name, action: 'adopted', version, reason: 'A skill without stored versions (written by hand): its current files were kept as this version.' });
}

export interface SkillDecision {
  name: string;
  action: string;
  version?: number;
  from?: number;
  reason: string;
  evidence?: unknown;
}

/** One line of skills/history.jsonl. */
export const skillDecisionSchema = z.looseObject({
  at: z.string(),
  name: z.string(),
  action: z.string(),
  version: z.number().int().positive().optional(),
  from: z.number().int().positive().optional(),
  reason: z.string(),
  evidence: z.unknown().optional(),
});

/** The skill history, checked whole before a change writes anything, then appended to. */
interface SkillHistory {
  append(decision: SkillDecision): Promise<void>;
}

async function openHistory(storeDir: string): Promise<SkillHistory> {
  const path = await skillStorePath(storeDir, HISTORY);
  await readHistoryFile(path);
  return {
    // Reasons are free text from callers; the history is a log, and secrets never reach logs.
    append: (decision) => appendJsonl(path, [{ at: new Date().toISOString(), ...decision, reason: redact(decision.reason) }]),
  };
}

/** Appends one decision to the skill history (a damaged history is refused first). */
export async function recordDecision(storeDir: string, decision: SkillDecision): Promise<void> {
  await (await openHistory(storeDir)).append(decision);
}

/**
 * Every decision, oldest first. A record cut short by a crash is left out; any other bad line is
 * `store-corrupt`, never skipped (a history read as shorter than it is would mislead a review).
 */
export async function readDecisions(storeDir: string): Promise<(SkillDecision & { at: string })[]> {
  return readHistoryFile(await skillStorePath(storeDir, HISTORY));
}

async function readHistoryFile(path: string): Promise<(SkillDecision & { at: string })[]> {
  // Read through readStoreBytes first: a link that appeared after the check is never followed.
  if ((await readStoreBytes(path)) === undefined) return [];
  const { records, problems } = await readJsonl(path, skillDecisionSchema);
  const bad = problems.filter((p) => p.kind === 'corrupt');
  if (bad.length) throw damaged(path, `is damaged: line ${bad[0]!.line} is ${bad[0]!.reason}${bad.length > 1 ? ` (and ${bad.length - 1} more bad line${bad.length === 2 ? '' : 's'})` : ''}`);
  return records;
}

/** Makes a stored version the current one: its files replace the current files (the versions stay, and so does what a repair set aside). */
export async function makeCurrent(storeDir: string, name: string, version: number): Promise<void> {
  const folder = await skillStorePath(storeDir, name);
  const source = await skillStorePath(storeDir, name, VERSIONS, String(version));
  const staging = await skillStorePath(storeDir, `.${name}.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await copyFolder(source, staging);
  // The current files are replaced as a whole; the versions folder stays where it is.
  for (const entry of (await ifPresent(readdir(folder))) ?? []) if (entry !== VERSIONS && !isSetAside(entry)) await rm(join(folder, entry), { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  for (const entry of await readdir(staging)) await rename(join(staging, entry), join(folder, entry));
  await rm(staging, { recursive: true, force: true });
}

async function listResources(folder: string): Promise<string[]> {
  return (await filesUnder(folder, (relative) => relative === VERSIONS)).filter((path) => path !== 'SKILL.md');
}

function checkName(name: string): void {
  if (!SKILL_NAME.test(name)) throw new CoevolveError('bad-input', `"${name}" is not a skill name (lowercase letters, digits and hyphens).`);
}
