import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { CoevolveError } from '../errors.ts';

// A SKILL.md as other agents read it — YAML front matter with `name` and `description`, then
// Markdown instructions — with this product's own fields beside them (other readers ignore them).

export const SKILL_STATUSES = ['candidate', 'active', 'quarantined', 'retired'] as const;
export type SkillStatus = (typeof SKILL_STATUSES)[number];

export const skillFrontMatterSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and hyphens, at most 64'),
  description: z.string().min(1).max(1024),
  kind: z.enum(['skill', 'mistake']).default('skill'),
  version: z.number().int().positive().default(1),
  parent: z.number().int().positive().nullable().default(null),
  status: z.enum(SKILL_STATUSES).default('candidate'),
  /** What decides when the skill applies: error types, file globs, words of a task. */
  trigger: z.object({ keywords: z.array(z.string()).default([]), files: z.array(z.string()).default([]), errors: z.array(z.string()).default([]) }).partial().optional(),
  metrics: z.object({ uses: z.number().default(0), accepted: z.number().default(0), rejected: z.number().default(0), wins: z.number().default(0), losses: z.number().default(0) }).partial().optional(),
  provenance: z.object({ source: z.string(), runs: z.array(z.string()).optional(), imported: z.string().optional(), createdAt: z.string().optional() }).partial().optional(),
  /** Set when a person approved a skill that carries scripts or asks for risky capabilities. */
  approvedBy: z.string().optional(),
}).passthrough();
export type SkillFrontMatter = z.infer<typeof skillFrontMatterSchema>;

export interface SkillDocument {
  meta: SkillFrontMatter;
  body: string;
}

const FENCE = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export function parseSkillMarkdown(text: string, where: string): SkillDocument {
  const match = FENCE.exec(text);
  if (!match) throw new CoevolveError('bad-input', `${where} has no front matter (a --- block with name and description).`);
  const doc = parseDocument(match[1]!);
  if (doc.errors.length) throw new CoevolveError('bad-input', `${where} has invalid front matter: ${doc.errors[0]!.message}`);
  const parsed = skillFrontMatterSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new CoevolveError('bad-input', `${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'front matter'}: ${i.message}`).join('; ')}`);
  return { meta: parsed.data, body: text.slice(match[0].length) };
}

export function renderSkillMarkdown(skill: SkillDocument): string {
  return `---\n${stringify(skill.meta, { lineWidth: 0 }).trimEnd()}\n---\n${skill.body.startsWith('\n') ? '' : '\n'}${skill.body}`;
}
