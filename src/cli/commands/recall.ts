import type { Command } from 'commander';
import { recallInWorkspace } from '../../core/memory/recallService.ts';
import type { RecallResult } from '../../core/memory/recall.ts';
import { resolveWorkspace } from '../../core/workspace.ts';
import { positiveIntegerOption } from '../options.ts';
import { embedderForStore } from '../../core/embeddings/storeEmbedder.ts';

export function registerRecall(program: Command): void {
  program
    .command('recall')
    .description('Recall past changes, files and symbols relevant to a task, an error message or a path.')
    .argument('<text>', 'the task, error message or path')
    .option('--k <n>', 'how many of each to return', positiveIntegerOption, 10)
    .option('--before <sha|date>', 'ignore everything from this commit or date on (temporal cutoff)')
    .option('--path <dir>', 'a folder inside the repository', '.')
    .option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)')
    .option('--content', 'also match the code itself (at HEAD, or at --before); the first call indexes the files, later ones update the index kept in <store>/cache')
    .option('--json', 'print stable JSON: {experiences, files, symbols}')
    .action(async (text: string, options: { k: number; before?: string; path: string; store?: string; content?: boolean; json?: boolean }) => {
      const workspace = await resolveWorkspace(options.path, options.store ?? process.env.COEVOLVE_STORE);
      const onNote = (note: string): void => void process.stderr.write(`coevolve: note: ${note}\n`);
      // The semantic channel joins when models.json names an embedder (roles.embedder).
      const semantic = await embedderForStore(workspace.storeDir, () => (name) => process.env[name]);
      if (semantic.note) onNote(semantic.note);
      const result = await recallInWorkspace(workspace, text, {
        k: options.k,
        ...(semantic.embedder ? { embedder: semantic.embedder } : {}),
        ...(options.before ? { before: options.before } : {}),
        ...(options.content ? { content: true } : {}),
        onNote,
      });
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : describe(result));
    });
}

function describe(result: RecallResult): string {
  const out: string[] = [`Query: ${result.query.keywords.join(' ')}`, ''];
  out.push('Files:');
  if (result.files.length === 0) out.push('  (none)');
  for (const f of result.files) out.push(`  ${f.score.toFixed(2)}  ${f.path}`, ...f.why.slice(0, 2).map((w) => `          ${w}`));
  out.push('', 'Symbols:');
  if (result.symbols.length === 0) out.push('  (none)');
  for (const s of result.symbols) {
    const also = s.alsoIn?.length ? `; also in ${s.alsoIn.slice(0, 3).join(', ')}${s.alsoIn.length > 3 ? ` and ${s.alsoIn.length - 3} more` : ''}` : '';
    const moved = s.movedFrom ? ` (moved from ${s.movedFrom})` : '';
    out.push(`  ${s.score.toFixed(2)}  ${s.container ? `${s.container}.` : ''}${s.name} (${s.kind}) in ${s.path}${moved}${also}`);
  }
  out.push('', 'Past changes:');
  if (result.experiences.length === 0) out.push('  (none)');
  for (const e of result.experiences) {
    out.push(`  ${e.score.toFixed(2)}  ${e.sha.slice(0, 10)} ${e.kind.padEnd(8)} ${e.subject}`);
    out.push(`          ${e.why.slice(0, 2).join('; ')}`);
  }
  return `${out.join('\n')}\n`;
}
