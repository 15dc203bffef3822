import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunSummary } from '../../../src/core/agents/solveTask.ts';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { RecallIndex } from '../../../src/core/memory/recallIndex.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { saveSkillVersion } from '../../../src/core/skills/skillLibrary.ts';
import { creditSkills } from '../../../src/core/skills/skillStats.ts';
import { runCliAsync } from '../../helpers/cliProcess.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';

// Acceptance for bad files in the skill library and the caches (issue #17, one store layer): each
// file truncated, zero-filled, garbage, empty, or a symbolic link to something outside. Every next
// command gives a clear error (exit 3, the file named, `store repair` as the remedy) or a reported
// recovery (a derived cache is rebuilt, with a note), never a crash; nothing outside the store is
// read (its sentinel never shows) or written; `store repair` sets the damage aside (never deleting
// it) and every command works again. `feedback` with a damaged file writes nothing, so that the
// retry after the repair is not refused as "already decided".

const space = scratchSpace(after);
const SENTINEL = 'OUTSIDE-SENTINEL-skills-7d2e';
const OUTSIDE_SKILL = `---\nname: evil\ndescription: ${SENTINEL}\nstatus: active\n---\n\n${SENTINEL} instructions\n`;

type Damage = 'truncated' | 'zero-filled' | 'garbage' | 'empty' | 'link outside';
const DAMAGES: Damage[] = ['truncated', 'zero-filled', 'garbage', 'empty', 'link outside'];

function damage(path: string, how: Damage, outside: string): void {
  const bytes = readFileSync(path);
  // Cut inside the first line or two: for a SKILL.md, inside its front matter.
  if (how === 'truncated') writeFileSync(path, bytes.subarray(0, Math.min(Math.floor(bytes.length / 2), 30)));
  if (how === 'zero-filled') writeFileSync(path, Buffer.alloc(bytes.length));
  if (how === 'garbage') writeFileSync(path, Buffer.from('\u00ff\u00fe garbage {{{ not json ]]]\n'.repeat(3), 'latin1'));
  if (how === 'empty') writeFileSync(path, '');
  if (how === 'link outside') {
    rmSync(path, { recursive: true });
    symlinkSync(outside, path);
  }
}

/** Every file under a folder with its bytes and time: what "nothing outside was written" compares. */
function snapshot(dir: string): string {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .sort()
    .map((entry) => {
      const path = join(dir, entry);
      const info = statSync(path);
      return `${entry} ${info.mtimeMs} ${info.isFile() ? readFileSync(path, 'base64') : 'dir'}`;
    })
    .join('\n');
}

interface Case {
  /** The file (or folder), relative to the store. */
  file: string;
  /** Commands run on the damaged store, each with the exit codes it may give. */
  commands: (ctx: Ctx) => { args: string[]; codes: number[] }[];
  /** Commands run after `store repair`, each with the exit code it must give. */
  afterRepair: (ctx: Ctx) => { args: string[]; code: number }[];
  /** Damages a command must answer with exit 3 (the others are a valid state, or a recovery). */
  noticed: Damage[];
  /** Damages that leave nothing for `store repair` to do. */
  healthy?: Damage[];
  /** What `store repair` sets aside, relative to the store (default: the file). */
  setAside?: string;
}

interface Ctx {
  repo: string;
  store: string;
  source: string;
  exportTo: string;
}

const flags = (ctx: Ctx): string[] => ['--path', ctx.repo, '--store', ctx.store];
const list = (ctx: Ctx): string[] => ['skills', 'list', ...flags(ctx)];
const show = (ctx: Ctx, ...more: string[]): string[] => ['skills', 'show', 'guard-empty', ...more, ...flags(ctx)];
const approve = (ctx: Ctx): string[] => ['skills', 'approve', 'guard-empty', '--yes', ...flags(ctx)];
const disable = (ctx: Ctx): string[] => ['skills', 'disable', 'guard-empty', ...flags(ctx)];
const rollback = (ctx: Ctx): string[] => ['skills', 'rollback', 'guard-empty', ...flags(ctx)];
const importFrom = (ctx: Ctx): string[] => ['skills', 'import', ctx.source, ...flags(ctx)];
const exportTo = (ctx: Ctx): string[] => ['skills', 'export', ctx.exportTo, 'guard-empty', '--force', ...flags(ctx)];
const feedback = (ctx: Ctx): string[] => ['feedback', 'r1', 'accept', ...flags(ctx)];
const recall = (ctx: Ctx): string[] => ['recall', 'step two', ...flags(ctx)];

