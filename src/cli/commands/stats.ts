import type { Command } from 'commander';
import { memoryStats } from '../../core/memory/stats.ts';
import type { MemoryStats } from '../../core/memory/stats.ts';
import { resolveWorkspace } from '../../core/workspace.ts';
import { EXIT } from '../exitCodes.ts';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('Show what the memory store holds.')
    .option('--path <dir>', 'a folder inside the repository', '.')
    .option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)')
    .option('--json', 'print JSON')
    .action(async (options: { path: string; store?: string; json?: boolean }) => {
      const workspace = await resolveWorkspace(options.path, options.store ?? process.env.COEVOLVE_STORE);
      const stats = await memoryStats(workspace.storeDir);
      process.stdout.write(options.json ? `${JSON.stringify(stats, null, 2)}\n` : describe(stats));
      // As documented: nothing mined yet is exit 2, with the numbers (zeros) still printed.
      if (stats.experiences === 0) process.exitCode = EXIT.usage;
    });
}

function describe(s: MemoryStats): string {
  const lines = [`Store: ${s.storeDir} (${(s.diskBytes / 1024).toFixed(0)} KiB in ${s.shards} shard(s))`, `Experiences: ${s.experiences}`];
  if (s.experiences === 0) {
    lines.push('Nothing mined yet: run `coevolve mine`.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`  by kind: ${Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  lines.push(`  from ${s.oldest?.slice(0, 10)} to ${s.newest?.slice(0, 10)}; ${s.reverted} reverted; ${s.symbolsMapped} symbol changes mapped`);
  lines.push(`Mining: ${s.mining.complete ? 'complete' : 'older history remains'}${s.mining.shallow ? ' (shallow clone)' : ''}, head ${s.mining.head?.slice(0, 10) ?? '-'}, last run ${s.mining.lastRunAt ?? '-'}`);
  if (s.mining.holes.length) lines.push(`  ${s.mining.holes.length} repaired range(s) will be mined again on the next run`);
  lines.push('Most changed files:', ...s.topFiles.map((f) => `  ${String(f.changes).padStart(5)}  ${f.path}`));
  lines.push('Authors:', ...s.topAuthors.map((a) => `  ${String(a.commits).padStart(5)}  ${a.name}`));
  return `${lines.join('\n')}\n`;
}
