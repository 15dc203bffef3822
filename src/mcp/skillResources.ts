import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { listSkills, readSkill } from '../core/skills/skillLibrary.ts';

/**
 * Each skill's SKILL.md as a resource, `skill://<name>`, listed from the library at the time of the
 * request. The file is served as stored: it is the convention other agents read.
 */
export function registerSkillResources(server: McpServer, storeDir: string): void {
  server.registerResource(
    'skill',
    new ResourceTemplate('skill://{name}', {
      list: async () => ({
        resources: (await listSkills(storeDir))
          .filter((s) => !s.problem)
          .map((s) => ({
            uri: `skill://${s.name}`,
            name: s.name,
            title: `${s.name} (${s.kind}, v${s.version}, ${s.status})`,
            description: s.description,
            mimeType: 'text/markdown',
          })),
      }),
    }),
    { title: 'Project skill', description: 'A skill or mistake note of this repository (SKILL.md).', mimeType: 'text/markdown' },
    async (uri, { name }) => {
      const skill = await readSkill(storeDir, String(name));
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: skill.text }] };
    },
  );
}