const CASES: Case[] = [
  {
    file: 'skills/guard-empty/SKILL.md',
    commands: (ctx) => [list, show, approve, disable, rollback, exportTo, feedback].map((c) => ({ args: c(ctx), codes: [3] })),
    // Restored to v2, the current version by the skill history.
    afterRepair: (ctx) => [list, show, exportTo, feedback, approve, disable, rollback].map((c) => ({ args: c(ctx), code: 0 })),
    noticed: DAMAGES,
  },
  {
    file: 'skills/guard-empty/versions/1/SKILL.md',
    commands: (ctx) => [
      { args: show(ctx, '--version', '1'), codes: [3] },
      { args: rollback(ctx), codes: [3] },
      // A rollback after the credit would restore v1: the outcome is refused before it is written.
      { args: feedback(ctx), codes: [3] },
      { args: list(ctx), codes: [0] },
      { args: show(ctx), codes: [0] },
    ],
    // Version 1 is set aside whole: it is gone, the rest works.
    afterRepair: (ctx) => [
      { args: show(ctx, '--version', '1'), code: 2 },
      { args: rollback(ctx), code: 2 },
      { args: list(ctx), code: 0 },
      { args: feedback(ctx), code: 0 },
    ],
    noticed: DAMAGES,
    // A stored version is whole or set aside whole.
    setAside: 'skills/guard-empty/versions/1',
  },
  {
    file: 'skills/.stats/guard-empty.json',
    commands: (ctx) => [
      { args: list(ctx), codes: [3] },
      { args: feedback(ctx), codes: [3] },
      { args: show(ctx), codes: [0] },
    ],
    afterRepair: (ctx) => [list, feedback, show].map((c) => ({ args: c(ctx), code: 0 })),
    noticed: DAMAGES,
  },
  {
    file: 'skills/history.jsonl',
    // A history cut short reads as a crash's torn last record, and an empty one as no history: both valid.
    commands: (ctx) => [list, approve, disable, importFrom, feedback].map((c) => ({ args: c(ctx), codes: [0, 3] })),
    afterRepair: (ctx) => [list, importFrom, feedback, approve, disable].map((c) => ({ args: c(ctx), code: 0 })),
    noticed: ['zero-filled', 'garbage', 'link outside'],
    healthy: ['empty'],
  },
  {
    file: 'cache/recall-index.json',
    // Derived: rebuilt with a note, never an error; only a link is refused.
    commands: (ctx) => [{ args: recall(ctx), codes: [0, 3] }],
    afterRepair: (ctx) => [{ args: recall(ctx), code: 0 }],
    noticed: ['link outside'],
  },
];

