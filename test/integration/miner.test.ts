import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../src/core/mining/miner.ts';
import type { CommitExperience } from '../../src/core/memory/experience.ts';
import { MemoryStore } from '../../src/core/memory/store.ts';
import { CoevolveError } from '../../src/core/errors.ts';
import { GitRepo, tempDir } from '../helpers/gitRepo.ts';

const PARSER_V1 = `export class Parser {
  parseHeader(input: string): string[] {
    return input.split(':');
  }

  parseBody(input: string): string {
    return input.trim();
  }
}

export function helper(value: number): number {
  return value * 2;
}
`;

const PARSER_V2 = PARSER_V1.replace("    return input.split(':');", "    if (input.length === 0) return [];\n    return input.split(':');");

async function mineAll(repo: GitRepo, storeDir: string, extra: Partial<Parameters<typeof mineHistory>[1]> = {}) {
  return mineHistory(repo.dir, { storeDir, ...extra });
}

async function experiences(storeDir: string): Promise<CommitExperience[]> {
  return (await MemoryStore.open(storeDir)).loadAll();
}

function bySubject(list: CommitExperience[], subject: string): CommitExperience {
  const found = list.find((e) => e.intent.subject === subject);
  assert.ok(found, `no experience with subject ${subject}; have: ${list.map((e) => e.intent.subject).join(' | ')}`);
  return found;
}

