import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { CoevolveError } from '../../../src/core/errors.ts';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mineHistory } from '../../../src/core/mining/miner.ts';
import { HISTORY_INDEX, HistoryIndex } from '../../../src/core/memory/engine/historyIndex.ts';
import { loadSqlite, SqliteFile } from '../../../src/core/memory/engine/sqliteFile.ts';
import { FileTable } from '../../../src/core/memory/fileTable.ts';
import { FileTablesWriter } from '../../../src/core/memory/engine/historyFiles.ts';
import type { CommitExperience } from '../../../src/core/memory/experience.ts';
import { FileSearch } from '../../../src/core/memory/fileSearch.ts';
import type { FileView } from '../../../src/core/memory/memoryIndex.ts';
import { buildQuery } from '../../../src/core/memory/queryBuilder.ts';
import { tokenize } from '../../../src/core/memory/tokenize.ts';
import { recallInWorkspace } from '../../../src/core/memory/recallService.ts';
import { repairRecallCache } from '../../../src/core/memory/recallIndex.ts';
import { MemoryStore } from '../../../src/core/memory/store.ts';
import { digestOf } from '../../../src/core/memory/experienceDigest.ts';
import { resolveWorkspace } from '../../../src/core/workspace.ts';
import { fakeExperience } from '../../helpers/fakeExperience.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

// The disk engine (SQLite, src/core/memory/engine/) must answer as the in-memory engine does, whatever
// order history arrives in, and survive what a store survives: a damaged file, a killed process, two
// processes at once.

const repo = GitRepo.create('coevolve-engine-');
const store = tempDir('coevolve-engine-store-');
const fakeStore = tempDir('coevolve-engine-fake-');
after(() => {
  repo.remove();
  rmSync(store, { recursive: true, force: true });
  rmSync(fakeStore, { recursive: true, force: true });
});

const fn = (name: string, body = 'return 1;') => `export function ${name}(input: string) {\n  ${body}\n}\n`;

/** A history with renames, a delete, tests that move with their sources and symbols in several files. */
function buildHistory(): void {
  repo.commit('feat(auth): add login and session', { 'src/auth/login.ts': fn('login'), 'src/auth/session.ts': fn('openSession'), 'test/login.test.ts': fn('testLogin') });
  repo.commit('feat(parser): parseHeader reads headers', { 'src/parser/header.ts': fn('parseHeader'), 'test/header.test.ts': fn('testHeader') });
  repo.commit('fix(auth): login refuses an empty password', { 'src/auth/login.ts': fn('login', 'return input ? 1 : 0;'), 'test/login.test.ts': fn('testLogin', 'return 2;') });
  repo.git('mv', 'src/parser/header.ts', 'src/parser/headers.ts');
  repo.commit('refactor(parser): rename header to headers', { 'src/parser/headers.ts': fn('parseHeader', 'return 3;') });
  repo.commit('fix(auth): session expiry uses the clock', { 'src/auth/session.ts': fn('openSession', 'return Date.now();'), 'src/auth/login.ts': fn('login', 'return 4;') });
  repo.commit('chore: drop the old session helper', { 'src/auth/session.ts': null, 'src/auth/clock.ts': fn('now') });
  repo.commit('fix(parser): parseHeader trims values', { 'src/parser/headers.ts': fn('parseHeader', 'return input.trim().length;'), 'test/header.test.ts': fn('testHeader', 'return 5;') });
}