describe('bad files in the skill library and the caches', () => {
  let repo: GitRepo;
  let pristine: string;
  let source: string;

  before(async () => {
    repo = space.repoWith('coevolve-bad-skills-', { 'src/a.ts': 'export const a = 1;\n' });
    for (let i = 2; i <= 4; i++) repo.commit(`fix: step ${i}`, { 'src/a.ts': `export const a = ${i};\n` });
    pristine = space.scratch('coevolve-bad-skills-store-');
    await mineHistory(repo.dir, { storeDir: pristine, symbols: false });
    const store = await MemoryStore.open(pristine);
    const shas = (await store.loadAll()).map((e) => e.sha);
    await RecallIndex.load(store);
    await saveSkillVersion(pristine, { name: 'guard-empty', description: 'Guard parsers against empty input', status: 'active' }, '# Guard\n\nCheck `input.trim()` first.\n');
    await saveSkillVersion(pristine, { name: 'guard-empty', description: 'Guard parsers and tokenizers against empty input', status: 'active' }, '# Guard\n\nCheck `input.length` first.\n');
    await creditSkills(pristine, ['guard-empty@v1'], true);
    writeRun(pristine, 'r1', [`commit:${shas[0]!}`], ['guard-empty']);
    source = space.scratch('coevolve-bad-skills-source-');
    mkdirSync(join(source, 'new-skill'));
    writeFileSync(join(source, 'new-skill', 'SKILL.md'), '---\nname: new-skill\ndescription: A skill from another agent\n---\n\nDo the thing.\n');
  });

  /** A fresh copy of the pristine store, and an outside folder holding a sentinel file and a skill. */
  function freshCase(): Ctx & { outsideDir: string; outsideFile: string } {
    const store = space.scratch('coevolve-bad-skills-case-');
    cpSync(pristine, store, { recursive: true });
    const outsideDir = space.scratch('coevolve-bad-skills-outside-');
    const outsideFile = join(outsideDir, 'victim.json');
    writeFileSync(outsideFile, `{"${SENTINEL}": true}\n`);
    mkdirSync(join(outsideDir, 'evil'));
    writeFileSync(join(outsideDir, 'evil', 'SKILL.md'), OUTSIDE_SKILL);
    writeFileSync(join(outsideDir, 'SKILL.md'), OUTSIDE_SKILL);
    return { repo: repo.dir, store, source, exportTo: space.scratch('coevolve-bad-skills-export-'), outsideDir, outsideFile };
  }

  function checkOutput(result: { code: number | null; stdout: string; stderr: string }, said: string, outside: { dir: string; before: string }): void {
    assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/, `no stack trace: ${said}`);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(SENTINEL), `nothing outside is read: ${said}`);
    assert.equal(snapshot(outside.dir), outside.before, `nothing outside is written: ${said}`);
  }

  for (const kind of CASES) {
    it(`${kind.file}: truncated, zero-filled, garbage, empty or a link outside`, { timeout: 240_000 }, async () => {
      const seen = await Promise.all(
        DAMAGES.map(async (how) => {
          const ctx = freshCase();
          const target = join(ctx.store, kind.file);
          // A SKILL.md link points at a skill outside; any other file at the sentinel file.
          damage(target, how, kind.file.endsWith('SKILL.md') ? join(ctx.outsideDir, 'SKILL.md') : ctx.outsideFile);
          const outside = { dir: ctx.outsideDir, before: snapshot(ctx.outsideDir) };
          const codes: number[] = [];
          let decided = false;
          for (const { args, codes: allowed } of kind.commands(ctx)) {
            const fixesBefore = readIfAny(join(ctx.store, 'memory', 'fixes.jsonl'));
            const shardBefore = readFileSync(join(ctx.store, 'memory', 'experiences', 'shard-000000.json'), 'utf8');
            const result = await runCliAsync(args, ctx.repo);
            const said = `${kind.file} ${how}: coevolve ${args.slice(0, 3).join(' ')} → exit ${result.code}\n${result.stdout.slice(-400)}\n${result.stderr.slice(-800)}`;
            codes.push(result.code ?? -1);
            assert.ok(allowed.includes(result.code ?? -1), said);
            if (args[0] === 'feedback' && result.code === 0) decided = true;
            checkOutput(result, said, outside);
            if (result.code === 3) {
              assert.ok(result.stderr.includes(kind.file.split('/').pop()!), `the error names the file: ${said}`);
              assert.match(result.stderr, /coevolve store repair/, `the error gives the remedy: ${said}`);
            }
            if (args[0] === 'feedback' && result.code !== 0) {
              // Refused before the first write: no fix line (the retry is not "already decided"), no credit.
              assert.equal(readIfAny(join(ctx.store, 'memory', 'fixes.jsonl')), fixesBefore, `feedback wrote no fix: ${said}`);
              assert.equal(readFileSync(join(ctx.store, 'memory', 'experiences', 'shard-000000.json'), 'utf8'), shardBefore, `feedback credited no experience: ${said}`);
              assert.equal(existsSync(join(ctx.store, 'memory', 'credits.jsonl')), false, `feedback logged no credit: ${said}`);
            }
            if (kind.file.startsWith('cache/') && how !== 'link outside') {
              assert.match(result.stderr, /recall index cache .* was rebuilt/, `the rebuild is reported: ${said}`);
              assert.doesNotThrow(() => JSON.parse(readFileSync(target, 'utf8')), `the cache was written again: ${said}`);
            }
          }

          const repaired = await runCliAsync(['store', 'repair', '--path', ctx.repo, '--store', ctx.store], ctx.repo);
          const said = `${kind.file} ${how}: store repair → exit ${repaired.code}\n${repaired.stdout}\n${repaired.stderr}`;
          assert.equal(repaired.code, 0, said);
          checkOutput(repaired, said, outside);
          if (!kind.healthy?.includes(how) && !(kind.file.startsWith('cache/') && how !== 'link outside')) {
            const setAside = join(ctx.store, kind.setAside ?? kind.file);
            const name = setAside.split('/').pop()!;
            assert.match(repaired.stdout, new RegExp(`${name.replace(/\./g, '\\.')}\\.corrupt-[\\w-]+\\.bak`), `store repair names what it set aside: ${said}`);
            // Never deleted: what was damaged is kept beside (a link is kept as the link).
            const aside = readdirSync(join(setAside, '..')).find((e) => e.startsWith(`${name}.corrupt-`));
            assert.ok(aside, said);
            if (how === 'link outside' && !kind.setAside) assert.ok(lstatSync(join(setAside, '..', aside)).isSymbolicLink(), said);
          }
          for (const { args, code } of kind.afterRepair(ctx)) {
            const result = await runCliAsync(args, ctx.repo);
            const after = `${kind.file} ${how}, after store repair: coevolve ${args.slice(0, 3).join(' ')} → exit ${result.code}\n${result.stdout.slice(-400)}\n${result.stderr.slice(-800)}`;
            // A run decided while the damage was harmless (a torn or empty history) stays decided.
            if (args[0] === 'feedback' && decided) assert.match(result.stderr, /already decided/, after);
            else assert.equal(result.code, code, after);
            checkOutput(result, after, outside);
          }
          return codes.map((code) => `${how}:${code}`);
        }),
      );
      for (const how of kind.noticed) assert.ok(seen.flat().includes(`${how}:3`), `${kind.file} ${how} was noticed by some command: ${seen.flat().join(' ')}`);
    });
  }

  it('feedback with a damaged skill stats file writes nothing, and the retry after store repair is recorded', { timeout: 60_000 }, async () => {
    const ctx = freshCase();
    const stats = join(ctx.store, 'skills', '.stats', 'guard-empty.json');
    const shard = join(ctx.store, 'memory', 'experiences', 'shard-000000.json');
    writeFileSync(stats, '{"versions":{"1":{"uses":1,"acc');
    const shardBefore = readFileSync(shard, 'utf8');
    const refused = await runCliAsync(feedback(ctx), ctx.repo);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /guard-empty\.json is not valid JSON/);
    assert.match(refused.stderr, /coevolve store repair/);
    assert.equal(existsSync(join(ctx.store, 'memory', 'fixes.jsonl')), false, 'no fix line: the run is not decided');
    assert.equal(existsSync(join(ctx.store, 'memory', 'credits.jsonl')), false, 'no credit logged');
    assert.equal(readFileSync(shard, 'utf8'), shardBefore, 'no experience credited');
    assert.equal(readFileSync(stats, 'utf8'), '{"versions":{"1":{"uses":1,"acc', 'the damaged file is left as it was');

    const repaired = await runCliAsync(['store', 'repair', ...flags(ctx)], ctx.repo);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stdout, /acceptance counts of guard-empty could not be read; they start again from zero \(kept as skills\/\.stats\/guard-empty\.json\.corrupt-[\w-]+\.bak\)/);
    const retried = await runCliAsync(feedback(ctx), ctx.repo);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, /Recorded r1 as accepted/);
    assert.match(retried.stdout, /Credited 1 memory/);
    assert.match(retried.stdout, /Skills it used: guard-empty@v2 \(accepted\)/);
    assert.deepEqual(JSON.parse(readFileSync(stats, 'utf8')), { schema: 1, versions: { 2: { uses: 1, accepted: 1, rejected: 0 } } });
    assert.equal((await runCliAsync(feedback(ctx), ctx.repo)).code, 2, 'decided once');
  });

  it('after store repair, a damaged current SKILL.md is the version the history says was current, byte for byte', { timeout: 60_000 }, async () => {
    const ctx = freshCase();
    const path = join(ctx.store, 'skills', 'guard-empty', 'SKILL.md');
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, Buffer.alloc(40));
    const repaired = await runCliAsync(['store', 'repair', ...flags(ctx)], ctx.repo);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.match(repaired.stdout, /Restored skill guard-empty to v2 from its stored versions \(the current one by the skill history\)/);
    assert.equal(readFileSync(path, 'utf8'), good);
    const again = await runCliAsync(['store', 'repair', ...flags(ctx)], ctx.repo);
    assert.match(again.stdout, /The store is healthy/);
  });

  for (const folder of ['skills', 'skills/guard-empty', 'skills/guard-empty/versions', 'skills/.stats', 'cache']) {
    it(`${folder}/ as a link to a folder outside is refused, never followed, and store repair sets it aside`, { timeout: 120_000 }, async () => {
      const ctx = freshCase();
      const target = join(ctx.store, folder);
      // The folder outside looks like what it replaces: a skill library, a skill, versions, stats, a cache.
      const fake = join(ctx.outsideDir, 'fake');
      mkdirSync(join(fake, 'guard-empty', 'versions', '1'), { recursive: true });
      for (const where of ['', 'guard-empty', join('guard-empty', 'versions', '1'), '1', 'evil']) {
        mkdirSync(join(fake, where), { recursive: true });
        writeFileSync(join(fake, where, 'SKILL.md'), OUTSIDE_SKILL.replace('name: evil', 'name: guard-empty'));
      }
      writeFileSync(join(fake, 'guard-empty.json'), `{"versions":{"1":{"uses":1,"accepted":1,"rejected":0}},"${SENTINEL}":1}\n`);
      writeFileSync(join(fake, 'history.jsonl'), `{"at":"x","name":"guard-empty","action":"${SENTINEL}","reason":"r"}\n`);
      writeFileSync(join(fake, 'recall-index.json'), `{"${SENTINEL}":1}\n`);
      rmSync(target, { recursive: true });
      symlinkSync(fake, target);
      const outside = { dir: ctx.outsideDir, before: snapshot(ctx.outsideDir) };
      const commands = folder === 'cache' ? [recall(ctx)] : [list(ctx), show(ctx), show(ctx, '--version', '1'), approve(ctx), importFrom(ctx), feedback(ctx)];
      let refused = 0;
      for (const args of commands) {
        const result = await runCliAsync(args, ctx.repo);
        const said = `${folder} a link: coevolve ${args.slice(0, 3).join(' ')} → exit ${result.code}\n${result.stdout.slice(-400)}\n${result.stderr.slice(-800)}`;
        assert.ok(result.code === 3 || result.code === 0, said);
        if (result.code === 3) {
          refused++;
          assert.match(result.stderr, /symbolic link/, said);
        }
        checkOutput(result, said, outside);
      }
      assert.ok(refused > 0, `${folder} as a link was refused by some command`);
      const repaired = await runCliAsync(['store', 'repair', ...flags(ctx)], ctx.repo);
      const said = `${folder} a link: store repair → exit ${repaired.code}\n${repaired.stdout}\n${repaired.stderr}`;
      assert.equal(repaired.code, 0, said);
      checkOutput(repaired, said, outside);
      assert.match(repaired.stdout, new RegExp(`${folder.split('/').pop()!.replace('.', '\\.')}\\.corrupt-[\\w-]+\\.bak`), said);
      const afterCommands = folder === 'cache' ? [recall(ctx)] : [list(ctx), importFrom(ctx)];
      for (const args of afterCommands) {
        const result = await runCliAsync(args, ctx.repo);
        const after = `${folder} a link, after store repair: coevolve ${args.slice(0, 3).join(' ')} → exit ${result.code}\n${result.stderr.slice(-800)}`;
        assert.equal(result.code, 0, after);
        checkOutput(result, after, outside);
      }
    });
  }

  it('a resource of a skill that is a link outside is refused by show, approve and export, and set aside by store repair', { timeout: 60_000 }, async () => {
    const ctx = freshCase();
    symlinkSync(ctx.outsideFile, join(ctx.store, 'skills', 'guard-empty', 'notes.md'));
    const outside = { dir: ctx.outsideDir, before: snapshot(ctx.outsideDir) };
    for (const args of [show(ctx), approve(ctx), exportTo(ctx)]) {
      const result = await runCliAsync(args, ctx.repo);
      const said = `coevolve ${args.slice(0, 2).join(' ')} → exit ${result.code}\n${result.stderr}`;
      assert.equal(result.code, 3, said);
      assert.match(result.stderr, /notes\.md is a symbolic link/, said);
      checkOutput(result, said, outside);
    }
    assert.deepEqual(readdirSync(ctx.exportTo), [], 'nothing was exported');
    const repaired = await runCliAsync(['store', 'repair', ...flags(ctx)], ctx.repo);
    assert.match(repaired.stdout, /notes\.md\.corrupt-[\w-]+\.bak/);
    for (const args of [show(ctx), exportTo(ctx)]) assert.equal((await runCliAsync(args, ctx.repo)).code, 0);
    assert.deepEqual(readdirSync(join(ctx.exportTo, 'guard-empty')), ['SKILL.md'], 'the link is neither exported nor a resource');
    assert.equal(snapshot(ctx.outsideDir), outside.before);
  });

  it('skills import refuses a SKILL.md that is a link, and reads nothing through it', { timeout: 60_000 }, async () => {
    const ctx = freshCase();
    const linked = space.scratch('coevolve-bad-skills-linked-source-');
    mkdirSync(join(linked, 'evil'));
    symlinkSync(join(ctx.outsideDir, 'SKILL.md'), join(linked, 'evil', 'SKILL.md'));
    mkdirSync(join(linked, 'fine'));
    writeFileSync(join(linked, 'fine', 'SKILL.md'), '---\nname: fine\ndescription: A fine skill\n---\n\nFine.\n');
    const result = await runCliAsync(['skills', 'import', linked, ...flags(ctx)], ctx.repo);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /imported fine v1/);
    assert.match(result.stderr, /refused .*evil: .*SKILL\.md is a symbolic link or not a plain file/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(SENTINEL));
    assert.equal(existsSync(join(ctx.store, 'skills', 'evil')), false, 'nothing of it was imported');
  });

  it('skills import into a damaged library imports nothing and exits 3', { timeout: 60_000 }, async () => {
    const ctx = freshCase();
    writeFileSync(join(ctx.store, 'skills', 'guard-empty', 'SKILL.md'), 'garbage\n');
    const from = space.scratch('coevolve-bad-skills-same-name-');
    mkdirSync(join(from, 'a-first'));
    writeFileSync(join(from, 'a-first', 'SKILL.md'), '---\nname: a-first\ndescription: Imported first\n---\n\nA.\n');
    mkdirSync(join(from, 'guard-empty'));
    writeFileSync(join(from, 'guard-empty', 'SKILL.md'), '---\nname: guard-empty\ndescription: Another guard\n---\n\nB.\n');
    const result = await runCliAsync(['skills', 'import', from, ...flags(ctx)], ctx.repo);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /guard-empty\/SKILL\.md cannot be read as a skill/);
    assert.match(result.stderr, /coevolve store repair/);
    assert.equal(existsSync(join(ctx.store, 'skills', 'a-first')), false, 'not even the skill before it was imported');
  });
});

function readIfAny(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function writeRun(store: string, runId: string, experienceIds: string[], skillIds: string[]): void {
  const summary: RunSummary = {
    runId,
    task: 'Guard the parser against empty input',
    origin: 'user',
    status: 'passed',
    evidence: 'proven',
    reason: 'checks passed',
    rounds: 1,
    plan: 'add a guard',
    summary: 'guarded',
    files: [{ path: 'src/a.ts', status: 'modified' }],
    checks: [],
    report: '',
    memory: { experienceIds, files: [], skillIds, fixIds: [] },
    headAtStart: undefined,
    accounting: { calls: 0, failedCalls: 0, promptTokens: 0, completionTokens: 0, latencyMs: 0, costUsd: 0, costIncomplete: false, byRole: {} },
  };
  mkdirSync(join(store, 'runs', runId), { recursive: true });
  writeFileSync(join(store, 'runs', runId, 'summary.json'), JSON.stringify(summary));
}
