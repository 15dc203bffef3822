import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { CoevolveError } from '../errors.ts';
import { parseSkillMarkdown } from './skillFile.ts';
import { listSkills, readDecisions, readSkill, readSkillIfAny, saveSkillVersion } from './skillLibrary.ts';
import type { SavedSkill } from './skillLibrary.ts';
import { readStoreBytes } from '../store/storeFile.ts';
import { statIfPresent } from '../util/fsProbe.ts';

// Moving skills between this library and other agents' skill folders (the SKILL.md convention:
// one folder per skill, SKILL.md plus resources). What comes in is another agent's text: it is
// scanned, never trusted, and waits as a candidate until a person approves it.

const MAX_RESOURCE_BYTES = 1 << 20;
const MAX_RESOURCES = 50;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface ImportedSkill {
  name: string;
  version: number;
  status: string;
  from: string;
  findings: number;
}

/**
 * Imports one skill folder (holding SKILL.md) or every skill folder inside a folder (an agent's
 * skills directory). Each becomes a new version in the library — a new skill, or a child of the
 * existing one of that name — with status candidate and its origin recorded. A skill that cannot be
 * read or holds a secret is refused with the reason; the others are still imported. The library is
 * checked before anything is written: a damaged one (a skill of the same name, the history, a link
 * anywhere in it) refuses the whole import with `store-corrupt`, and nothing is imported.
 */
export async function importSkills(storeDir: string, source: string): Promise<{ imported: ImportedSkill[]; refused: { from: string; reason: string }[] }> {
  const root = resolve(source);
  const info = await statIfPresent(root);
  if (!info?.isDirectory()) throw new CoevolveError('bad-input', `${root} is not a folder (give a skill folder with a SKILL.md, or a folder of them).`);
  const folders = (await exists(join(root, 'SKILL.md')))
    ? [root]
    : (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(root, e.name)).filter((f) => f);
  const result = { imported: [] as ImportedSkill[], refused: [] as { from: string; reason: string }[] };
  const prepared: Prepared[] = [];
  for (const folder of folders) {
    if (!(await exists(join(folder, 'SKILL.md')))) continue;
    try {
      prepared.push(await prepareOne(folder));
    } catch (error) {
      if (!CoevolveError.is(error, 'bad-input')) throw error;
      result.refused.push({ from: folder, reason: error.message });
    }
  }
  if (!prepared.length && !result.refused.length) throw new CoevolveError('bad-input', `No SKILL.md in ${root} or in the folders directly inside it.`);
  // Everything the import reads or appends to in the library, before the first write.
  await listSkills(storeDir);
  await readDecisions(storeDir);
  for (const one of prepared) await readSkillIfAny(storeDir, one.name);
  for (const one of prepared) {
    try {
      const saved = await importOne(storeDir, one);
      result.imported.push({ name: saved.doc.meta.name, version: saved.doc.meta.version, status: saved.doc.meta.status, from: one.folder, findings: saved.safety.findings.length });
    } catch (error) {
      // What the source holds (a secret, a bad resource) refuses that skill; a damaged store stops the import.
      if (!CoevolveError.is(error, 'bad-input')) throw error;
      result.refused.push({ from: one.folder, reason: error.message });
    }
  }
  return result;
}

interface Prepared {
  folder: string;
  name: string;
  meta: ReturnType<typeof parseSkillMarkdown>['meta'];
  body: string;
  resources: Record<string, Buffer>;
}

/** Reads and checks one source folder; writes nothing. */
async function prepareOne(folder: string): Promise<Prepared> {
  const path = join(folder, 'SKILL.md');
  // Another agent's folder is as untrusted as a cloned repository: a SKILL.md that is a link is not followed.
  const bytes = await readStoreBytes(path).catch((error: unknown) => {
    if (!CoevolveError.is(error, 'store-corrupt')) throw error;
    throw new CoevolveError('bad-input', `${path} is a symbolic link or not a plain file: it is not followed, and the skill is not imported.`);
  });
  if (bytes === undefined) throw new CoevolveError('bad-input', `${path} cannot be read.`);
  const text = bytes.toString('utf8');
  const fence = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  let raw: unknown;
  try {
    raw = fence ? parseYaml(fence[1]!, { maxAliasCount: 10 }) : undefined;
  } catch (error) {
    throw new CoevolveError('bad-input', `${path} has invalid front matter: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const given = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : '';
  // Other agents name skills freely ("PDF Forms"); the library's names are slugs.
  const name = [given, basename(folder)].map(slug).find((n) => NAME.test(n));
  if (!name) throw new CoevolveError('bad-input', `${path}: "${given}" cannot be made into a skill name.`);
  const { meta, body } = parseSkillMarkdown(fence ? text.replace(fence[1]!, stringifyYaml({ ...(raw as object), name }).trimEnd()) : text, path);
  return { folder, name, meta, body, resources: await readResources(folder) };
}

async function importOne(storeDir: string, { folder, name, meta, body, resources }: Prepared): Promise<SavedSkill> {
  const existing = await readSkillIfAny(storeDir, name);
  const { version: _version, parent: _parent, approvedBy: _approved, status: _status, ...rest } = meta;
  return saveSkillVersion(
    storeDir,
    { ...rest, name, status: 'candidate', parent: existing?.doc.meta.version ?? null, provenance: { source: 'import', imported: folder, createdAt: new Date().toISOString() } },
    body,
    resources,
    `imported from ${folder}`,
  );
}

/** Writes the current version of each skill as `<target>/<name>/SKILL.md` plus resources (no version history). */
export async function exportSkills(storeDir: string, names: readonly string[], target: string, options: { force?: boolean } = {}): Promise<string[]> {
  const written: string[] = [];
  for (const name of names) {
    const skill = await readSkill(storeDir, name);
    const destination = join(resolve(target), name);
    if ((await exists(destination)) && !options.force) throw new CoevolveError('bad-input', `${destination} exists; pass --force to replace it.`);
    // Written beside the destination and swapped in: a failed export never leaves half a skill.
    const staging = `${destination}.coevolve-export-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, 'SKILL.md'), skill.text);
    const folder = dirname(skill.path);
    for (const resource of skill.resources) {
      // Read without following a link (readSkill already refused any in the skill's folder).
      const bytes = await readStoreBytes(join(folder, resource));
      if (bytes === undefined) continue;
      await mkdir(dirname(join(staging, resource)), { recursive: true });
      await writeFile(join(staging, resource), bytes);
    }
    await rm(destination, { recursive: true, force: true });
    await rename(staging, destination);
    written.push(destination);
  }
  return written;
}

async function readResources(folder: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  let total = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    const rel = relative(folder, full).split('\\').join('/');
    if (rel === 'SKILL.md' || rel.split('/').some((part) => part.startsWith('.'))) continue;
    // Links could point anywhere on the disk: never followed.
    if (!entry.isFile() || (await lstat(full)).isSymbolicLink()) continue;
    const bytes = await readFile(full);
    total += bytes.length;
    if (total > MAX_RESOURCE_BYTES || Object.keys(out).length >= MAX_RESOURCES) throw new CoevolveError('bad-input', `${folder} has more resources than a skill may carry (${MAX_RESOURCES} files, ${MAX_RESOURCE_BYTES >> 10} KB).`);
    out[rel] = bytes;
  }
  return out;
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
