import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { creditExperiences, setPinned, setQuarantine } from '../../../src/core/learning/utility.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { CLI } from '../../helpers/cliProcess.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';
import { seededRandom } from '../../../src/core/memory/seededRandom.ts';

// Acceptance for crashes and concurrency: a mine killed (kill -9) at any of its store writes' commit
// points, or interrupted (Ctrl-C to its process group) at any moment, then run again, leaves exactly
// the store a clean mine leaves — meta's counts true, and every pin, quarantine and credit kept.

const space = scratchSpace(after);
const HERE = import.meta.dirname;
const KILLER = join(HERE, '../../helpers/killAtRename.mjs');
const MINE_CHILD = join(HERE, '../../helpers/mineChild.ts');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; group?: boolean; onStart?: (pid: number) => void } = {}): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.group ?? false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('spawn', () => options.onStart?.(child.pid!));
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const mineInChild = (repo: string, store: string, env: NodeJS.ProcessEnv = {}): Promise<Exit> =>
  run(process.execPath, ['--import', 'tsx', '--import', KILLER, MINE_CHILD, repo, store, '3'], { env });

/** Everything a store holds that a user could see: the experiences and meta's account of them. */
async function snapshot(storeDir: string): Promise<{ experiences: unknown[]; count: number; stored: number; mining: unknown }> {
  const store = await MemoryStore.open(storeDir);
  const experiences = (await store.loadAll()).sort((a, b) => a.seq - b.seq);
  const { head, headSeq, tail, tailSeq, complete, holes, pendingReverts } = store.state.mining;
  return { experiences, count: store.state.counts.experiences, stored: experiences.length, mining: { head, headSeq, tail, tailSeq, complete, holes, pendingReverts } };
}

/** Which fields of which commits differ: a readable account where a deep diff of 26 records is not. */
function differences(actual: unknown[], expected: unknown[]): string[] {
  const found: string[] = [];
  const bySha = new Map((expected as Array<Record<string, unknown>>).map((e) => [e.sha as string, e]));
  if (actual.length !== expected.length) found.push(`${actual.length} experiences, not ${expected.length}`);
  for (const item of actual as Array<Record<string, unknown>>) {
    const other = bySha.get(item.sha as string);
    if (!other) {
      found.push(`${String(item.sha).slice(0, 8)}: not in the clean mine`);
      continue;
    }
    for (const key of new Set([...Object.keys(item), ...Object.keys(other)])) {
      if (JSON.stringify(item[key]) !== JSON.stringify(other[key])) found.push(`seq ${String(item.seq)} ${key}: ${JSON.stringify(item[key])?.slice(0, 160)} vs ${JSON.stringify(other[key])?.slice(0, 160)}`);
    }
  }
  return found;
}

/**
 * A history with reverts (pending across batches) and renames; a store that has mined part of it
 * and holds decisions (a pin, a quarantine, credits); then new commits on top. What is left to mine
 * is both new commits and an older part, in batches of 3: many writes.
 */
async function prepare(): Promise<{ repo: GitRepo; base: string; reference: Awaited<ReturnType<typeof snapshot>>; decided: string[] }> {
  const repo = space.repoWith('coevolve-crash-', { 'src/a.ts': 'export const a = 0;\n' });
  const shas: string[] = [];
  for (let i = 1; i <= 14; i++) shas.push(repo.commit(`fix: a is ${i}`, { 'src/a.ts': `export function a() {\n  return ${i};\n}\n`, [`test/t${i % 3}.test.ts`]: `test ${i}\n` }));
  repo.git('mv', 'src/a.ts', 'src/alpha.ts');
  repo.commit('refactor: rename a');
  const base = space.scratch('coevolve-crash-base-');
  await mineHistory(repo.dir, { storeDir: base, maxCommits: 6 });
  const stored = (await (await MemoryStore.open(base)).loadAll()).map((e) => e.sha);
  const [pinned, quarantined, credited] = [stored[0]!, stored[2]!, stored[4]!];
  await setPinned(base, pinned, true);
  await setQuarantine(base, quarantined, true);
  await creditExperiences(base, [`commit:${credited}`, `commit:${pinned}`], 1);
  let reverted = '';
  for (let i = 15; i <= 24; i++) {
    if (i === 15) reverted = repo.commit('feat: c', { 'src/c.ts': 'export const c = 1;\n' });
    else if (i === 18) repo.git('revert', '--no-edit', reverted);
    else repo.commit(`feat: b${i}`, { [`src/b${i % 4}.ts`]: `export class B${i} {\n  size() { return ${i}; }\n}\n` });
  }
  const clean = space.scratch('coevolve-crash-clean-');
  cpSync(base, clean, { recursive: true });
  await mineHistory(repo.dir, { storeDir: clean });
  return { repo, base, reference: await snapshot(clean), decided: [pinned, quarantined, credited] };
}

