import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { recall } from '../../core/memory/recall.ts';
import { renderExcerpt } from '../../core/memory/changeHunks.ts';
import { commitExcerpt } from '../../core/memory/commitExcerpt.ts';
import type { ServerContext } from '../serverContext.ts';
import { guarded, MAX_INPUT_CHARS, memoryAnswer } from '../toolResult.ts';
import { repoRelativePath } from '../repoPath.ts';

const inputSchema = {
  message: z.string().min(1).max(MAX_INPUT_CHARS).describe('The diagnostic: a compiler or lint message, a failing test\'s output, an exception with its stack trace.'),
  file: z.string().min(1).max(1000).optional().describe('The file the diagnostic is in, relative to the repository root; fixes that touched it rank first.'),
  k: z.number().int().min(1).max(20).optional().describe('How many fixes to return. Default 5.'),
};

// Fixes that touched the very file are the best precedent; this lifts them over merely similar ones.
const SAME_FILE_BOOST = 1.5;
const BODY_CHARS = 400;
/** Diff lines of each fix's excerpt: five fixes' code stays within the answer's bound. */
const EXCERPT_LINES = 12;

export function registerSimilarFixesTool(server: McpServer, context: ServerContext): void {
  server.registerTool(
    'similar_fixes',
    {
      title: 'Find similar past fixes',
      description:
        'Find bug fixes (and reverts) from this repository\'s history that are relevant to a diagnostic message, ' +
        'preferring fixes that touched the given file. Each comes with its commit message, the files and symbols it changed, ' +
        'an excerpt of its patch (the hunks around the file and the symbols in question), ' +
        'and whether it was later reverted (a reverted fix is a warning, not a model to copy). Use it when a test, the type checker or a linter fails.',
      inputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ message, file, k }, extra) =>
      guarded('similar_fixes', async () => {
        const limit = k ?? 5;
        const path = file === undefined ? undefined : repoRelativePath(context.workspace.root, file);
        const memory = await context.memory.get();
        const text = path ? `${message}\n${path}` : message;
        const result = recall(memory.index, text, { k: limit * 4, kinds: ['fix', 'revert'] });
        const table = memory.index.unfilteredFiles().table;
        const target = path ? (table.current(path) ?? path) : undefined;
        const ranked = result.experiences
          .map((e) => {
            const digest = memory.index.digest(e.sha);
            const touched = target !== undefined && (digest?.files ?? []).some((f) => f.path === target || table.current(f.path) === target);
            return { e, touched, score: e.score * (touched ? SAME_FILE_BOOST : 1) };
          })
          .sort((a, b) => b.score - a.score)
          .slice(0, limit);
        const full = await context.memory.experiences(memory, ranked.map((r) => r.e.sha));
        const out: string[] = [];
        for (const { e, touched, score } of ranked) {
          const x = full.get(e.sha);
          const flags = [touched ? 'touched the file' : '', x?.revertedBy ? `reverted later by ${x.revertedBy.slice(0, 10)}` : '', x?.revertOf ? `reverts ${x.revertOf.slice(0, 10)}` : ''].filter(Boolean);
          out.push(`- ${e.id} [${e.kind}] ${e.time.slice(0, 10)} "${e.subject}" (score ${Math.round(score * 1000) / 1000}${flags.length ? `; ${flags.join('; ')}` : ''})`);
          const body = x?.intent.body.trim();
          if (body) out.push(`    message: ${body.slice(0, BODY_CHARS).replace(/\s*\n\s*/g, ' ')}${body.length > BODY_CHARS ? '…' : ''}`);
          if (e.why.length) out.push(`    why: ${e.why.slice(0, 2).join('; ')}`);
          if (e.files.length) out.push(`    files: ${e.files.join(', ')}`);
          if (e.symbols.length) out.push(`    symbols: ${e.symbols.join(', ')}`);
          // The code itself, read from git for the fixes shown (never for a forgotten one).
          const excerpt = x && !x.forgotten ? await commitExcerpt(context.workspace.root, { sha: e.sha, files: e.files, focus: { paths: target ? [target] : [], symbols: e.symbols.map((s) => s.slice(s.lastIndexOf('.') + 1)) }, maxLines: EXCERPT_LINES, signal: extra.signal }) : undefined;
          if (excerpt) out.push('    patch excerpt:', ...renderExcerpt(excerpt, '      '));
        }
        if (out.length === 0) out.push('(no past fix matched)');
        return memoryAnswer(
          `${ranked.length} past fixes for the diagnostic${path ? ` in ${path}` : ''}, most relevant first${ranked.some((r) => r.touched) ? '; those marked "touched the file" changed it' : ''}.`,
          out.join('\n'),
          'coevolve memory: similar fixes',
        );
      }),
  );
}