/** Every answer of the disk engine's file tables, beside the in-memory FileTable's over the same digests. */
async function assertSameFiles(label: string): Promise<void> {
  const opened = await MemoryStore.open(store);
  const digests = (await opened.loadAll()).map(digestOf);
  const memory = new FileTable(digests);
  const search = FileSearch.build(memory);
  const index = await HistoryIndex.open(store);
  try {
    await index.sync(opened);
    const disk = index.unfilteredFiles();
    const paths = new Set(digests.flatMap((d) => d.files.flatMap((f) => [f.path, f.oldPath ?? f.path])));
    assert.ok(paths.size >= 7, `${label}: the history has its files`);
    const answers = (view: FileView, path: string) => [view.current(path), view.isTest(path), view.specificity(path).toFixed(6), view.history(path), view.coChanged(path, 5)];
    for (const path of paths) assert.deepEqual(answers(disk.table, path), answers(memory, path), `${label}: ${path}`);
    assert.equal(disk.table.newestSeq, memory.newestSeq, `${label}: newest`);
    // The word counts recall drops common words by, kept through every re-index.
    const words = [...new Set(digests.flatMap((d) => tokenize(d.subject)))];
    const counted = index.subjectFrequency(words);
    for (const word of words) assert.equal(counted.get(word), digests.filter((d) => tokenize(d.subject).includes(word)).length, `${label}: subjects with "${word}"`);
    assert.equal(disk.table.oldestSeq, memory.oldestSeq, `${label}: oldest`);
    for (const text of ['parseHeader in src/parser/header.ts', 'login session expiry', 'headers.ts trims', 'clock now']) {
      const query = buildQuery(text);
      assert.deepEqual(disk.table.pathMatches(query), memory.pathMatches(query), `${label}: path matches for "${text}"`);
      assert.deepEqual(disk.table.filesNamedBy(query).sort(), memory.filesNamedBy(query).sort(), `${label}: files named by "${text}"`);
      assert.deepEqual(disk.table.symbolsNamedBy(query), memory.symbolsNamedBy(query), `${label}: symbols named by "${text}"`);
      assert.deepEqual(new Set(disk.search.query(query.terms).map((hit) => hit.path)), new Set(search.query(query.terms).map((hit) => hit.path)), `${label}: files matching "${text}"`);
    }
  } finally {
    index.close();
  }
}