describe('a mine that crashes or is interrupted', () => {
  let fixture: Awaited<ReturnType<typeof prepare>>;
  before(async () => {
    fixture = await prepare();
    assert.equal(fixture.reference.count, fixture.reference.stored);
    assert.equal(fixture.reference.stored, 26);
  });

  it('killed (kill -9) at 20 rename points, then run again, equals a clean mine with every decision kept', { timeout: 240_000 }, async () => {
    const { repo, base, reference } = fixture;
    const killed: string[] = [];
    for (let point = 1; point <= 20; point++) {
      // Just before and just after renames spread over the run's ~17 (the new commits' writes, then the older part's).
      const when = point % 2 === 1 ? 'before' : 'after';
      const at = 1 + Math.floor(Math.floor((point - 1) / 2) * 1.6);
      const storeDir = space.scratch('coevolve-crash-kill-');
      cpSync(base, storeDir, { recursive: true });
      const exit = await mineInChild(repo.dir, storeDir, { COEVOLVE_TEST_KILL_AT_RENAME: String(at), COEVOLVE_TEST_KILL_WHEN: when, COEVOLVE_TEST_KILL_UNDER: storeDir });
      assert.equal(exit.signal, 'SIGKILL', `rename ${at} (${when}): the mine was killed there (${exit.stderr.slice(-500)})`);
      killed.push(`${at}${when[0]}`);
      // A crash leaves meta as it was before the rename it did not reach: counts are set right on open.
      const opened = await MemoryStore.open(storeDir);
      const stored = (await opened.loadAll()).length;
      assert.equal(opened.state.counts.experiences, stored, `rename ${at} (${when}): meta counts what is stored`);
      await mineHistory(repo.dir, { storeDir });
      const resumed = await snapshot(storeDir);
      assert.deepEqual(differences(resumed.experiences, reference.experiences), [], `rename ${at} (${when}): the resumed store equals a clean mine`);
      assert.deepEqual(resumed, reference);
    }
    assert.equal(killed.length, 20);
  });

  it('interrupted by 20 SIGINTs to its process group at random moments, then run again, equals a clean mine', { timeout: 240_000 }, async (t) => {
    const { repo, base, reference } = fixture;
    const random = seededRandom(17);
    const outcomes: string[] = [];
    // Moments spread over what a whole mine takes on this machine now (start-up included).
    const timing = space.scratch('coevolve-crash-timing-');
    cpSync(base, timing, { recursive: true });
    const started = performance.now();
    await run(process.execPath, [CLI, 'mine', repo.dir, '--store', timing]);
    const whole = performance.now() - started;
    for (let i = 0; i < 20; i++) {
      const storeDir = space.scratch('coevolve-crash-int-');
      cpSync(base, storeDir, { recursive: true });
      const delay = Math.floor(random() * whole);
      let timer: NodeJS.Timeout | undefined;
      const exit = await run(process.execPath, [CLI, 'mine', repo.dir, '--store', storeDir], {
        group: true,
        // The whole group, as a terminal's Ctrl-C: git and its children get it too.
        onStart: (pid) => (timer = setTimeout(() => process.kill(-pid, 'SIGINT'), delay)),
      });
      clearTimeout(timer);
      const how = exit.signal ?? String(exit.code);
      outcomes.push(`${delay}ms→${how}`);
      // Finished first (0), cancelled (130), or killed before its handler was installed: never a failure.
      assert.ok(exit.code === 0 || exit.code === 130 || exit.signal === 'SIGINT', `SIGINT at ${delay} ms: exit ${how}: ${exit.stderr.slice(-800)}`);
      if (exit.code === 130) assert.match(exit.stderr, /cancel/i, 'says it was cancelled');
      await mineHistory(repo.dir, { storeDir });
      const resumed = await snapshot(storeDir);
      assert.deepEqual(differences(resumed.experiences, reference.experiences), [], `SIGINT at ${delay} ms (${how}): the resumed store equals a clean mine`);
      assert.deepEqual(resumed, reference);
    }
    t.diagnostic(`a whole mine: ${whole.toFixed(0)} ms; delay→exit: ${outcomes.join(', ')}`);
    assert.ok(
      outcomes.some((o) => o.endsWith('130')),
      `at least one interrupt landed mid-mine: ${outcomes.join(', ')}`,
    );
  });

  it('two mines at once, with pins and credits landing meanwhile, lose no update', { timeout: 120_000 }, async () => {
    const { repo, base, reference, decided } = fixture;
    const storeDir = space.scratch('coevolve-crash-both-');
    cpSync(base, storeDir, { recursive: true });
    const mines = [mineInChild(repo.dir, storeDir), mineInChild(repo.dir, storeDir)];
    // Meanwhile: 10 credits on one memory and a pin on another, each its own transaction.
    const [, , credited] = decided;
    const newlyPinned = (await (await MemoryStore.open(base)).loadAll())[1]!.sha;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) writes.push(creditExperiences(storeDir, [`commit:${credited!}`], 1));
    writes.push(setPinned(storeDir, newlyPinned, true));
    await Promise.all(writes);
    const exits = await Promise.all(mines);
    for (const exit of exits) assert.equal(exit.code, 0, exit.stderr.slice(-800));
    await mineHistory(repo.dir, { storeDir });

    const result = await snapshot(storeDir);
    assert.equal(result.count, result.stored);
    const bySha = new Map((result.experiences as Array<{ sha: string; utility: { uses: number; pinned?: true } }>).map((e) => [e.sha, e]));
    const referenceUses = (reference.experiences as Array<{ sha: string; utility: { uses: number } }>).find((e) => e.sha === credited)!.utility.uses;
    assert.equal(bySha.get(credited!)!.utility.uses, referenceUses + 10, 'all 10 credits counted');
    assert.equal(bySha.get(newlyPinned)!.utility.pinned, true, 'the pin is kept');
    // Apart from those two memories, the store is what a clean mine gives.
    const strip = (list: unknown[]) => (list as Array<{ sha: string }>).filter((e) => e.sha !== credited && e.sha !== newlyPinned);
    assert.deepEqual(differences(strip(result.experiences), strip(reference.experiences)), []);
    assert.deepEqual(result.mining, reference.mining);
    assert.ok(existsSync(join(storeDir, 'memory', 'meta.json')));
  });
});
