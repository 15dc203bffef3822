import { z } from 'zod';
import { CoevolveError } from '../errors.ts';
import type { CheckDraft } from './checkSpec.ts';

/**
 * The `coevolve.verify` setting: checks the user names for a project, as shell lines
 * (`"make test"`) or objects (`{ "name": "e2e", "command": "npm run e2e", "timeoutMs": 600000 }`).
 * The value comes from the user's settings, never from a model.
 */
const ConfiguredCheck = z.union([
  z.string().trim().min(1),
  z.strictObject({
    name: z.string().trim().min(1).max(64),
    command: z.string().trim().min(1),
    timeoutMs: z.number().int().positive().max(24 * 60 * 60 * 1000).optional(),
    kind: z.enum(['test', 'typecheck', 'lint', 'custom']).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
  }),
]);

export const ConfiguredChecksSchema = z.array(ConfiguredCheck);

export type ConfiguredChecksSetting = z.input<typeof ConfiguredChecksSchema>;

/** Drafts for the configured checks, run in `folder`; throws `bad-input` on a malformed setting. */
export function parseConfiguredChecks(value: unknown, folder: string): CheckDraft[] {
  if (value === undefined || value === null) return [];
  const parsed = ConfiguredChecksSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at [${issue.path.join('.')}]` : '';
    throw new CoevolveError('bad-input', `The coevolve.verify setting is not valid${where}: ${issue?.message ?? 'unexpected value'}.`, {
      hint: 'Use a list of commands, each a string or { "name", "command", "timeoutMs"? }.',
    });
  }
  const drafts: CheckDraft[] = [];
  const ids = new Set<string>();
  parsed.data.forEach((entry, index) => {
    const draft: CheckDraft =
      typeof entry === 'string'
        ? { id: `custom-${index + 1}`, kind: 'custom', command: { shell: entry }, display: entry, cwd: folder, source: 'configured' }
        : { id: entry.name, kind: entry.kind ?? 'custom', command: { shell: entry.command }, display: entry.command, cwd: folder, source: 'configured', ...(entry.timeoutMs ? { timeoutMs: entry.timeoutMs } : {}), ...(entry.env ? { env: entry.env } : {}) };
    if (ids.has(draft.id)) throw new CoevolveError('bad-input', `The coevolve.verify setting names the check "${draft.id}" twice.`);
    ids.add(draft.id);
    drafts.push(draft);
  });
  return drafts;
}