describe('the disk engine for large stores', () => {
  before(() => {
    process.env.COEVOLVE_MEMORY_ENGINE = 'sqlite';
    buildHistory();
  });
  after(() => delete process.env.COEVOLVE_MEMORY_ENGINE);

  it('answers about files exactly as the in-memory file table does, after a mine, a new commit and a rewrite', async () => {
    await mineHistory(repo.dir, { storeDir: store });
    await assertSameFiles('first mine');
    // A new commit on top is applied to the file tables; a pin changes an old shard without touching files.
    const top = repo.commit('fix(auth): login logs the attempt', { 'src/auth/login.ts': fn('login', 'return 6;'), 'src/auth/clock.ts': fn('now', 'return 7;') });
    await mineHistory(repo.dir, { storeDir: store });
    await assertSameFiles('one new commit');
    await (await MemoryStore.open(store)).transaction(async (tx) => {
      const found = (await tx.find(top))!;
      found.utility.pinned = true;
      tx.touch(found);
    });
    await assertSameFiles('after a pin');
    // History rewritten under the mined head: the rewritten commits leave the tables.
    repo.git('reset', '-q', '--hard', 'HEAD~2');
    repo.commit('fix(parser): parseHeader keeps empty values', { 'src/parser/headers.ts': fn('parseHeader', 'return 8;') });
    await mineHistory(repo.dir, { storeDir: store });
    await assertSameFiles('after a rewrite');
  });

  it('recalls through the disk engine, and finds the changes that touched a file under its old name', async () => {
    const workspace = await resolveWorkspace(repo.dir, store);
    const result = await recallInWorkspace(workspace, 'parseHeader trims header values');
    assert.equal(result.files[0]?.path, 'src/parser/headers.ts', JSON.stringify(result.files.slice(0, 3)));
    assert.ok(result.experiences.some((e) => e.subject === 'fix(parser): parseHeader reads headers' || e.subject.startsWith('refactor(parser)')), 'past changes of the file are recalled');
    const index = await HistoryIndex.open(store);
    try {
      const subjects = index.touching(['src/parser/headers.ts']).map((d) => d.subject);
      assert.ok(subjects.includes('feat(parser): parseHeader reads headers'), `made under the old name: ${subjects.join(' | ')}`);
      assert.deepEqual(index.symbolHomes({ name: 'parseHeader' }), ['src/parser/headers.ts']);
    } finally {
      index.close();
    }
  });

  it('pages the memory browser from the index, by kind and by file, newest first', async () => {
    const opened = await MemoryStore.open(store);
    const digests = (await opened.loadAll()).map(digestOf).sort((a, b) => b.seq - a.seq);
    const index = await HistoryIndex.open(store);
    try {
      const fixes = index.page(0, 2, { kind: 'fix' });
      const expected = digests.filter((d) => d.kind === 'fix');
      assert.equal(fixes.total, expected.length);
      assert.deepEqual(fixes.digests.map((d) => d.sha), expected.slice(0, 2).map((d) => d.sha));
      assert.deepEqual(index.page(2, 10, { kind: 'fix' }).digests.map((d) => d.sha), expected.slice(2).map((d) => d.sha));
      const byFile = index.page(0, 50, { path: (path) => path.includes('login') });
      assert.deepEqual(byFile.digests.map((d) => d.sha), digests.filter((d) => d.files.some((f) => f.path.includes('login'))).map((d) => d.sha));
      assert.equal(index.page(0, 5, { path: () => false }).total, 0);
      // Unfiltered (what the author filter reads), every page from the top to past the end, as the store orders them.
      for (let offset = 0; offset <= digests.length; offset += 3) {
        const page = index.page(offset, 3, {});
        assert.equal(page.total, digests.length);
        assert.deepEqual(page.digests.map((d) => d.sha), digests.slice(offset, offset + 3).map((d) => d.sha), `unfiltered page at ${offset}`);
      }
    } finally {
      index.close();
    }
  });

  it('keeps nothing it derived past another process\'s write: a long-lived reader sees a new commit and a pin', async () => {
    const kept = await HistoryIndex.open(store);
    try {
      await kept.sync(await MemoryStore.open(store));
      // What the reader derives and keeps: digests, word counts, the count, where a symbol lives.
      const before = kept.reading(() => kept.query(['parseheader'], 10));
      const newest = before.reduce((a, b) => (a.digest.seq > b.digest.seq ? a : b)).digest;
      assert.equal(newest.pinned, undefined);
      const size = kept.reading(() => kept.size);
      assert.deepEqual(kept.reading(() => kept.symbolHomes({ name: 'parseHeader' })), ['src/parser/headers.ts']);
      // Another connection (a mine, then a pin) writes the file; the kept reader never syncs.
      repo.commit('feat(parser): parseHeader also in the lexer', { 'src/parser/lexer.ts': fn('parseHeader', 'return 9;') });
      await mineHistory(repo.dir, { storeDir: store });
      await (await MemoryStore.open(store)).transaction(async (tx) => {
        const found = (await tx.find(newest.sha))!;
        found.utility.pinned = true;
        tx.touch(found);
      });
      const other = await HistoryIndex.open(store);
      await other.sync(await MemoryStore.open(store)).finally(() => other.close());
      assert.equal(kept.reading(() => kept.size), size + 1, 'the count');
      assert.deepEqual(kept.reading(() => kept.symbolHomes({ name: 'parseHeader' })).sort(), ['src/parser/headers.ts', 'src/parser/lexer.ts'], 'where the symbol lives');
      const after = kept.reading(() => kept.query(['parseheader'], 10));
      assert.equal(after.find((hit) => hit.digest.sha === newest.sha)?.digest.pinned, true, 'the digest of the pinned commit');
      assert.ok(after.some((hit) => hit.digest.subject === 'feat(parser): parseHeader also in the lexer'), 'the new commit');
    } finally {
      kept.close();
    }
  });

  it('rebuilds a damaged index file from the store, with a note, and clears a lock a killed process left', async () => {
    const path = join(store, ...HISTORY_INDEX);
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const rebuilt = await HistoryIndex.open(store);
    try {
      assert.match(rebuilt.notes.join('\n'), /could not be used.*rebuilt from the store/);
      await rebuilt.sync(await MemoryStore.open(store));
      assert.equal(rebuilt.size, (await MemoryStore.open(store)).state.counts.experiences);
    } finally {
      rebuilt.close();
    }
    // An index of another version (an older Co-evolve) is emptied and built again, in place.
    await loadSqlite();
    const raw = SqliteFile.open(path);
    raw.run("UPDATE state SET value = '1' WHERE key = 'version'");
    raw.close();
    const older = await HistoryIndex.open(store);
    try {
      assert.equal(older.size, 0, 'nothing of the other version is kept');
      assert.match(older.notes.join('\n'), /made by another version of Co-evolve \(format 1, now \d+\): it is rebuilt from the store, once/);
      await older.sync(await MemoryStore.open(store));
      assert.equal(older.size, (await MemoryStore.open(store)).state.counts.experiences);
    } finally {
      older.close();
    }
    // An index of format 8 lacks only the index of file names: it is added in place, nothing rebuilt
    // (and brought through the later migrations).
    const eight = SqliteFile.open(path);
    eight.exec('DROP INDEX file_names');
    eight.run("UPDATE state SET value = '8' WHERE key = 'version'");
    eight.close();
    const migrated = await HistoryIndex.open(store);
    try {
      // No rebuild; the one note says its text rows are read once (the migration from format 10).
      assert.deepEqual(migrated.notes.map((note) => /rebuilt/.test(note) || !/every stored change is read once/.test(note)), [false]);
      assert.equal(migrated.size, (await MemoryStore.open(store)).state.counts.experiences, 'every row kept');
      assert.deepEqual(migrated.unfilteredFiles().table.pathMatches(buildQuery('headers')).map((m) => m.path), ['src/parser/headers.ts']);
    } finally {
      migrated.close();
    }
    const check = SqliteFile.open(path);
    assert.equal(check.get<{ value: string }>("SELECT value FROM state WHERE key = 'version'")?.value, '11');
    check.close();
    // The VFS locks with a folder; a killed process leaves it behind.
    mkdirSync(`${path}.lock`);
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(`${path}.lock`, old, old);
    const workspace = await resolveWorkspace(repo.dir, store);
    assert.ok((await recallInWorkspace(workspace, 'login session')).experiences.length > 0);
  });

  it('refuses an index whose journal is a link, and writes nothing through it', async () => {
    const path = join(store, ...HISTORY_INDEX);
    const outside = join(tempDir('coevolve-engine-outside-'), 'victim');
    writeFileSync(outside, 'keep me');
    rmSync(`${path}-journal`, { force: true });
    symlinkSync(outside, `${path}-journal`);
    try {
      const workspace = await resolveWorkspace(repo.dir, store);
      await assert.rejects(recallInWorkspace(workspace, 'login session'), (e: unknown) => CoevolveError.is(e, 'store-corrupt') && /journal is a symbolic link/.test((e as Error).message));
      assert.equal(readFileSync(outside, 'utf8'), 'keep me');
      const repaired = await repairRecallCache(store, 'test');
      assert.match(repaired.notes.join('\n'), /history-index\.sqlite-journal: a symbolic link/);
      assert.equal(readFileSync(outside, 'utf8'), 'keep me');
      assert.ok((await recallInWorkspace(workspace, 'login session')).experiences.length > 0, 'recall works again after the repair');
    } finally {
      rmSync(`${path}-journal`, { force: true });
    }
  });
});

