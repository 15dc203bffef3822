// The evolution loop's non-model overhead (issue 5): what `evolveSkills` spends per candidate beyond
// the replayed solves it has to make, and what reading and clustering many runs costs, each next
// to a baseline measured in the same run (the solves themselves; a bare read of the same files).
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { evolveSkills } from '../src/core/evolution/evolve.ts';
import { clusterFailures } from '../src/core/evolution/failureClusters.ts';
import { collectFailedRuns } from '../src/core/evolution/failureRecords.ts';
import { buildEvolveFixture, mistakeNote, playTeam } from '../test/helpers/evolveFixture.ts';
import { tempDir } from '../test/helpers/gitRepo.ts';
import { ScriptedModelServer } from '../test/helpers/scriptedModelServer.ts';
import { teamModels } from '../test/helpers/teamFixtures.ts';
import type { Printer } from './mcpRecall.ts';
import { median, ms, ratio } from './stats.ts';

const ROUNDS = 3;
const MANY_RUNS = 400;

export async function evolutionFigures(print: Printer): Promise<void> {
  print.header('Evolution loop — non-model overhead (scripted model, real git worktrees and node --test)');
  const server = await ScriptedModelServer.start();
  playTeam(server, () => mistakeNote());
  const fixture = await buildEvolveFixture(server);
  try {
    const overheads: number[] = [];
    const perTrial: number[] = [];
    const totals: number[] = [];
    let trials = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const storeDir = tempDir('coevolve-bench-evolve-');
      cpSync(fixture.storeDir, storeDir, { recursive: true });
      const report = await evolveSkills({ repoRoot: fixture.repo.dir, storeDir, models: teamModels(server.baseURL), secrets: () => undefined, budget: { maxRectifications: 0 }, sandboxBaseDir: fixture.sandboxes, heldOut: 1 });
      rmSync(storeDir, { recursive: true, force: true });
      if (report.decisions[0]?.verdict !== 'accepted') throw new Error(`bench candidate was not accepted: ${report.decisions[0]?.reason}`);
      const t = report.timings;
      // Everything but the solves and the proposer's call: collecting, clustering, worktrees, held-out validation, logging, saving.
      overheads.push(t.totalMs - t.trialsMs - t.proposerMs);
      perTrial.push(t.trialsMs / t.trials);
      totals.push(t.totalMs);
      trials = t.trials;
    }
    const overhead = median(overheads);
    const trial = median(perTrial);
    print.line('baseline: one replayed solve (median)', ms(trial), 'sandbox, plan, edit, node --test before and after');
    print.line('loop overhead per candidate', ms(overhead), `${ratio(overhead, trial)} of one solve; ${trials} solves per candidate (2 cluster tasks + 1 held-out, with and without)`);
    print.line('whole candidate (median)', ms(median(totals)), `${ratio(median(totals), trial * trials)} of its solves alone`);

    // Reading and clustering: many finished runs on disk (copies of the fixture's two).
    const storeDir = tempDir('coevolve-bench-runs-');
    cpSync(fixture.storeDir, storeDir, { recursive: true });
    const runsDir = join(storeDir, 'runs');
    const originals = readdirSync(runsDir);
    for (let i = 0; i < MANY_RUNS; i++) cpSync(join(runsDir, originals[i % originals.length]!), join(runsDir, `${originals[i % originals.length]!}-${i}`), { recursive: true });
    const bare: number[] = [];
    const ours: number[] = [];
    let clusters = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let started = performance.now();
      for (const id of readdirSync(runsDir)) {
        readFileSync(join(runsDir, id, 'summary.json'), 'utf8');
        for (const line of readFileSync(join(runsDir, id, 'trajectory.jsonl'), 'utf8').split('\n')) if (line) JSON.parse(line);
      }
      bare.push(performance.now() - started);
      started = performance.now();
      clusters = clusterFailures(await collectFailedRuns(storeDir, { limit: MANY_RUNS + originals.length })).length;
      ours.push(performance.now() - started);
    }
    rmSync(storeDir, { recursive: true, force: true });
    print.line(`baseline: read + parse ${MANY_RUNS + originals.length} runs' files`, ms(median(bare)));
    print.line('collect failures + cluster', ms(median(ours)), `${ratio(median(ours), median(bare))} of the bare read; ${clusters} cluster(s)`);
  } finally {
    fixture.remove();
    await server.close();
  }
}
