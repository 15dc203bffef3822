import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { creditExperiences } from '../../../src/core/learning/utility.ts';
import { appendOutcome } from '../../../src/core/memory/outcomeLog.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { runCliAsync } from '../../helpers/cliProcess.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';
import type { GitRepo } from '../../helpers/gitRepo.ts';

// Acceptance for bad files: each of the memory store's files truncated, zero-filled, garbage,
// empty, or a symbolic link to a file outside. Every next command gives a clear error (exit 3, the
// file named, `store repair` as the remedy) or works; none crashes, none reads or writes outside;
// and after `store repair` every command works again.

const space = scratchSpace(after);
const SENTINEL = 'OUTSIDE-SENTINEL-4f1c';

type Damage = 'truncated' | 'zero-filled' | 'garbage' | 'empty' | 'link outside';
const DAMAGES: Damage[] = ['truncated', 'zero-filled', 'garbage', 'empty', 'link outside'];
const FILES = ['memory/meta.json', 'memory/experiences/shard-000000.json', 'memory/credits.jsonl', 'feedback/outcomes.jsonl', '.gitignore'];

function damage(storeDir: string, file: string, how: Damage, outside: string): void {
  const path = join(storeDir, file);
  const bytes = readFileSync(path);
  if (how === 'truncated') writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  if (how === 'zero-filled') writeFileSync(path, Buffer.alloc(bytes.length));
  if (how === 'garbage') writeFileSync(path, Buffer.from('\u00ff\u00fe garbage {{{ not json ]]]\n'.repeat(3), 'latin1'));
  if (how === 'empty') writeFileSync(path, '');
  if (how === 'link outside') {
    rmSync(path);
    symlinkSync(outside, path);
  }
}

// Readers, the reader of one memory's credits, a writer (a pin), and mine.
const commands = (repo: string, store: string, shas: string[]): string[][] => [
  ['stats', '--path', repo, '--store', store],
  ['recall', 'step two', '--path', repo, '--store', store],
  ['memory', 'show', '--path', repo, '--store', store],
  ['memory', 'show', shas[0]!, '--path', repo, '--store', store],
  ['memory', 'pin', shas[2]!, '--path', repo, '--store', store],
  ['mine', repo, '--store', store, '--no-symbols'],
];
// After a repair, mine first: a shard moved aside is mined again before anything reads it.
const afterRepair = (repo: string, store: string, shas: string[]): string[][] => {
  const list = commands(repo, store, shas);
  return [list[list.length - 1]!, ...list.slice(0, -1)];
};