describe('the disk engine under crashes and concurrency', () => {
  const SHARDS = 12;
  before(async () => {
    const opened = await MemoryStore.open(fakeStore);
    for (let shard = 0; shard < SHARDS; shard++) {
      await opened.transaction(async (tx) => tx.upsert(Array.from({ length: 1000 }, (_, i) => fakeExperience(shard * 1000 + i + 1, { intent: { subject: `feat: change ${shard * 1000 + i + 1} in area${i % 13}`, body: '', issues: [] } }))));
    }
  });

  const syncChild = () =>
    spawn(process.execPath, ['--import', 'tsx', '-e', `import('${join(import.meta.dirname, '..', '..', 'helpers', 'indexSyncChild.ts')}')`, fakeStore], { stdio: ['ignore', 'pipe', 'pipe'] });

  it('finishes an index that a process killed half-way through indexing left behind', async () => {
    const child = syncChild();
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // Killed once it has indexed a few shards, in the middle of the next.
        if (/shard 3\b/.test(out)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    await new Promise((resolve) => child.on('close', resolve));
    assert.equal(child.signalCode, 'SIGKILL', `the child was killed mid-way (${out.slice(-200)})`);
    const opened = await MemoryStore.open(fakeStore);
    const index = await HistoryIndex.open(fakeStore);
    try {
      await index.sync(opened);
      assert.equal(index.size, SHARDS * 1000, 'every experience indexed once');
      assert.equal(index.query(['area7'], 5000).length, Math.ceil((1000 - 7) / 13) * SHARDS, 'the text index holds every row once');
      const memory = new FileTable((await opened.loadAll()).map(digestOf));
      assert.deepEqual(index.unfilteredFiles().table.history('src/f3.ts').length, memory.history('src/f3.ts').length);
    } finally {
      index.close();
    }
  });

  it('keeps a record of each process using the index only while it runs; a killed one is dropped by the next', async () => {
    const users = `${join(fakeStore, ...HISTORY_INDEX)}.users`;
    const run = (child: ReturnType<typeof syncChild>, killWhen?: string) =>
      new Promise<void>((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (killWhen !== undefined && out.includes(killWhen)) child.kill('SIGKILL');
        });
        child.on('close', () => resolve());
      });
    // Killed while it has the index open but holds no lock: this test is about the records, not locks.
    const opener = `const { HistoryIndex } = await import('${join(import.meta.dirname, '..', '..', '..', 'src', 'core', 'memory', 'engine', 'historyIndex.ts')}'); await HistoryIndex.open(process.argv.at(-1)); console.log('open'); setInterval(() => {}, 1000);`;
    const killed = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', opener, fakeStore], { stdio: ['ignore', 'pipe', 'pipe'] });
    await run(killed, 'open');
    assert.equal(killed.signalCode, 'SIGKILL');
    assert.ok(readdirSync(users).includes(String(killed.pid)), 'a killed process cannot take its record away');
    // Records of long-gone processes, as every earlier `coevolve recall` left them before.
    const gone = Array.from({ length: 200 }, (_, i) => 4_000_000 + i);
    for (const pid of gone) writeFileSync(join(users, String(pid)), '');
    const finished = syncChild();
    await run(finished);
    assert.equal(finished.exitCode, 0);
    assert.deepEqual(readdirSync(users).filter((name) => name !== String(process.pid)), [], 'the next process dropped the dead records, and took its own away at exit');
  });

  it('lets three processes create and sync a new index at once and leaves one consistent index', async () => {
    rmSync(join(fakeStore, ...HISTORY_INDEX), { force: true });
    const runs = [syncChild(), syncChild(), syncChild()].map(
      (child) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('close', (code) => resolve({ code, stderr }));
        }),
    );
    for (const run of await Promise.all(runs)) assert.equal(run.code, 0, run.stderr.slice(-800));
    const index = await HistoryIndex.open(fakeStore);
    try {
      assert.equal(index.size, SHARDS * 1000);
      assert.equal(index.query(['area7'], 5000).length, Math.ceil((1000 - 7) / 13) * SHARDS);
    } finally {
      index.close();
    }
  });
});

