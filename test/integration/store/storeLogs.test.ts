import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { CoevolveError } from '../../../src/core/errors.ts';
import { logCredits, readCreditHistory } from '../../../src/core/learning/creditLog.ts';
import { appendOutcome, readOutcomes } from '../../../src/core/memory/outcomeLog.ts';
import { repairStore } from '../../../src/core/memory/store.ts';
import { appendJsonl, readJsonl } from '../../../src/core/store/jsonl.ts';
import { runCliAsync } from '../../helpers/cliProcess.ts';
import { mathProject } from '../../helpers/teamFixtures.ts';
import { scratchSpace } from '../../helpers/gitRepo.ts';

// The store's JSON-lines logs through one layer: a record a crash cut short never swallows the next
// one, a damaged file is said to be damaged (never read as empty), `store repair` mends it, and no
// path through a symbolic link committed in a repository is read or written.

const space = scratchSpace(after);
const utility = { q: 0.3, helpful: 1, harmful: 0, uses: 1, lastUsed: 1_700_000_000 };

describe('JSON lines', () => {
  it('reads a record cut short as torn, garbage as corrupt, and an append mends the cut', async () => {
    const path = join(space.scratch('coevolve-jsonl-'), 'log.jsonl');
    const schema = z.object({ n: z.number() });
    writeFileSync(path, '{"n":1}\n{"n":2');
    assert.deepEqual((await readJsonl(path, schema)).problems.map((p) => p.kind), ['torn']);
    await appendJsonl(path, [{ n: 3 }]);
    const read = await readJsonl(path, schema);
    assert.deepEqual(read.records, [{ n: 1 }, { n: 3 }], 'the new record is whole, not glued to the cut one');
    assert.deepEqual(read.problems.map((p) => [p.line, p.kind]), [[2, 'torn']]);
    appendFileSync(path, '\u0000\u0000\u0000\n{"n":"four"}\n');
    assert.deepEqual((await readJsonl(path, schema)).problems.map((p) => [p.line, p.kind]), [[2, 'torn'], [4, 'corrupt'], [5, 'corrupt']]);
  });
});

describe('the store logs', () => {
  it('outcomes.jsonl and credits.jsonl: an append after a torn last line is kept', async () => {
    const store = space.scratch('coevolve-logs-store-');
    await appendOutcome(store, { itemIds: ['commit:a'], outcome: 'helped' });
    appendFileSync(join(store, 'feedback', 'outcomes.jsonl'), '{"at":"2026-12-0');
    await appendOutcome(store, { itemIds: ['commit:b'], outcome: 'hurt' });
    assert.deepEqual((await readOutcomes(store)).map((r) => r.itemIds[0]), ['commit:a', 'commit:b']);

    await logCredits(store, [{ id: 'commit:a', reward: 1, utility }]);
    appendFileSync(join(store, 'memory', 'credits.jsonl'), '{"at":17000');
    await logCredits(store, [{ id: 'commit:a', reward: -1, utility: { ...utility, q: 0.1 } }]);
    assert.deepEqual((await readCreditHistory(store, 'commit:a')).map((c) => c.reward), [1, -1]);
  });

  it('a damaged fixes.jsonl is an error with the remedy, not "no fixes"; store repair keeps every valid record', async () => {
    const repo = mathProject();
    space.track(() => repo.remove());
    const store = space.scratch('coevolve-logs-fixes-');
    const fix = (id: string): string => JSON.stringify({ schema: 1, id, source: 'fix', runId: id.slice(4), time: 1_700_000_000, task: 't', plan: 'p', summary: 's', patchSummary: '', files: ['src/math.js'], verification: { status: 'passed', checks: [] }, rounds: 1, outcome: 'accepted', verified: true, active: true, memoryUsed: { experienceIds: [], skillIds: [], fixIds: [] }, utility });
    mkdirSync(join(store, 'memory'), { recursive: true });
    writeFileSync(join(store, 'memory', 'fixes.jsonl'), `${fix('fix:r1')}\nthis is not a record\n${fix('fix:r2')}\n`);
    const shown = await runCliAsync(['memory', 'show', '--path', repo.dir, '--store', store], repo.dir);
    assert.equal(shown.code, 3, shown.stderr);
    assert.match(shown.stderr, /memory\/fixes\.jsonl is damaged: line 2 is not JSON/);
    assert.match(shown.stderr, /coevolve store repair/);

    const report = await repairStore(store);
    assert.deepEqual(report.logs.map((l) => [l.log, l.dropped]), [['memory/fixes.jsonl', 1]]);
    assert.match(readFileSync(report.logs[0]!.backup, 'utf8'), /this is not a record/, 'the damaged file is kept');
    const after = await runCliAsync(['memory', 'show', '--path', repo.dir, '--store', store, '--json'], repo.dir);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual((JSON.parse(after.stdout) as { fixes: { runId: string }[] }).fixes.map((f) => f.runId).sort(), ['r1', 'r2']);
  });

  it('never writes or reads through a symbolic link in the store, nor through a store that is one', async () => {
    const store = space.scratch('coevolve-logs-link-');
    const outside = join(space.scratch('coevolve-logs-outside-'), 'victim.txt');
    writeFileSync(outside, 'precious\n');
    mkdirSync(join(store, 'feedback'), { recursive: true });
    symlinkSync(outside, join(store, 'feedback', 'outcomes.jsonl'));
    await assert.rejects(appendOutcome(store, { itemIds: ['commit:a'], outcome: 'helped' }), (error: unknown) => CoevolveError.is(error, 'store-corrupt') && /feedback\/outcomes\.jsonl .* is a symbolic link/.test(error.message));
    await assert.rejects(readOutcomes(store), (error: unknown) => CoevolveError.is(error, 'store-corrupt'));
    assert.equal(readFileSync(outside, 'utf8'), 'precious\n', 'nothing was written outside');

    const real = space.scratch('coevolve-logs-real-');
    const linkedStore = join(space.scratch('coevolve-logs-linkdir-'), '.coevolve');
    symlinkSync(real, linkedStore, 'dir');
    await assert.rejects(logCredits(linkedStore, [{ id: 'commit:a', reward: 1, utility }]), (error: unknown) => CoevolveError.is(error, 'store-corrupt') && /The store folder itself .* is a symbolic link/.test(error.message));
  });
});