describe('bad files in the memory store', () => {
  let repo: GitRepo;
  let pristine: string;
  let shas: string[];
  before(async () => {
    repo = space.repoWith('coevolve-bad-files-', { 'src/a.ts': 'export const a = 1;\n' });
    for (let i = 2; i <= 6; i++) repo.commit(`fix: step ${i}`, { 'src/a.ts': `export const a = ${i};\n` });
    pristine = space.scratch('coevolve-bad-files-store-');
    await mineHistory(repo.dir, { storeDir: pristine, symbols: false });
    shas = (await (await MemoryStore.open(pristine)).loadAll()).map((e) => e.sha);
    await creditExperiences(pristine, [`commit:${shas[0]!}`], 1);
    await appendOutcome(pristine, { itemIds: [`commit:${shas[1]!}`], outcome: 'helped' });
  });

  for (const file of FILES) {
    it(`${file}: truncated, zero-filled, garbage, empty or a link outside`, { timeout: 180_000 }, async () => {
      const seen: string[] = [];
      for (const how of DAMAGES) {
        const storeDir = space.scratch('coevolve-bad-files-case-');
        cpSync(pristine, storeDir, { recursive: true });
        const outsideDir = space.scratch('coevolve-bad-files-outside-');
        const outside = join(outsideDir, 'victim.json');
        writeFileSync(outside, `{"${SENTINEL}": true}\n`);
        const outsideTime = statSync(outside).mtimeMs;
        damage(storeDir, file, how, outside);

        for (const args of commands(repo.dir, storeDir, shas)) {
          const result = await runCliAsync(args, repo.dir);
          const said = `${file} ${how}: coevolve ${args[0]} ${args[1]} → exit ${result.code}\n${result.stderr.slice(-600)}`;
          seen.push(`${how}/${args[0]}:${result.code}`);
          assert.ok(result.code === 0 || result.code === 3, said);
          assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/, `no stack trace: ${said}`);
          if (result.code === 3) {
            assert.match(result.stderr, new RegExp(file.split('/').pop()!.replace('.', '\\.')), `the error names the file: ${said}`);
            assert.match(result.stderr, how === 'link outside' ? /symbolic link/ : /coevolve store repair/, `the error gives the remedy: ${said}`);
          }
          assert.ok(!`${result.stdout}${result.stderr}`.includes(SENTINEL), `nothing outside is read: ${said}`);
          assert.equal(readFileSync(outside, 'utf8'), `{"${SENTINEL}": true}\n`, `nothing outside is written: ${said}`);
          assert.equal(statSync(outside).mtimeMs, outsideTime);
        }
        if (how === 'link outside') continue;
        const repaired = await runCliAsync(['store', 'repair', '--path', repo.dir, '--store', storeDir], repo.dir);
        assert.equal(repaired.code, 0, `${file} ${how}: store repair: ${repaired.stderr}`);
        // Every kind of damage to a file of user data is found by the repair, which keeps a copy.
        if (how !== 'empty' && file !== '.gitignore') assert.match(repaired.stdout, new RegExp(`${file.split('/').pop()!.replace('.', '\\.')}.*\\.bak`), `${file} ${how}: store repair names what it set aside: ${repaired.stdout}`);
        for (const args of afterRepair(repo.dir, storeDir, shas)) {
          const result = await runCliAsync(args, repo.dir);
          assert.equal(result.code, 0, `${file} ${how}, after store repair: coevolve ${args.slice(0, 2).join(' ')}: ${result.stderr.slice(-600)}`);
        }
      }
      // Every damage to a file a command reads is noticed by it (an empty log is a valid empty log;
      // outcomes.jsonl is only appended to, by MCP, and checked by store repair above).
      for (const how of ['truncated', 'zero-filled', 'garbage', 'link outside'] as Damage[]) {
        if (file === 'feedback/outcomes.jsonl') continue;
        // A log cut short reads as a crash's torn last record: left out by readers, mended by the next append.
        if (file.endsWith('.jsonl') && how === 'truncated') continue;
        if (file === '.gitignore' && how !== 'link outside') continue; // any text is a valid .gitignore
        assert.ok(
          seen.some((s) => s.startsWith(`${how}/`) && s.endsWith(':3')),
          `${file} ${how} was noticed by some command: ${seen.join(' ')}`,
        );
      }
    });
  }

  it('a store folder that is itself a link, or whose memory/ is, is refused by every command', { timeout: 60_000 }, async () => {
    for (const linked of ['', 'memory']) {
      const real = space.scratch('coevolve-bad-files-real-');
      cpSync(pristine, real, { recursive: true });
      const holder = space.scratch('coevolve-bad-files-holder-');
      const storeDir = join(holder, 'store');
      if (linked === '') symlinkSync(real, storeDir);
      else {
        mkdirSync(storeDir);
        cpSync(pristine, storeDir, { recursive: true });
        rmSync(join(storeDir, 'memory'), { recursive: true });
        symlinkSync(join(real, 'memory'), join(storeDir, 'memory'));
      }
      const before = readFileSync(join(real, 'memory', 'meta.json'), 'utf8');
      for (const args of commands(repo.dir, storeDir, shas)) {
        const result = await runCliAsync(args, repo.dir);
        assert.equal(result.code, 3, `${linked || 'the store'} a link: coevolve ${args[0]}: ${result.stderr}`);
        assert.match(result.stderr, /symbolic link/);
      }
      assert.equal(readFileSync(join(real, 'memory', 'meta.json'), 'utf8'), before, 'nothing was written through the link');
    }
  });
});
