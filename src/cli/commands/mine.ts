import type { Command } from 'commander';
import { mineHistory } from '../../core/mining/miner.ts';
import type { MineResult } from '../../core/mining/miner.ts';
import { CoevolveError } from '../../core/errors.ts';
import { resolveWorkspace } from '../../core/workspace.ts';
import { positiveIntegerOption } from '../options.ts';
import { createProgress } from '../progress.ts';
import { EXIT } from '../exitCodes.ts';
import { embedderForStore } from '../../core/embeddings/storeEmbedder.ts';
import { syncSemanticMemory } from '../../core/embeddings/semanticSync.ts';
import { MemoryStore } from '../../core/memory/store.ts';
import { quickWasm } from '../quickWasm.ts';

/** A mine of at most this many commits is short (see quickWasm): one new commit at 20k 0.52 -> 0.38 s. */
const QUICK_MINE = 64;

export function registerMine(program: Command): void {
  program
    .command('mine')
    .description('Mine the first-parent history of a repository into the memory store (resumes where the last run stopped).')
    .argument('[path]', 'a folder inside the repository', '.')
    .option('--max <n>', 'mine at most this many commits in this run', positiveIntegerOption)
    .option('--since <date>', 'only commits newer than this date (e.g. 2024-01-01 or "6 months ago")')
    .option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)')
    .option('--no-symbols', 'skip mapping changes to functions and classes (faster)')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, options: { max?: number; since?: string; store?: string; symbols: boolean; json?: boolean }) => {
      const workspace = await resolveWorkspace(path, options.store ?? process.env.COEVOLVE_STORE, { requireGit: true });
      const controller = new AbortController();
      // First Ctrl-C: stop after saving what was mined. A second one: quit at once.
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(EXIT.cancelled);
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const progress = createProgress('mining', process.stderr);
      try {
        const result = await mineHistory(workspace.repository ?? workspace.root, {
          storeDir: workspace.storeDir,
          ...(options.max ? { maxCommits: options.max } : {}),
          ...(options.since ? { since: options.since } : {}),
          symbols: options.symbols,
          signal: controller.signal,
          onProgress: (p) => progress.update(p.done, p.total, p.subject),
          // A few new commits (a post-commit hook) are mined in moments: compile as a one-shot command does.
          onPlan: (commits) => void (commits <= QUICK_MINE && quickWasm()),
        });
        progress.stop();
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : describe(result, workspace.storeDir));
        await embedMined(workspace.root, workspace.storeDir, controller.signal);
      } catch (error) {
        progress.stop();
        // Ctrl-C reaches git too, and git may die of it (a git error) a moment before this process
        // hears it: that is the user's cancel, not a failure.
        if (!CoevolveError.is(error, 'cancelled') && (controller.signal.aborted || (await abortedWithin(controller.signal, 200)))) {
          throw new CoevolveError('cancelled', 'Mining was cancelled.', { hint: 'What was mined is kept; run mine again to continue.', cause: error });
        }
        throw error;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

function describe(result: MineResult, storeDir: string): string {
  const lines: string[] = [];
  if (result.empty) {
    lines.push(...result.notices);
    return `${lines.join('\n')}\n`;
  }
  const seconds = (result.durationMs / 1000).toFixed(1);
  lines.push(
    result.mined === 0
      ? `Memory is up to date: ${result.experiences} experiences in ${storeDir}.`
      : `Mined ${result.mined} commit(s) in ${seconds} s; ${result.experiences} experiences in ${storeDir}.`,
  );
  const c = result.counts;
  const details = [
    c.merges && `${c.merges} merge(s) read against their first parent`,
    c.reverts && `${c.reverts} revert(s) linked to what they undid`,
    c.huge && `${c.huge} huge commit(s) capped`,
    c.binaryFiles && `${c.binaryFiles} binary file change(s) recorded without content`,
    c.submoduleChanges && `${c.submoduleChanges} submodule update(s)`,
    c.notUtf8 && `${c.notUtf8} commit(s) with non-UTF-8 names or messages kept byte-exact`,
  ].filter(Boolean);
  if (details.length) lines.push(`  ${details.join('; ')}.`);
  if (result.removed) lines.push(`  Forgot ${result.removed} experience(s) of rewritten history.`);
  lines.push(result.complete ? '  History is fully mined.' : '  Older history remains: run `coevolve mine` again to continue.');
  for (const notice of result.notices) lines.push(`Note: ${notice}`);
  return `${lines.join('\n')}\n`;
}

function abortedWithin(signal: AbortSignal, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(signal.aborted), ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve(true)), { once: true });
  });
}

/**
 * With an embedder configured (roles.embedder in models.json), what was just mined and the code at
 * HEAD get their vectors now rather than at the first recall. Mining already succeeded: an embedder
 * that fails is a note, and recall stays lexical until the next mine or query catches up.
 */
async function embedMined(root: string, storeDir: string, signal: AbortSignal): Promise<void> {
  const semantic = await embedderForStore(storeDir, () => (name) => process.env[name]);
  if (semantic.note) process.stderr.write(`coevolve: note: ${semantic.note}\n`);
  if (!semantic.embedder) return;
  try {
    const report = await syncSemanticMemory(root, storeDir, await MemoryStore.open(storeDir), semantic.embedder, { signal });
    for (const note of report.notes) process.stderr.write(`coevolve: note: ${note}\n`);
    process.stderr.write(`Embedded ${report.experiences} experience(s) and ${report.codeChunks} code chunk(s) from ${report.changedFiles} changed file(s) with ${semantic.embedder.model.model}.\n`);
  } catch (error) {
    if (CoevolveError.is(error, 'cancelled')) throw error;
    process.stderr.write(`coevolve: note: the semantic vectors were not updated (recall stays lexical until they are): ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
