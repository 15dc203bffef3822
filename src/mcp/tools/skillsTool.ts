import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { listSkills, readSkill } from '../../core/skills/skillLibrary.ts';
import type { ServerContext } from '../serverContext.ts';
import { guarded, memoryAnswer, plainAnswer } from '../toolResult.ts';

const inputSchema = {
  name: z.string().min(1).max(64).optional().describe('A skill\'s name from the list; leave it out to list every skill.'),
  version: z.number().int().min(1).optional().describe('A stored version of the named skill; default the current one.'),
};

export function registerSkillsTool(server: McpServer, context: ServerContext): void {
  server.registerTool(
    'skills',
    {
      title: 'Project skills and mistake notes',
      description:
        'Without a name: list the skills (procedures that worked in this repository) and mistake notes (what went wrong before) ' +
        'with their kind, version and status. With a name: return that skill\'s SKILL.md. ' +
        'Only "active" skills have been accepted; "candidate" ones are unproven, and "quarantined" or "retired" ones should not be followed.',
      inputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ name, version }) =>
      guarded('skills', async () => {
        const storeDir = context.workspace.storeDir;
        if (name === undefined) {
          const skills = await listSkills(storeDir);
          if (skills.length === 0) return plainAnswer('This repository has no skills or mistake notes yet.');
          const lines = skills.map(
            (s) => `- ${s.name} [${s.kind}, v${s.version}, ${s.status}]${s.problem ? ` (unreadable: ${s.problem})` : ''}: ${s.description}`,
          );
          return memoryAnswer(`${skills.length} skills and mistake notes; call skills with a name to read one.`, lines.join('\n'), 'coevolve skill library');
        }
        const skill = await readSkill(storeDir, name, version);
        const meta = skill.doc.meta;
        const warning = meta.status === 'quarantined' || meta.status === 'retired' ? ` It is ${meta.status}: do not follow it.` : meta.status === 'candidate' ? ' It is a candidate, not yet proven.' : '';
        return memoryAnswer(
          `SKILL.md of ${meta.name} (${meta.kind}, version ${meta.version}, ${meta.status}).${warning}${skill.resources.length ? ` Other files: ${skill.resources.join(', ')}.` : ''}`,
          skill.text,
          `skill ${meta.name} v${meta.version}`,
        );
      }),
  );
}