describe('mining a realistic history', () => {
  let repo: GitRepo;
  let storeDir: string;
  let list: CommitExperience[];
  const shas: Record<string, string> = {};

  before(async () => {
    repo = GitRepo.create();
    shas.c1 = repo.commit('feat(parser): add Parser with parseHeader', {
      'src/parser.ts': PARSER_V1,
      'test/parser.test.ts': "import { Parser } from '../src/parser';\n",
      'src/util.py': 'def shout(text):\n    return text.upper()\n\n\nclass Greeter:\n    def greet(self, name):\n        return "hi " + name\n',
    });
    shas.c2 = repo.commit('fix(parser): handle empty input in parseHeader (#12)\n\nEmpty headers crashed the importer.\n\nSigned-off-by: Test Author <author@example.com>', {
      'src/parser.ts': PARSER_V2,
      'test/parser.test.ts': "import { Parser } from '../src/parser';\n// empty input\n",
    });
    shas.c3 = repo.commit('docs: explain the parser', { 'README.md': '# Parser\n\nSplits headers.\n' });
    repo.git('mv', 'src/util.py', 'src/helpers.py');
    shas.c4 = repo.commit('refactor: rename util module to helpers');
    shas.c5 = repo.commit('feat: add logo', { 'media/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0x00]) });
    shas.c6 = repo.commit('chore(deps): bump lodash', { 'package-lock.json': '{"lockfileVersion": 3}\n', 'vendor/lib/x.js': 'var x=1;\n', 'dist/app.min.js': 'var a=1;\n' });
    shas.c7 = repo.commit('feat: risky change to parseBody', { 'src/parser.ts': PARSER_V2.replace('return input.trim();', 'return input.trim().toLowerCase();') });
    repo.git('revert', '--no-edit', 'HEAD');
    shas.c8 = repo.head();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('feat(greeter): greet politely', { 'src/helpers.py': 'def shout(text):\n    return text.upper()\n\n\nclass Greeter:\n    def greet(self, name):\n        return "hello " + name\n' });
    repo.commit('test(greeter): cover greet', { 'tests/test_helpers.py': 'def test_greet():\n    assert True\n' });
    repo.git('checkout', '-q', 'main');
    repo.commit('feat: unrelated main work', { 'src/main.go': 'package main\n\nfunc main() {\n}\n' });
    repo.git('merge', '-q', '--no-ff', 'feature', '-m', "Merge branch 'feature' (#31)");
    shas.merge = repo.head();
    storeDir = join(tempDir(), '.coevolve');
    const result = await mineAll(repo, storeDir);
    assert.equal(result.mined, 10);
    assert.equal(result.complete, true);
    list = await experiences(storeDir);
  });

  after(() => repo.remove());

  it('stores one experience per first-parent commit, with sha, time, author and order', () => {
    const firstParent = repo.git('rev-list', '--first-parent', 'HEAD').trim().split('\n');
    assert.deepEqual(new Set(list.map((e) => e.sha)), new Set(firstParent));
    const c1 = list.find((e) => e.sha === shas.c1)!;
    assert.equal(c1.seq, 1);
    assert.equal(c1.author.name, 'Test Author');
    assert.equal(list.find((e) => e.sha === shas.merge)!.seq, 10);
    assert.ok(c1.commitTime > 1_600_000_000);
  });

  it('reads intent: conventional type and scope, issues, cleaned body, kind', () => {
    const fix = bySubject(list, 'fix(parser): handle empty input in parseHeader (#12)');
    assert.equal(fix.kind, 'fix');
    assert.equal(fix.intent.type, 'fix');
    assert.equal(fix.intent.scope, 'parser');
    assert.deepEqual(fix.intent.issues, ['#12']);
    assert.equal(fix.intent.body, 'Empty headers crashed the importer.');
    assert.equal(bySubject(list, 'docs: explain the parser').kind, 'docs');
    assert.equal(bySubject(list, 'refactor: rename util module to helpers').kind, 'refactor');
    assert.equal(bySubject(list, 'chore(deps): bump lodash').kind, 'chore');
    assert.equal(bySubject(list, 'feat(parser): add Parser with parseHeader').kind, 'feature');
  });

  it('maps hunks to the enclosing method with its class', () => {
    const fix = bySubject(list, 'fix(parser): handle empty input in parseHeader (#12)');
    const symbol = fix.symbols.find((s) => s.name === 'parseHeader');
    assert.ok(symbol, JSON.stringify(fix.symbols));
    assert.equal(symbol.container, 'Parser');
    assert.equal(symbol.change, 'modified');
    assert.equal(symbol.path, 'src/parser.ts');
    assert.ok(!fix.symbols.some((s) => s.name === 'parseBody'), 'parseBody was not touched');
    const added = bySubject(list, 'feat(parser): add Parser with parseHeader');
    assert.ok(added.symbols.some((s) => s.name === 'helper' && s.change === 'added'));
    assert.ok(added.symbols.some((s) => s.name === 'greet' && s.container === 'Greeter'));
  });

  it('records file status, line counts, tests touched and renames', () => {
    const fix = bySubject(list, 'fix(parser): handle empty input in parseHeader (#12)');
    const parser = fix.files.find((f) => f.path === 'src/parser.ts')!;
    assert.equal(parser.status, 'modified');
    assert.equal(parser.added, 1);
    assert.equal(parser.deleted, 0);
    assert.deepEqual(fix.tests, ['test/parser.test.ts']);
    const rename = bySubject(list, 'refactor: rename util module to helpers');
    assert.equal(rename.files.length, 1);
    assert.equal(rename.files[0]!.status, 'renamed');
    assert.equal(rename.files[0]!.oldPath, 'src/util.py');
    assert.equal(rename.files[0]!.path, 'src/helpers.py');
  });

  it('keeps binary, lock, vendored and generated files as file-level facts only', () => {
    const logo = bySubject(list, 'feat: add logo').files[0]!;
    assert.equal(logo.binary, true);
    assert.equal(logo.category, 'binary');
    const chore = bySubject(list, 'chore(deps): bump lodash');
    const categories = Object.fromEntries(chore.files.map((f) => [f.path, f.category]));
    assert.deepEqual(categories, { 'package-lock.json': 'lock', 'vendor/lib/x.js': 'vendored', 'dist/app.min.js': 'generated' });
    assert.equal(chore.symbols.length, 0);
  });

  it('links a revert to the commit it undid, both ways', () => {
    const risky = list.find((e) => e.sha === shas.c7)!;
    const revert = list.find((e) => e.sha === shas.c8)!;
    assert.equal(revert.kind, 'revert');
    assert.equal(revert.revertOf, shas.c7);
    assert.equal(risky.revertedBy, shas.c8);
  });

  it('reads a merge against its first parent', () => {
    const merge = list.find((e) => e.sha === shas.merge)!;
    assert.equal(merge.flags.merge, true);
    assert.equal(merge.parents, 2);
    assert.deepEqual(merge.files.map((f) => f.path).sort(), ['src/helpers.py', 'tests/test_helpers.py']);
    assert.deepEqual(merge.intent.issues, ['#31']);
    assert.ok(merge.symbols.some((s) => s.name === 'greet'));
  });

  it('bounds the diff summary and names what changed', () => {
    for (const e of list) assert.ok(e.diffSummary.length <= 1600, `${e.intent.subject}: ${e.diffSummary.length}`);
    const fix = bySubject(list, 'fix(parser): handle empty input in parseHeader (#12)');
    assert.match(fix.diffSummary, /M src\/parser\.ts \(\+1 -0\) in Parser\.parseHeader/);
    assert.match(fix.diffSummary, /if \(input\.length === 0\) return \[\];/);
  });

  it('is up to date on a second run and mines only new commits after that', async () => {
    const again = await mineAll(repo, storeDir);
    assert.equal(again.mined, 0);
    repo.commit('fix(parser): trim body once', { 'src/parser.ts': PARSER_V2.replace('input.trim()', 'input.trimEnd()') });
    const next = await mineAll(repo, storeDir);
    assert.equal(next.mined, 1);
    assert.equal(next.experiences, 11);
    const stored = await experiences(storeDir);
    assert.equal(new Set(stored.map((e) => e.sha)).size, 11);
    assert.equal(stored.find((e) => e.sha === repo.head())!.seq, 11);
    assert.equal((await mineAll(repo, storeDir)).mined, 0, 'the new head was recorded');
    repo.commit('fix(parser): one more', { 'src/parser.ts': PARSER_V2 });
    assert.equal((await mineAll(repo, storeDir)).mined, 1);
  });
});

describe('resuming and rewriting', () => {
  it('continues older history after --max and never duplicates', async () => {
    const repo = GitRepo.create();
    for (let i = 1; i <= 12; i++) repo.commit(`feat: step ${i}`, { [`src/f${i % 3}.ts`]: `export const v${i} = ${i};\n` });
    const storeDir = join(tempDir(), 'store');
    const planned: number[] = [];
    const first = await mineAll(repo, storeDir, { maxCommits: 5, onPlan: (n) => planned.push(n) });
    assert.equal(first.mined, 5);
    assert.deepEqual(planned, [5], 'told the run\'s size before it started: the budget, not the 12 commits');
    assert.equal(first.complete, false);
    assert.deepEqual((await experiences(storeDir)).map((e) => e.seq).sort((a, b) => a - b), [8, 9, 10, 11, 12]);
    repo.commit('feat: step 13', { 'src/f13.ts': 'export const v13 = 13;\n' });
    const second = await mineAll(repo, storeDir, { maxCommits: 4 });
    assert.equal(second.mined, 4, 'one new commit, then three older ones');
    const third = await mineAll(repo, storeDir, { onPlan: (n) => planned.push(n) });
    assert.equal(third.complete, true);
    assert.deepEqual(planned, [5, 4], 'the four older commits left');
    const all = await experiences(storeDir);
    assert.equal(all.length, 13);
    assert.deepEqual(all.map((e) => e.seq).sort((a, b) => a - b), Array.from({ length: 13 }, (_, i) => i + 1));
    repo.remove();
  });

  it('detects a force-push, forgets orphaned commits and mines the new ones', async () => {
    const repo = GitRepo.create();
    for (let i = 1; i <= 5; i++) repo.commit(`feat: step ${i}`, { 'src/a.ts': `export const a = ${i};\n` });
    const storeDir = join(tempDir(), 'store');
    await mineAll(repo, storeDir);
    const orphaned = repo.git('rev-list', 'HEAD~2..HEAD').trim().split('\n');
    repo.git('reset', '-q', '--hard', 'HEAD~2');
    repo.commit('feat: rewritten 4', { 'src/b.ts': 'export const b = 4;\n' });
    repo.commit('feat: rewritten 5', { 'src/b.ts': 'export const b = 5;\n' });
    const result = await mineAll(repo, storeDir);
    assert.equal(result.removed, 2);
    assert.equal(result.mined, 2);
    assert.match(result.notices.join('\n'), /rewritten/);
    const all = await experiences(storeDir);
    assert.equal(all.length, 5);
    for (const sha of orphaned) assert.ok(!all.some((e) => e.sha === sha), 'orphaned commit still stored');
    assert.ok(all.some((e) => e.intent.subject === 'feat: rewritten 5' && e.seq === 5));
    repo.remove();
  });

  it('keeps what was mined when cancelled, and resumes', async () => {
    const repo = GitRepo.create();
    for (let i = 1; i <= 30; i++) repo.commit(`feat: step ${i}`, { 'src/a.ts': `export const a = ${i};\n` });
    const storeDir = join(tempDir(), 'store');
    const controller = new AbortController();
    await assert.rejects(
      mineAll(repo, storeDir, {
        batchSize: 5,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done === 12) controller.abort();
        },
      }),
      (error: unknown) => CoevolveError.is(error, 'cancelled'),
    );
    const partial = await experiences(storeDir);
    assert.ok(partial.length >= 10 && partial.length < 30, `kept ${partial.length}`);
    const rest = await mineAll(repo, storeDir);
    assert.equal(rest.complete, true);
    assert.equal((await experiences(storeDir)).length, 30);
    repo.remove();
  });
});

