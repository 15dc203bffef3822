import type { Command } from 'commander';
import { repairStore } from '../../core/memory/store.ts';
import { resolveWorkspace } from '../../core/workspace.ts';

export function registerStore(program: Command): void {
  const store = program.command('store').description('Maintain the memory store.');
  store
    .command('repair')
    .description('Move corrupt store files aside (kept as .bak), rebuild the index file, and mark lost commits to be mined again.')
    .option('--path <dir>', 'a folder inside the repository', '.')
    .option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)')
    .action(async (options: { path: string; store?: string }) => {
      const workspace = await resolveWorkspace(options.path, options.store ?? process.env.COEVOLVE_STORE);
      const report = await repairStore(workspace.storeDir);
      if (report.movedAside.length === 0) {
        process.stdout.write('The store is healthy; nothing to repair.\n');
        return;
      }
      const lines = ['Moved aside:', ...report.movedAside.map((p) => `  ${p}`)];
      for (const log of report.logs) lines.push(`Rewrote ${log.log} without its ${log.dropped} unreadable line${log.dropped === 1 ? '' : 's'} (the original is ${log.backup}).`);
      if (report.metaRebuilt) lines.push('Rebuilt meta.json from the remaining shards.');
      if (report.holes.length) lines.push(`${report.holes.length} range(s) of commits will be mined again: run \`coevolve mine\`.`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
