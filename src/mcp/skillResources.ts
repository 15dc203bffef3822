import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { markUntrusted } from '../core/memory/untrustedText.ts';
import { listSkills, readSkill } from '../core/skills/skillLibrary.ts';

/**
 * Each skill's SKILL.md as a resource, `skill://<name>`, listed from the library at the time of the
 * request. The file is served whole, inside an untrusted-data block like every other text of the
 * repository's that the server hands out.
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
            description: markUntrusted(s.description, `skill ${s.name}`),
            mimeType: 'text/markdown',
          })),
      }),
    }),
    { title: 'Project skill', description: 'A skill or mistake note of this repository (SKILL.md).', mimeType: 'text/markdown' },
    async (uri, { name }) => {
      const skill = await readSkill(storeDir, String(name));
      // Skills can come from a cloned repository or another agent: the file is data, marked as such.
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: markUntrusted(skill.text, `SKILL.md of ${skill.doc.meta.name}`) }] };
    },
  );
}
