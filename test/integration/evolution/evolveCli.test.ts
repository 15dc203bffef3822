import assert from 'node:assert/strict';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliAsync } from '../../helpers/cliProcess.ts';
import { tempDir } from '../../helpers/gitRepo.ts';
import { ScriptedModelServer } from '../../helpers/scriptedModelServer.ts';
import { teamModels } from '../../helpers/teamFixtures.ts';
import { buildEvolveFixture, mistakeNote, playTeam } from '../../helpers/evolveFixture.ts';
import type { EvolveFixture } from '../../helpers/evolveFixture.ts';

// `coevolve evolve` and `coevolve replay --solve` as a user runs them: the built CLI in its own
// process, a models.json in the store, the scripted team over HTTP.

let server: ScriptedModelServer;
let fixture: EvolveFixture;
let storeDir: string;

before(async () => {
  server = await ScriptedModelServer.start();
  playTeam(server, () => mistakeNote());
  fixture = await buildEvolveFixture(server);
  storeDir = tempDir('coevolve-evolve-cli-');
  cpSync(fixture.storeDir, storeDir, { recursive: true });
  writeFileSync(join(storeDir, 'models.json'), JSON.stringify(teamModels(server.baseURL)));
});
after(async () => {
  rmSync(storeDir, { recursive: true, force: true });
  fixture?.remove();
  await server.close();
});

const cli = (...args: string[]) => runCliAsync([...args, '--path', fixture.repo.dir, '--store', storeDir], fixture.repo.dir, { TMPDIR: fixture.sandboxes });

describe('coevolve evolve / replay --solve', () => {
  it('--dry-run lists the cluster and writes nothing', async () => {
    const result = await cli('evolve', '--dry-run');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /1 failure cluster:/);
    assert.match(result.stderr, /TypeError: .*Reduce of empty array/);
    assert.match(result.stdout, /Dry run: 2 run\(s\) with failures, 1 cluster\(s\), 1 would get a candidate\. Nothing was written\./);
  });

  it('evolves: shows each replay and the decision, and the skill lands in the library', async () => {
    const result = await cli('evolve', '--held-out', '0', '--max-rounds', '0', '--trials', '2');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /proposal: create mistake "reduce-initial-value"/);
    assert.match(result.stderr, /without 1\/2 ✗ \[held-out run\][^\n]*\n {2}without 2\/2 ✗ \[held-out run\]/);
    assert.match(result.stderr, /with {4}1\/2 ✓ \[held-out run\][^\n]*\n {2}with {4}2\/2 ✓ \[held-out run\]/);
    assert.match(result.stderr, /→ ACCEPTED: It improved the held-out score: 1 win, 0 losses, 0 ties over 1 held-out task/);
    assert.match(result.stdout, /1 candidate\(s\): 1 accepted/);
    const list = await cli('skills', 'list');
    assert.match(list.stdout, /reduce-initial-value\s+mistake\s+v1 of 1\s+active/);
  });

  it('replay --solve --mode both prints the cold and warm pass rates', async () => {
    const result = await cli('replay', '--solve', '--mode', 'both', '--n', '1', '--max-rounds', '0');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\[1\/1\] [0-9a-f]{10} fix: sum of nothing is 0/);
    assert.match(result.stdout, /1 valid task of 1\. cold: 1\/1 passed \(100%\); warm: 1\/1 passed \(100%\)\./);
  });

  it('refuses --mode without --solve, and two actions at once', async () => {
    assert.match((await cli('replay', '--mode', 'cold')).stderr, /--mode goes with --solve/);
    assert.match((await cli('replay', '--solve', '--validate')).stderr, /Give one of --list, --validate and --solve/);
  });
});