describe('awkward repositories', () => {
  it('says a folder is not a git repository', async () => {
    const dir = tempDir();
    await assert.rejects(mineHistory(dir, { storeDir: join(dir, '.coevolve') }), (error: unknown) => CoevolveError.is(error, 'not-a-git-repo'));
  });

  it('handles an empty repository', async () => {
    const repo = GitRepo.create();
    const result = await mineAll(repo, join(repo.dir, '.coevolve'));
    assert.equal(result.empty, true);
    assert.equal(result.mined, 0);
    assert.match(result.notices[0]!, /no commits/);
    repo.remove();
  });

  it('mines a shallow clone and says so', async () => {
    const origin = GitRepo.create();
    for (let i = 1; i <= 8; i++) origin.commit(`feat: step ${i}`, { 'src/a.ts': `export const a = ${i};\n` });
    const cloneDir = join(tempDir(), 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '3', `file://${origin.dir}`, cloneDir]);
    const storeDir = join(tempDir(), 'store');
    const result = await mineHistory(cloneDir, { storeDir });
    assert.equal(result.shallow, true);
    assert.equal(result.mined, 3);
    assert.equal(result.complete, true);
    assert.match(result.notices.join('\n'), /shallow clone/);
    origin.remove();
  });

  it('keeps non-UTF-8 file names and messages byte-exact', async () => {
    const repo = GitRepo.create();
    const latin1Name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in Latin-1
    execFileSync('bash', ['-c', 'printf "hello\\n" > "$(printf "caf\\351.txt")"'], { cwd: repo.dir });
    repo.git('add', '-A');
    // A legacy project that declared its encoding: git re-encodes on output.
    repo.git('config', 'i18n.commitEncoding', 'ISO-8859-1');
    repo.commit(Buffer.concat([Buffer.from('docs: add caf'), Buffer.from([0xe9]), Buffer.from(' notes\n')]));
    repo.git('config', '--unset', 'i18n.commitEncoding');
    // A tool that wrote raw Latin-1 without saying so (git commit itself would convert it).
    const tree = repo.git('write-tree').trim();
    const raw = Buffer.concat([
      Buffer.from(`tree ${tree}\nparent ${repo.head()}\nauthor A <a@x> 1600100000 +0000\ncommitter A <a@x> 1600100000 +0000\n\nfix: na`),
      Buffer.from([0xef]),
      Buffer.from('ve raw bytes\n'),
    ]);
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { cwd: repo.dir, input: raw }).toString().trim();
    repo.git('update-ref', 'refs/heads/main', sha);
    repo.commit('feat: add a file with a UTF-8 name', { 'src/naïve-ünïcode.ts': 'export const x = 1;\n' });
    const storeDir = join(tempDir(), 'store');
    const result = await mineAll(repo, storeDir);
    assert.equal(result.mined, 3);
    const all = await experiences(storeDir);
    const declared = all.find((e) => e.intent.subject.startsWith('docs:'))!;
    assert.equal(declared.intent.subject, 'docs: add café notes');
    assert.deepEqual(Buffer.from(declared.files[0]!.rawPath!, 'base64'), latin1Name);
    assert.equal(declared.files[0]!.path, 'caf\u00e9.txt', 'shown as Latin-1, kept exact in rawPath');
    const undeclared = all.find((e) => e.intent.subject.startsWith('fix:'))!;
    assert.equal(undeclared.flags.messageNotUtf8, true);
    assert.equal(undeclared.intent.subject, 'fix: na\u00efve raw bytes');
    const utf8 = all.find((e) => e.intent.subject.startsWith('feat:'))!;
    assert.equal(utf8.files[0]!.path, 'src/naïve-ünïcode.ts');
    assert.equal(utf8.files[0]!.rawPath, undefined);
    repo.remove();
  });

  it('caps a huge commit but keeps exact counts', async () => {
    const repo = GitRepo.create();
    const files: Record<string, string> = {};
    for (let i = 0; i < 620; i++) files[`gen/file${i}.txt`] = `line ${i}\n`;
    files['src/big.ts'] = Array.from({ length: 30_000 }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
    repo.commit('chore: import everything', files);
    const storeDir = join(tempDir(), 'store');
    await mineAll(repo, storeDir);
    const [huge] = await experiences(storeDir);
    assert.ok(huge);
    assert.equal(huge.flags.huge, true);
    assert.equal(huge.files.length + (huge.filesOmitted ?? 0), 621);
    assert.ok(huge.files.length <= 500);
    const big = huge.files.find((f) => f.path === 'src/big.ts');
    if (big) {
      assert.equal(big.added, 30_000);
      assert.equal(big.truncated, true);
    }
    assert.ok(huge.diffSummary.length <= 1600);
    repo.remove();
  });

  it('records submodule updates as such', async () => {
    const sub = GitRepo.create('coevolve-sub-');
    sub.commit('init sub', { 'lib.c': 'int x;\n' });
    const repo = GitRepo.create();
    repo.commit('feat: start', { 'a.txt': 'a\n' });
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'deps/sub');
    repo.commit('chore: add submodule');
    const storeDir = join(tempDir(), 'store');
    await mineAll(repo, storeDir);
    const add = (await experiences(storeDir)).find((e) => e.intent.subject === 'chore: add submodule')!;
    const module = add.files.find((f) => f.path === 'deps/sub')!;
    assert.equal(module.category, 'submodule');
    assert.equal(add.files.find((f) => f.path === '.gitmodules')?.category, 'config');
    sub.remove();
    repo.remove();
  });
});