describe('the disk engine takes a rewrite of recent history back from its file tables', () => {
  const dir = tempDir('coevolve-engine-rewrite-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (path: string, extra: Partial<CommitExperience['files'][number]> = {}) => ({ path, status: 'modified' as const, category: 'source' as const, added: 1, deleted: 0, ...extra });
  /**
   * Seq `seq` of a history: mostly edits of ten files, with renames, new files, deletions and symbols
   * on the way. Two files only the newest commits of the first version touch again (rare.ts edited,
   * rare2.ts renamed away), so that nothing applied after a rewrite hides what was taken back.
   */
  const special: Record<number, CommitExperience['files']> = {
    5: [file('src/rare.ts', { status: 'added' })],
    6: [file('src/rare2.ts', { status: 'added' })],
    7: [file('src/rare3.ts', { status: 'added' })],
    8: [file('src/rare3moved.ts', { status: 'renamed', oldPath: 'src/rare3.ts' })],
    345: [file('src/rare.ts'), file('src/f5.ts')],
    // rare3.ts again: its rename entry goes, and must come back when this commit is taken back.
    346: [file('src/rare3.ts', { status: 'added' })],
    348: [file('src/rare2moved.ts', { status: 'renamed', oldPath: 'src/rare2.ts' })],
  };
  const commit = (seq: number, variant = '') =>
    fakeExperience(seq, {
      ...(variant ? { sha: `${variant}${seq.toString(16)}`.padStart(40, 'e') } : {}),
      intent: { subject: `fix: step ${seq}${variant} in area${seq % 5}${seq > 330 && !variant ? ' abandoned' : ''}`, body: '', issues: [] },
      files:
        !variant && special[seq]
          ? special[seq]
          : seq % 50 === 0 && !variant
          ? [file(`src/moved${seq}${variant}.ts`, { status: 'renamed', oldPath: `src/f${seq % 10}.ts` })]
          : seq % 37 === 0
            ? [file(`src/new${seq}${variant}.ts`, { status: 'added' }), file(`src/f${(seq + 3) % 10}.ts`, { status: 'deleted', deleted: 5 })]
            : [file(`src/f${seq % 10}.ts`), file(`src/g${seq % 3}${seq === 345 ? variant : ''}.ts`)],
      // The newest commits add symbols of their own, so that taking them back has symbols to remove.
      symbols: [{ path: `src/f${seq % 10}.ts`, name: seq > 330 ? `onlyIn${seq}${variant}` : `fn${seq % 13}`, kind: 'function', change: 'modified' }],
    });

  it('crosses a hole in the positions just below the journaled commits', async () => {
    const holed = tempDir('coevolve-engine-hole-');
    const opened = await MemoryStore.open(holed);
    // 1,300 positions with 250..320 missing: the newest 1,000 start at 300, inside the hole.
    await opened.transaction(async (tx) => tx.upsert(Array.from({ length: 1300 }, (_, i) => commit(i + 1)).filter((e) => e.seq < 250 || e.seq > 320)));
    const index = await HistoryIndex.open(holed);
    try {
      await index.sync(opened);
      const disk = index.unfilteredFiles().table;
      const memory = new FileTable((await opened.loadAll()).map(digestOf));
      for (const path of ['src/f3.ts', 'src/rare.ts', 'src/moved1300.ts']) assert.deepEqual(disk.history(path), memory.history(path), path);
    } finally {
      index.close();
      rmSync(holed, { recursive: true, force: true });
    }
  });

  it('applies again only what the rewrite replaced, and answers as a rebuild would', async () => {
    const opened = await MemoryStore.open(dir);
    await opened.transaction(async (tx) => tx.upsert(Array.from({ length: 350 }, (_, i) => commit(i + 1))));
    const index = await HistoryIndex.open(dir);
    const applied: number[] = [];
    const { apply } = FileTablesWriter.prototype;
    FileTablesWriter.prototype.apply = function (this: FileTablesWriter, digest) {
      applied.push(digest.seq);
      return apply.call(this, digest);
    };
    try {
      await index.sync(opened);
      assert.equal(applied.length, 350);
      // An amend and a short rebase: the newest eleven commits replaced by ten others (a rename, a new file and a deletion among them).
      applied.length = 0;
      await opened.transaction(async (tx) => {
        await tx.removeAbove(339);
        await tx.upsert(Array.from({ length: 10 }, (_, i) => commit(340 + i, 'b')));
      });
      await index.sync(opened);
      assert.ok(applied.length > 0 && applied.length <= 100 && Math.min(...applied) > 200, `only the newest batch applied again (${applied.length} from ${Math.min(...applied)})`);
      const digests = (await opened.loadAll()).map(digestOf);
      const memory = new FileTable(digests);
      const disk = index.unfilteredFiles().table;
      const paths = new Set(digests.flatMap((d) => d.files.flatMap((f) => [f.path, f.oldPath ?? f.path])).concat(['src/moved350.ts', 'src/rare2moved.ts']));
      const answers = (view: FileView, path: string) => [path, view.current(path), view.isTest(path), view.specificity(path).toFixed(6), view.history(path), view.coChanged(path, 5)];
      for (const path of paths) assert.deepEqual(answers(disk, path), answers(memory, path));
      const search = FileSearch.build(memory);
      for (const text of ['fn7 src/f7.ts', 'moved350', 'step 345b area0', 'onlyIn345 onlyIn345b', 'moved300 f0', 'new333 new370', 'abandoned', 'rare2 rare2moved']) {
        const query = buildQuery(text);
        assert.deepEqual(disk.pathMatches(query), memory.pathMatches(query), `path matches for "${text}"`);
        assert.deepEqual(disk.filesNamedBy(query).sort(), memory.filesNamedBy(query).sort(), `files named by "${text}"`);
        assert.deepEqual(disk.symbolsNamedBy(query), memory.symbolsNamedBy(query), `symbols named by "${text}"`);
        assert.deepEqual(new Set(index.unfilteredFiles().search.query(query.terms).map((hit) => hit.path)), new Set(search.query(query.terms).map((hit) => hit.path)), `files matching "${text}"`);
      }
      // Nothing taken back leaves rows behind that no answer happens to read.
      const raw = SqliteFile.open(join(dir, ...HISTORY_INDEX));
      try {
        for (const table of ['file_name', 'file_token', 'touch']) assert.equal(raw.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE file NOT IN (SELECT id FROM file)`)!.n, 0, `${table} rows of removed files`);
        assert.equal(raw.get<{ n: number }>('SELECT count(*) AS n FROM touch WHERE seq NOT IN (SELECT seq FROM exp)')!.n, 0, 'touches of removed commits');
        // Each file's name keys (the path, the base name, the stem) and nothing else: ids are reused, so a key left behind points at another file.
        const expected = raw.all<{ id: number; path: string }>('SELECT id, path FROM file').flatMap(({ id, path }) => {
          const base = path.toLowerCase().slice(path.lastIndexOf('/') + 1);
          return [...new Set([path.toLowerCase(), base, base.replace(/\.[^.]+$/, '')])].map((key) => `${key} ${id}`);
        });
        assert.deepEqual(raw.all<{ key: string; file: number }>('SELECT key, file FROM file_name').map((row) => `${row.key} ${row.file}`).sort(), expected.sort());
        // One document in the file index per existing file, none for a file taken back.
        assert.deepEqual(raw.all<{ id: number }>('SELECT rowid AS id FROM file_fts ORDER BY rowid').map((row) => row.id), raw.all<{ id: number }>('SELECT id FROM file WHERE present = 1 ORDER BY id').map((row) => row.id));
      } finally {
        raw.close();
      }
      // A rewrite below what the journal keeps rebuilds the tables, with the same answers.
      applied.length = 0;
      await opened.transaction(async (tx) => {
        await tx.removeAbove(9);
        await tx.upsert([commit(10, 'c')]);
      });
      await index.sync(opened);
      assert.equal(applied.length, 10, 'rebuilt from the first commit');
      assert.deepEqual(index.unfilteredFiles().table.history('src/f0.ts'), new FileTable((await opened.loadAll()).map(digestOf)).history('src/f0.ts'));
    } finally {
      FileTablesWriter.prototype.apply = apply;
      index.close();
    }
  });
});

describe('the disk engine keeps its text indexes in few segments', () => {
  const dir = tempDir('coevolve-engine-segments-');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('merges the segments that a mine leaves and answers as before; a followed commit is not made to wait for a merge', async () => {
    const opened = await MemoryStore.open(dir);
    // One transaction per shard, as a mine indexes: each leaves a segment in the experiences' text index.
    const shard = async (n: number, size = 30) => opened.transaction(async (tx) => tx.upsert(Array.from({ length: size }, (_, i) => fakeExperience(n * 1000 + i + 1, { intent: { subject: `fix: parser${n % 4} token${i} in area${n}`, body: '', issues: [] }, files: [{ path: `src/area${n}/f${i % 5}.ts`, status: 'modified', category: 'source', added: 1, deleted: 0 }] }))));
    for (let n = 0; n < 40; n++) await shard(n);
    const index = await HistoryIndex.open(dir);
    const segments = () => ({ exp: index.segmentsOf('exp_fts'), file: index.segmentsOf('file_fts') });
    try {
      await index.sync(opened, { files: false });
      assert.ok(segments().exp > 8, `forty shards indexed one by one leave many segments (${segments().exp})`);
      const before = index.query(['parser3', 'token7'], 500).map((hit) => hit.digest.sha);
      assert.equal(before.length, 330, 'parser3 in ten shards, token7 in thirty more');
      await index.sync(opened);
      assert.equal(segments().exp, 1, 'filing a mine of 1,200 rows merged the text index');
      assert.deepEqual(index.query(['parser3', 'token7'], 500).map((hit) => hit.digest.sha), before, 'the same answer after the merge');
      // A commit followed files one row: no count and no whole merge, but a little merging keeps the segments few.
      const seen: number[] = [];
      for (let n = 40; n < 52; n++) {
        await shard(n, 1);
        await index.sync(opened);
        seen.push(segments().exp);
      }
      assert.deepEqual(seen.slice(0, 3), [2, 3, 4], 'each followed commit left its own segment');
      assert.ok(Math.max(...seen) <= 8, `still few: ${seen.join(' ')}`);
      assert.deepEqual(index.unfilteredFiles().search.query(['area17']).map((hit) => hit.path).sort(), [0, 1, 2, 3, 4].map((i) => `src/area17/f${i}.ts`));
    } finally {
      index.close();
    }
  });
});
