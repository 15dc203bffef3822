import type { Command } from 'commander';
import { repairRecallCache } from '../../core/memory/recallIndex.ts';
import { repairStore } from '../../core/memory/store.ts';
import { repairSkills, repairStamp } from '../../core/skills/skillRepair.ts';
import { resolveWorkspace } from '../../core/workspace.ts';

export function registerStore(program: Command): void {
  const store = program.command('store').description('Maintain the memory store.');
  store
    .command('repair')
    .description('Move corrupt store files aside (kept as .bak), rebuild the index file, mark lost commits to be mined again, and mend the skill library and the caches.')
    .option('--path <dir>', 'a folder inside the repository', '.')
    .option('--store <dir>', 'memory store folder (default: <repo>/.coevolve, or $COEVOLVE_STORE)')
    .action(async (options: { path: string; store?: string }) => {
      const workspace = await resolveWorkspace(options.path, options.store ?? process.env.COEVOLVE_STORE);
      const report = await repairStore(workspace.storeDir);
      // The memory first (it lays the store out), then the skill library and the caches, with one stamp for what they set aside.
      const stamp = repairStamp();
      const skills = await repairSkills(workspace.storeDir, stamp);
      const cache = await repairRecallCache(workspace.storeDir, stamp);
      const movedAside = [...report.movedAside, ...skills.movedAside, ...cache.movedAside];
      if (movedAside.length === 0 && skills.restored.length === 0 && skills.notes.length === 0) {
        process.stdout.write('The store is healthy; nothing to repair.\n');
        return;
      }
      const lines = movedAside.length ? ['Moved aside:', ...movedAside.map((p) => `  ${p}`)] : [];
      for (const log of report.logs) lines.push(`Rewrote ${log.log} without its ${log.dropped} unreadable line${log.dropped === 1 ? '' : 's'} (the original is ${log.backup}).`);
      if (report.metaRebuilt) lines.push('Rebuilt meta.json from the remaining shards.');
      if (report.holes.length) lines.push(`${report.holes.length} range(s) of commits will be mined again: run \`coevolve mine\`.`);
      if (skills.history) lines.push(`Rewrote skills/history.jsonl without its ${skills.history.dropped} unreadable line${skills.history.dropped === 1 ? '' : 's'} (the original is ${skills.history.backup}).`);
      for (const restored of skills.restored) lines.push(`Restored skill ${restored.name} to v${restored.version} from its stored versions (${restored.basis === 'history' ? 'the current one by the skill history' : 'the newest whole one: check it with `coevolve skills show`'}).`);
      for (const note of [...skills.notes, ...cache.notes]) lines.push(note);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
