import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { CoevolveError } from '../core/errors.ts';
import { markUntrusted } from '../core/memory/untrustedText.ts';
import { listSkills, readSkill } from '../core/skills/skillLibrary.ts';

/**
 * Each skill's SKILL.md as a resource, `skill://<name>`, listed from the library at the time of the
 * request. The file is served whole, inside an untrusted-data block like every other text of the
 * repository's that the server hands out. It is read through the library, which refuses a symbolic
 * link anywhere in the store: nothing outside the store is ever served. A damaged or refused skill
 * is an error naming the remedy; the listing leaves it out (and says why on stderr, the server's log).
 */
export function registerSkillResources(server: McpServer, storeDir: string): void {
  server.registerResource(
    'skill',
    new ResourceTemplate('skill://{name}', {
      list: async () => {
        const skills = await listSkills(storeDir).catch((error: unknown) => {
          if (!CoevolveError.is(error, 'store-corrupt')) throw error;
          process.stderr.write(`coevolve mcp: no skill is listed: ${error.message}${error.hint ? ` ${error.hint}` : ''}\n`);
          return [];
        });
        for (const s of skills.filter((s) => s.problem)) process.stderr.write(`coevolve mcp: skill ${s.name} is not listed: ${s.problem}\n`);
        return {
          resources: skills
            .filter((s) => !s.problem)
            .map((s) => ({
              uri: `skill://${s.name}`,
              name: s.name,
              title: `${s.name} (${s.kind}, v${s.version}, ${s.status})`,
              description: markUntrusted(s.description, `skill ${s.name}`),
              mimeType: 'text/markdown',
            })),
        };
      },
    }),
    { title: 'Project skill', description: 'A skill or mistake note of this repository (SKILL.md).', mimeType: 'text/markdown' },
    async (uri, { name }) => {
      let skill;
      try {
        skill = await readSkill(storeDir, String(name));
      } catch (error) {
        if (!CoevolveError.is(error)) throw error;
        throw new McpError(CoevolveError.is(error, 'bad-input') ? ErrorCode.InvalidParams : ErrorCode.InternalError, error.hint ? `${error.message} ${error.hint}` : error.message);
      }
      // Skills can come from a cloned repository or another agent: the file is data, marked as such.
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: markUntrusted(skill.text, `SKILL.md of ${skill.doc.meta.name}`) }] };
    },
  );
}
