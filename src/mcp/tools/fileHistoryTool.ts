import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ExperienceDigest } from '../../core/memory/experienceDigest.ts';
import type { MemoryIndex } from '../../core/memory/memoryIndex.ts';
import type { ServerContext } from '../serverContext.ts';
import { guarded, memoryAnswer } from '../toolResult.ts';
import { repoRelativePath } from '../repoPath.ts';

const inputSchema = {
  path: z.string().min(1).max(1000).describe('A file path relative to the repository root (a former name works too: renames are followed).'),
  symbol: z.string().min(1).max(300).optional().describe('Only changes to this function, method or class in the file, e.g. "parseHeader" or "Parser.parseHeader".'),
  limit: z.number().int().min(1).max(200).optional().describe('How many changes to list, newest first. Default 30.'),
};

const BODY_CHARS = 300;
/** Only the newest entries carry their message body: older ones are listed by subject. */
const WITH_BODY = 10;

export function registerFileHistoryTool(server: McpServer, context: ServerContext): void {
  server.registerTool(
    'file_history',
    {
      title: 'History of a file or symbol',
      description:
        'List the changes to a file (or to one symbol in it) from this repository\'s mined history, newest first: ' +
        'sha, date, kind (fix, feature, refactor, …), the commit subject stating the intent, and whether the change was reverted. ' +
        'Renames are followed back. Use it to learn why code is the way it is before changing it.',
      inputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path, symbol, limit }) =>
      guarded('file_history', async () => {
        const relative = repoRelativePath(context.workspace.root, path);
        const memory = await context.memory.get();
        const { names, changes } = historyOf(memory.index, relative, symbol);
        const shown = changes.slice(0, limit ?? 30);
        const full = await context.memory.experiences(memory, shown.slice(0, WITH_BODY).map((d) => d.sha));
        const out: string[] = [];
        for (const d of shown) {
          const x = full.get(d.sha);
          const flags = [d.reverted ? `reverted${x?.revertedBy ? ` by ${x.revertedBy.slice(0, 10)}` : ''}` : '', d.isRevert && x?.revertOf ? `reverts ${x.revertOf.slice(0, 10)}` : ''];
          const renamed = d.files.find((f) => names.has(f.path) && f.oldPath && f.oldPath !== f.path);
          if (renamed) flags.push(`renamed from ${renamed.oldPath}`);
          out.push(`- commit:${d.sha} ${new Date(d.time * 1000).toISOString().slice(0, 10)} [${d.kind}] "${d.subject}"${flags.some(Boolean) ? ` (${flags.filter(Boolean).join('; ')})` : ''}`);
          const body = x?.intent.body.trim();
          if (body) out.push(`    ${body.slice(0, BODY_CHARS).replace(/\s*\n\s*/g, ' ')}${body.length > BODY_CHARS ? '…' : ''}`);
          if (symbol) {
            const touched = d.symbols.filter((s) => names.has(s.path) && matchesSymbol(s, symbol)).map((s) => `${s.container ? `${s.container}.` : ''}${s.name}`);
            if (touched.length) out.push(`    symbol: ${[...new Set(touched)].join(', ')}`);
          }
        }
        const what = symbol ? `${symbol} in ${relative}` : relative;
        if (changes.length === 0) {
          return memoryAnswer(`No mined change touched ${what}.`, `(names looked for: ${[...names].join(', ')})`, 'coevolve memory: file history');
        }
        // Former names come from the repository: they go in the data block with the rest of its text.
        const former = [...names].filter((n) => n !== relative);
        return memoryAnswer(
          `${changes.length} changes to ${what}${former.length ? ` (also under ${former.length} former name${former.length === 1 ? '' : 's'}, listed below)` : ''}, newest first${shown.length < changes.length ? `; the newest ${shown.length} shown` : ''}.`,
          `${former.length ? `former names: ${former.join(', ')}\n` : ''}${out.join('\n')}`,
          'coevolve memory: file history',
        );
      }),
  );
}

/**
 * The changes to `path` newest first. The walk goes back in history: a rename adds the old name,
 * so older changes made under it are found too; a former name given by the caller is first moved
 * forward to the file's current name.
 */
function historyOf(index: MemoryIndex, path: string, symbol?: string): { names: Set<string>; changes: ExperienceDigest[] } {
  const table = index.unfilteredFiles().table;
  const names = new Set([table.current(path) ?? path]);
  // The index narrows history to the changes under any name the file had; the walk below keeps its order rules.
  const ordered = index.touching([...names]);
  const changes: ExperienceDigest[] = [];
  for (const digest of ordered) {
    const files = digest.files.filter((f) => names.has(f.path));
    if (files.length === 0) continue;
    if (!symbol || digest.symbols.some((s) => names.has(s.path) && matchesSymbol(s, symbol))) changes.push(digest);
    for (const f of files) if (f.oldPath && f.oldPath !== f.path) names.add(f.oldPath);
  }
  return { names, changes };
}

function matchesSymbol(s: { name: string; container?: string }, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return s.name.toLowerCase() === w || (s.container !== undefined && `${s.container}.${s.name}`.toLowerCase() === w);
}
