import { z } from 'zod';
import { listProjectFiles } from './listSandboxFiles.ts';
import { pathFilter } from './pathFilter.ts';
import type { SandboxTool } from './sandboxTool.ts';
import { resolveRoot } from './toolRoot.ts';

const DEFAULT_MAX = 300;
const HARD_MAX = 2_000;

const schema = z.object({
  path: z.string().optional().describe('A folder ("src/components"), a file, or a glob ("src/**/*.test.ts", "*.md"). Default: the whole project.'),
  maxResults: z.number().int().min(1).max(HARD_MAX).optional().describe(`At most this many paths (default ${DEFAULT_MAX}).`),
});

export type ListFilesArgs = z.infer<typeof schema>;

export const listFilesTool: SandboxTool<ListFilesArgs> = {
  name: 'list_files',
  description: 'List the project files (paths relative to the project root), skipping what .gitignore ignores and the installed dependencies.',
  schema,
  writes: false,
  async execute(root, args, signal) {
    const resolved = await resolveRoot(root);
    const matching = (await listProjectFiles(resolved, signal)).filter(pathFilter(args.path));
    const where = args.path ? ` matching ${JSON.stringify(args.path)}` : '';
    if (matching.length === 0) return `No files${where}.`;
    const max = args.maxResults ?? DEFAULT_MAX;
    const shown = matching.slice(0, max);
    const tail = matching.length > max ? `\n[${shown.length} of ${matching.length} files${where} shown; narrow the path to see the rest]` : `\n[${matching.length} files${where}]`;
    return `${shown.join('\n')}${tail}`;
  },
};