describe('secrets', () => {
  it('never lets planted secrets reach the store or its cache', async () => {
    const repo = GitRepo.create();
    const awsId = ['AKIA', 'IOSFODNN7', 'EXAMPLQ'].join('');
    const awsSecret = ['wJalrXUtnFEMI', 'K7MDENGbPxRfiCY', 'EXAMPLEKEYZ'].join('/');
    const ghToken = ['ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
    const pemBody = ['MIIEowIBAAKCAQEA7bq', 'Xj3uVx9mQ2sL0pYkzW8'].join('');
    const dbPassword = ['hunter', '2-Sup3r-S3cret'].join('');
    repo.commit(`chore: configure deploy with ${ghToken}`, {
      '.env': `AWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\nDB_PASSWORD=${dbPassword}\n`,
      'deploy/key.pem': `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----\n`,
      'src/config.ts': `export const password = "${dbPassword}";\n`,
    });
    const storeDir = join(tempDir(), 'store');
    const result = await mineAll(repo, storeDir);
    assert.ok(result.counts.secretsRedacted > 0);
    const { recallInWorkspace } = await import('../../src/core/memory/recallService.ts');
    await recallInWorkspace({ root: repo.dir, storeDir }, 'deploy configuration');
    let bytes = '';
    for (const entry of readdirSync(storeDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) bytes += readFileSync(join(entry.parentPath, entry.name), 'utf8');
    }
    assert.ok(bytes.includes('REDACTED'), 'redaction markers are stored');
    for (const secret of [awsId, awsSecret, ghToken, pemBody, dbPassword]) assert.ok(!bytes.includes(secret), `secret leaked: ${secret.slice(0, 6)}…`);
    repo.remove();
  });
});

describe('switching lines of history', () => {
  it('mines again from scratch when the old head is no longer on the first-parent line', async () => {
    const repo = GitRepo.create();
    repo.commit('feat: base', { 'src/a.ts': 'export const a = 1;\n' });
    repo.git('checkout', '-q', '-b', 'feature');
    repo.commit('feat: feature work', { 'src/f.ts': 'export const f = 1;\n' });
    const storeDir = join(tempDir(), 'store');
    await mineAll(repo, storeDir);
    repo.git('checkout', '-q', 'main');
    repo.commit('feat: main work', { 'src/m.ts': 'export const m = 1;\n' });
    repo.git('merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature');
    const result = await mineAll(repo, storeDir);
    const all = await experiences(storeDir);
    const firstParent = repo.git('rev-list', '--first-parent', 'HEAD').trim().split('\n');
    assert.deepEqual(new Set(all.map((e) => e.sha)), new Set(firstParent), 'memory holds exactly the first-parent line of HEAD');
    assert.deepEqual(all.map((e) => e.seq).sort(), [1, 2, 3]);
    assert.ok(result.notices.some((n) => /mining again from scratch/.test(n)));
    repo.remove();
  });
});

describe('--since', () => {
  it('mines only commits newer than the date and continues with older ones later', async () => {
    const repo = GitRepo.create();
    for (let i = 1; i <= 6; i++) repo.commit(`feat: step ${i}`, { 'src/a.ts': `export const a = ${i};\n` });
    const times = repo.git('log', '--format=%ct').trim().split('\n').map(Number);
    const storeDir = join(tempDir(), 'store');
    // Newer than the third commit from the top: the two newest.
    const since = new Date((times[2]! + 1) * 1000).toISOString();
    const recent = await mineAll(repo, storeDir, { since });
    assert.equal(recent.mined, 2);
    assert.equal(recent.complete, false);
    const rest = await mineAll(repo, storeDir);
    assert.equal(rest.mined, 4);
    assert.equal(rest.complete, true);
    repo.remove();
  });
});
